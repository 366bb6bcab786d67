// See include/xskernels.h. Each loop is written so that clang vectorizes it; target_clones
// builds AVX-512, AVX2 and baseline versions and picks one when the library loads (Linux x86-64).
#include "xskernels.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

#pragma clang fp contract(off)

#if defined(__x86_64__) && defined(__linux__) && defined(__clang__)
#define XS_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define XS_CLONES
#endif

XS_CLONES
void xs_adam_update(float *restrict theta, const float *restrict gradient, float *restrict m, float *restrict v, size_t n,
                    float beta1, float beta2, float epsilon, float stepSize,
                    float inverseSqrtCorrection2, float l2, float decoupledDecay) {
    const float c1 = 1 - beta1, c2 = 1 - beta2;
    for (size_t i = 0; i < n; i++) {
        const float th = theta[i];
        const float g = gradient[i] + l2 * th;
        const float mi = beta1 * m[i] + c1 * g;
        const float vi = beta2 * v[i] + c2 * g * g;
        m[i] = mi;
        v[i] = vi;
        theta[i] = th - (stepSize * mi / (__builtin_sqrtf(vi) * inverseSqrtCorrection2 + epsilon) + decoupledDecay * th);
    }
}

XS_CLONES
void xs_relu_forward(const float *restrict x, float *restrict y, size_t n) {
    for (size_t i = 0; i < n; i++) y[i] = x[i] < 0 ? 0 : x[i];
}

XS_CLONES
void xs_relu_backward(const float *restrict x, const float *restrict dy, float *restrict dx, size_t n) {
    for (size_t i = 0; i < n; i++) dx[i] = x[i] > 0 ? dy[i] : 0;
}

// ---------------------------------------------------------------------------------------------
// The logistic σ(x) = 1/(1 + e^{−x}) needs e^{−|x|} only (σ(x) = 1/(1 + e) for x ≥ 0 and
// e/(1 + e) for x < 0, with e = e^{−|x|}: e cannot overflow). Those exponentials dominate
// training with SiLU. The C library's expf is a scalar call; on CPUs with FMA, glibc's expf is
// the table-driven algorithm of ARM's optimized routines (Szabolcs Nagy, 2017) compiled with FMA
// contraction, which `exp_nonpositive` below restates so that it vectorizes. It was checked to give
// glibc's bits for every float in [−104, 0] (1,120,927,745 values) and handles −∞, NaN and
// underflow as expf does; so vector and scalar builds, and the earlier Swift code, train to the
// same bits (tests compare them on random and special inputs).
// ---------------------------------------------------------------------------------------------

#include <stdint.h>

// 2^(i/32) as doubles, minus (i << 47): tab[k % 32] + (k << 47) is the bit pattern of 2^(k/32).
static const uint64_t exp2_table[32] = {
    0x3ff0000000000000, 0x3fefd9b0d3158574, 0x3fefb5586cf9890f, 0x3fef9301d0125b51,
    0x3fef72b83c7d517b, 0x3fef54873168b9aa, 0x3fef387a6e756238, 0x3fef1e9df51fdee1,
    0x3fef06fe0a31b715, 0x3feef1a7373aa9cb, 0x3feedea64c123422, 0x3feece086061892d,
    0x3feebfdad5362a27, 0x3feeb42b569d4f82, 0x3feeab07dd485429, 0x3feea47eb03a5585,
    0x3feea09e667f3bcd, 0x3fee9f75e8ec5f74, 0x3feea11473eb0187, 0x3feea589994cce13,
    0x3feeace5422aa0db, 0x3feeb737b0cdc5e5, 0x3feec49182a3f090, 0x3feed503b23e255d,
    0x3feee89f995ad3ad, 0x3feeff76f2fb5e47, 0x3fef199bdd85529c, 0x3fef3720dcef9069,
    0x3fef5818dcfba487, 0x3fef7c97337b9b5f, 0x3fefa4afa2a490da, 0x3fefd0765b6e4540,
};

