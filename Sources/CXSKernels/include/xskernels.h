// Elementwise kernels of the xsnet engine, in C so that the compiler vectorizes them for the
// widest vector unit the CPU has (AVX-512, AVX2, or the baseline), chosen at run time.
// Floating-point contraction is off: every ISA gives the same bits as the scalar formulas.
#ifndef XSKERNELS_H
#define XSKERNELS_H

#include <stddef.h>

/// Adam/AdamW over n elements (Kingma & Ba 2015; Loshchilov & Hutter 2019):
///   g ← g + l2·θ;  m ← β₁m + (1−β₁)g;  v ← β₂v + (1−β₂)g²;
///   θ ← θ − (stepSize·m / (√v · inverseSqrtCorrection2 + ε) + decoupledDecay·θ).
void xs_adam_update(float *theta, const float *gradient, float *m, float *v, size_t n,
                    float beta1, float beta2, float epsilon, float stepSize,
                    float inverseSqrtCorrection2, float l2, float decoupledDecay);

/// y = max(x, 0).
void xs_relu_forward(const float *x, float *y, size_t n);
/// dx = dy where x > 0, else 0.
void xs_relu_backward(const float *x, const float *dy, float *dx, size_t n);

/// The logistic σ(x) = 1/(1 + e^{−x}), and SiLU x·σ(x), tanh and σ with their backward passes.
/// σ uses e^{−|x|} as the C library's expf computes it, vectorized where the CPU has AVX-512 or
/// AVX2 with FMA (kernels.c says how it was checked); tanh is the C library's tanhf.
void xs_silu_forward(const float *x, float *y, size_t n);
/// dx = dy·σ(x)·(1 + x(1 − σ(x))).
void xs_silu_backward(const float *x, const float *dy, float *dx, size_t n);
void xs_sigmoid_forward(const float *x, float *y, size_t n);
/// Which σ kernels run here: 2 AVX-512, 1 AVX2 with FMA, 0 the scalar loop over expf.
int xs_sigmoid_kernel_path(void);
/// dx = dy·y(1 − y) from the saved output y.
void xs_sigmoid_backward(const float *y, const float *dy, float *dx, size_t n);
void xs_tanh_forward(const float *x, float *y, size_t n);
/// dx = dy(1 − y²) from the saved output y.
void xs_tanh_backward(const float *y, const float *dy, float *dx, size_t n);

/// Rows × columns matrix (row-major): y[r][c] = x[r][c]·scale[c] + shift[c].
void xs_scale_shift_rows(const float *x, float *y, size_t rows, size_t columns,
                         const float *scale, const float *shift);
/// Adds bias[c] to every row.
void xs_add_bias_rows(float *y, size_t rows, size_t columns, const float *bias);
/// sums[c] += Σ_r x[r][c].
void xs_column_sums(const float *x, size_t rows, size_t columns, float *sums);

/// Batch norm, training forward: the batch mean and biased variance per column (two passes),
/// then x̂ = (x − μ)·invStd and y = γx̂ + β. Writes mean, variance, invStd (1/√(σ²+ε)).
void xs_batchnorm_train_forward(const float *x, float *normalized, float *y, size_t rows, size_t columns,
                                const float *gamma, const float *beta, float epsilon,
                                float *mean, float *variance, float *invStd);
/// Batch norm backward: sumDy = Σ dy, sumDyXhat = Σ dy·x̂ per column; with batch statistics
/// dx = γ·invStd·(dy − sumDy/B − x̂·sumDyXhat/B), otherwise dx = dy·γ·invStd.
void xs_batchnorm_backward(const float *dy, const float *normalized, float *dx, size_t rows, size_t columns,
                           const float *gamma, const float *invStd, int batchStatistics,
                           float *sumDy, float *sumDyXhat);

/// y = b + x·W for `rows` points (x: rows × k, W: k × n, y: rows × n, row-major), in float64.
/// Each y[r][c] is bias[c] + Σ_i x[r][i]·W[i][c] summed in ascending i with separate multiplies
/// and adds, on every ISA and in any block: a point's result does not depend on the others.
void xs_affine_f64(const double *x, const double *w, const double *bias, double *y, size_t rows, size_t k, size_t n);

#endif
