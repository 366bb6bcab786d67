// Checks the σ kernel of Sources/CXSKernels against σ computed with the C library's expf, for
// every float in [-104, 104] (about 2.2 billion values; the rest are 0, 1 or special cases that
// the tests cover). Run from the repository root:
//   clang -O3 -fno-math-errno -ISources/CXSKernels/include benchmarks/sigmoid_exhaustive.c \
//       Sources/CXSKernels/kernels.c -o /tmp/sigmoid_exhaustive -lm && /tmp/sigmoid_exhaustive
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "xskernels.h"

static float sigmoid_reference(float x) { return x >= 0 ? 1 / (1 + expf(-x)) : expf(x) / (1 + expf(x)); }

int main(void) {
    const size_t chunk = 1 << 20;
    float *x = malloc(chunk * sizeof(float)), *y = malloc(chunk * sizeof(float));
    uint64_t checked = 0, differ = 0;
    for (int sign = 0; sign < 2; sign++) {
        const uint32_t start = sign ? 0x80000000u : 0, stop = sign ? 0xC2D00000u : 0x42D00000u;  // ±104
        for (uint64_t u = start; u <= stop; u += chunk) {
            size_t n = 0;
            for (uint64_t v = u; v <= stop && n < chunk; v++, n++) { uint32_t b = (uint32_t)v; memcpy(&x[n], &b, 4); }
            xs_sigmoid_forward(x, y, n);
            for (size_t i = 0; i < n; i++) {
                const float r = sigmoid_reference(x[i]);
                if (memcmp(&r, &y[i], 4) != 0) { if (differ < 5) printf("x = %a: kernel %a, expf %a\n", x[i], y[i], r); differ++; }
            }
            checked += n;
        }
    }
    printf("kernel path %d: %llu values checked, %llu differ\n", xs_sigmoid_kernel_path(), (unsigned long long)checked, (unsigned long long)differ);
    return differ != 0;
}