// e^x for x ≤ 0 (and NaN), as glibc's expf with FMA computes it: x·32/ln2 = k + r, |r| ≤ 1/2,
// e^x = 2^(k/32) · 2^(r/32), the last a cubic in r.
static inline __attribute__((always_inline)) float exp_nonpositive(float x) {
    const double invLn2N = 0x1.71547652b82fep+0 * 32, shift = 0x1.8p+52;
    const double c0 = 0x1.c6af84b912394p-5 / 32 / 32 / 32, c1 = 0x1.ebfce50fac4f3p-3 / 32 / 32, c2 = 0x1.62e42ff0c52d6p-1 / 32;
    const float underflow = -0x1.9fe368p6f;  // below log(2^−150): the result rounds to 0
    const float xc = x < underflow ? underflow : x;  // keeps k in range; the lane is replaced below
    const double xd = (double)xc;
    double kd = invLn2N * xd + shift;  // rounds x·32/ln2 to an integer k (in kd's low bits)
    uint64_t ki;
    memcpy(&ki, &kd, sizeof ki);
    kd -= shift;
    const double r = __builtin_fma(invLn2N, xd, -kd);
    const uint64_t t = exp2_table[ki % 32] + (ki << 47);
    double s;
    memcpy(&s, &t, sizeof s);
    const double p = __builtin_fma(c0, r, c1);
    double y = __builtin_fma(c2, r, 1.0);
    y = __builtin_fma(p, r * r, y);
    float e = (float)(y * s);
    e = x < underflow ? 0.0f : e;  // also −∞
    return x != x ? x + x : e;     // NaN stays NaN
}

static inline __attribute__((always_inline)) float sigmoid_of(float x, float e) {
    // e = e^{−|x|}
    return x >= 0 ? 1 / (1 + e) : e / (1 + e);
}

// One body, compiled three ways: with AVX-512, with AVX2+FMA, and as a scalar loop over the C
// library's expf (CPUs without FMA, whose expf rounds differently; also non-x86 builds).
#define XS_SIGMOID_KERNELS(SUFFIX, EXP, ATTR)                                                              \
    ATTR static void silu_forward_##SUFFIX(const float *restrict x, float *restrict y, size_t n) {        \
        for (size_t i = 0; i < n; i++) y[i] = x[i] * sigmoid_of(x[i], EXP(-__builtin_fabsf(x[i])));      \
    }                                                                                                     \
    ATTR static void silu_backward_##SUFFIX(const float *restrict x, const float *restrict dy, float *restrict dx, size_t n) { \
        for (size_t i = 0; i < n; i++) {                                                                  \
            const float s = sigmoid_of(x[i], EXP(-__builtin_fabsf(x[i])));                                \
            dx[i] = dy[i] * s * (1 + x[i] * (1 - s));                                                     \
        }                                                                                                 \
    }                                                                                                     \
    ATTR static void sigmoid_forward_##SUFFIX(const float *restrict x, float *restrict y, size_t n) {     \
        for (size_t i = 0; i < n; i++) y[i] = sigmoid_of(x[i], EXP(-__builtin_fabsf(x[i])));             \
    }

// The vector paths restate glibc's expf, so they exist only where that is the C library.
#if defined(__x86_64__) && defined(__clang__) && defined(__GLIBC__)
#define XS_VECTOR_EXP 1
#endif

XS_SIGMOID_KERNELS(scalar, expf, )
#ifdef XS_VECTOR_EXP
XS_SIGMOID_KERNELS(avx512, exp_nonpositive, __attribute__((target("avx512f,fma"))))
XS_SIGMOID_KERNELS(avx2, exp_nonpositive, __attribute__((target("avx2,fma"))))
#endif

// 2: AVX-512, 1: AVX2 with FMA, 0: the scalar loop. Chosen once, like target_clones does; the
// environment variable XSNET_SIGMOID_PATH=0|1 selects a narrower path (to check each of them).
static int sigmoid_path(void) {
#ifdef XS_VECTOR_EXP
    static int path = -1;  // threads that race here compute the same value
    int p = __atomic_load_n(&path, __ATOMIC_RELAXED);
    if (p < 0) {
        __builtin_cpu_init();
        p = __builtin_cpu_supports("avx512f") ? 2 : (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) ? 1 : 0;
        const char *asked = getenv("XSNET_SIGMOID_PATH");
        if (asked && asked[0] >= '0' && asked[0] <= '2' && asked[0] - '0' < p) p = asked[0] - '0';
        __atomic_store_n(&path, p, __ATOMIC_RELAXED);
    }
    return p;
#else
    return 0;
#endif
}

int xs_sigmoid_kernel_path(void) { return sigmoid_path(); }

