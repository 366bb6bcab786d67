// See include/xskernels.h. Each loop is written so that clang vectorizes it; target_clones
// builds AVX-512, AVX2 and baseline versions and picks one when the library loads (Linux x86-64).
#include "xskernels.h"
#include <math.h>
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

// σ(x) = 1/(1 + e^{−x}), written so that e^{−x} cannot overflow for large negative x.
static inline float xs_sigmoid(float x) {
    if (x >= 0) return 1 / (1 + expf(-x));
    const float e = expf(x);
    return e / (1 + e);
}

void xs_silu_forward(const float *restrict x, float *restrict y, size_t n) {
    for (size_t i = 0; i < n; i++) y[i] = x[i] * xs_sigmoid(x[i]);
}

void xs_silu_backward(const float *restrict x, const float *restrict dy, float *restrict dx, size_t n) {
    for (size_t i = 0; i < n; i++) {
        const float s = xs_sigmoid(x[i]);
        dx[i] = dy[i] * s * (1 + x[i] * (1 - s));
    }
}

void xs_sigmoid_forward(const float *restrict x, float *restrict y, size_t n) {
    for (size_t i = 0; i < n; i++) y[i] = xs_sigmoid(x[i]);
}

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