#ifdef XS_VECTOR_EXP
#define XS_DISPATCH(NAME, ...)                                      \
    switch (sigmoid_path()) {                                       \
    case 2: NAME##_avx512(__VA_ARGS__); return;                     \
    case 1: NAME##_avx2(__VA_ARGS__); return;                       \
    default: NAME##_scalar(__VA_ARGS__); return;                    \
    }
#else
#define XS_DISPATCH(NAME, ...) NAME##_scalar(__VA_ARGS__)
#endif

void xs_silu_forward(const float *x, float *y, size_t n) { XS_DISPATCH(silu_forward, x, y, n) }
void xs_silu_backward(const float *x, const float *dy, float *dx, size_t n) { XS_DISPATCH(silu_backward, x, dy, dx, n) }
void xs_sigmoid_forward(const float *x, float *y, size_t n) { XS_DISPATCH(sigmoid_forward, x, y, n) }

XS_CLONES
void xs_sigmoid_backward(const float *restrict y, const float *restrict dy, float *restrict dx, size_t n) {
    for (size_t i = 0; i < n; i++) dx[i] = dy[i] * y[i] * (1 - y[i]);
}

void xs_tanh_forward(const float *restrict x, float *restrict y, size_t n) {
    for (size_t i = 0; i < n; i++) y[i] = tanhf(x[i]);
}

XS_CLONES
void xs_tanh_backward(const float *restrict y, const float *restrict dy, float *restrict dx, size_t n) {
    for (size_t i = 0; i < n; i++) dx[i] = dy[i] * (1 - y[i] * y[i]);
}

XS_CLONES
void xs_scale_shift_rows(const float *restrict x, float *restrict y, size_t rows, size_t columns,
                         const float *restrict scale, const float *restrict shift) {
    for (size_t r = 0; r < rows; r++) {
        const float *xr = x + r * columns;
        float *yr = y + r * columns;
        for (size_t c = 0; c < columns; c++) yr[c] = xr[c] * scale[c] + shift[c];
    }
}

XS_CLONES
void xs_add_bias_rows(float *restrict y, size_t rows, size_t columns, const float *restrict bias) {
    for (size_t r = 0; r < rows; r++) {
        float *yr = y + r * columns;
        for (size_t c = 0; c < columns; c++) yr[c] += bias[c];
    }
}

XS_CLONES
void xs_column_sums(const float *restrict x, size_t rows, size_t columns, float *restrict sums) {
    for (size_t r = 0; r < rows; r++) {
        const float *xr = x + r * columns;
        for (size_t c = 0; c < columns; c++) sums[c] += xr[c];
    }
}

XS_CLONES
void xs_batchnorm_train_forward(const float *restrict x, float *restrict normalized, float *restrict y, size_t rows, size_t columns,
                                const float *restrict gamma, const float *restrict beta, float epsilon,
                                float *restrict mean, float *restrict variance, float *restrict invStd) {
    // Two passes (mean, then centred squares): no cancellation in σ².
    memset(mean, 0, columns * sizeof(float));
    memset(variance, 0, columns * sizeof(float));
    for (size_t r = 0; r < rows; r++) {
        const float *xr = x + r * columns;
        for (size_t c = 0; c < columns; c++) mean[c] += xr[c];
    }
    const float inverseB = 1 / (float)rows;
    for (size_t c = 0; c < columns; c++) mean[c] *= inverseB;
    for (size_t r = 0; r < rows; r++) {
        const float *xr = x + r * columns;
        for (size_t c = 0; c < columns; c++) {
            const float d = xr[c] - mean[c];
            variance[c] += d * d;
        }
    }
    for (size_t c = 0; c < columns; c++) {
        variance[c] *= inverseB;
        invStd[c] = 1 / __builtin_sqrtf(variance[c] + epsilon);
    }
    for (size_t r = 0; r < rows; r++) {
        const float *xr = x + r * columns;
        float *nr = normalized + r * columns, *yr = y + r * columns;
        for (size_t c = 0; c < columns; c++) {
            const float n = (xr[c] - mean[c]) * invStd[c];
            nr[c] = n;
            yr[c] = gamma[c] * n + beta[c];
        }
    }
}

XS_CLONES
void xs_batchnorm_backward(const float *restrict dy, const float *restrict normalized, float *restrict dx, size_t rows, size_t columns,
                           const float *restrict gamma, const float *restrict invStd, int batchStatistics,
                           float *restrict sumDy, float *restrict sumDyXhat) {
    memset(sumDy, 0, columns * sizeof(float));
    memset(sumDyXhat, 0, columns * sizeof(float));
    for (size_t r = 0; r < rows; r++) {
        const float *g = dy + r * columns, *n = normalized + r * columns;
        for (size_t c = 0; c < columns; c++) {
            sumDy[c] += g[c];
            sumDyXhat[c] += g[c] * n[c];
        }
    }
    if (batchStatistics) {
        const float inverseB = 1 / (float)rows;
        for (size_t r = 0; r < rows; r++) {
            const float *g = dy + r * columns, *n = normalized + r * columns;
            float *d = dx + r * columns;
            for (size_t c = 0; c < columns; c++)
                d[c] = gamma[c] * invStd[c] * (g[c] - inverseB * sumDy[c] - n[c] * inverseB * sumDyXhat[c]);
        }
    } else {
        for (size_t r = 0; r < rows; r++) {
            const float *g = dy + r * columns;
            float *d = dx + r * columns;
            for (size_t c = 0; c < columns; c++) d[c] = g[c] * gamma[c] * invStd[c];
        }
    }
}

// One block of the affine map: `block` (≤ 4) points × 8 outputs starting at column j, summed over
// i in ascending order in registers. The 4 × 8 case (batches) and the 1 × 8 case (one point) have
// constant loop bounds, so clang keeps the accumulators in vector registers; every case does the
// same operations per element.
static inline __attribute__((always_inline)) void affine_block(const double *restrict x, const double *restrict w,
                                                               const double *restrict bias, double *restrict y,
                                                               size_t block, size_t k, size_t n, size_t j) {
    double acc[4][8];
    if (block == 4) {
        for (size_t t = 0; t < 4; t++) for (size_t c = 0; c < 8; c++) acc[t][c] = bias[j + c];
        for (size_t i = 0; i < k; i++) {
            const double *wi = w + i * n + j;
            for (size_t t = 0; t < 4; t++) {
                const double xi = x[t * k + i];
                for (size_t c = 0; c < 8; c++) acc[t][c] = acc[t][c] + xi * wi[c];
            }
        }
    } else if (block == 1) {
        for (size_t c = 0; c < 8; c++) acc[0][c] = bias[j + c];
        for (size_t i = 0; i < k; i++) {
            const double *wi = w + i * n + j;
            const double xi = x[i];
            for (size_t c = 0; c < 8; c++) acc[0][c] = acc[0][c] + xi * wi[c];
        }
    } else {
        for (size_t t = 0; t < block; t++) for (size_t c = 0; c < 8; c++) acc[t][c] = bias[j + c];
        for (size_t i = 0; i < k; i++) {
            const double *wi = w + i * n + j;
            for (size_t t = 0; t < block; t++) {
                const double xi = x[t * k + i];
                for (size_t c = 0; c < 8; c++) acc[t][c] = acc[t][c] + xi * wi[c];
            }
        }
    }
    for (size_t t = 0; t < block; t++) for (size_t c = 0; c < 8; c++) y[t * n + j + c] = acc[t][c];
}

XS_CLONES
void xs_affine_f64(const double *restrict x, const double *restrict w, const double *restrict bias, double *restrict y,
                   size_t rows, size_t k, size_t n) {
    if (rows == 1) {
        // One point (a generator's call): rows of W streamed in turn, y kept in cache.
        for (size_t c = 0; c < n; c++) y[c] = bias[c];
        for (size_t i = 0; i < k; i++) {
            const double xi = x[i], *wi = w + i * n;
            for (size_t c = 0; c < n; c++) y[c] = y[c] + xi * wi[c];
        }
        return;
    }
    for (size_t r = 0; r < rows; r += 4) {
        const size_t block = rows - r < 4 ? rows - r : 4;
        const double *xr = x + r * k;
        double *yr = y + r * n;
        size_t j = 0;
        for (; j + 8 <= n; j += 8) affine_block(xr, w, bias, yr, block, k, n, j);
        for (size_t t = 0; t < block; t++) {
            for (size_t c = j; c < n; c++) {
                double acc = bias[c];
                for (size_t i = 0; i < k; i++) acc = acc + xr[t * k + i] * w[i * n + c];
                yr[t * n + c] = acc;
            }
        }
    }
}
