/* xsnet C API: predict inclusive electron–nucleus cross sections d²σ/dΩdω with xsnet models.
 *
 * Build the library with `swift build -c release --product XSNetC` (libXSNetC.so in .build/release)
 * and link with -lXSNetC. Example: examples/cpp/xsnet_example.cpp.
 *
 * Every function returns XSNET_OK or an error code; xsnet_last_error() then says why (per thread).
 * No function returns a silent default value. A model handle is not thread-safe: open one per thread.
 */
#ifndef XSNET_H
#define XSNET_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

enum {
    XSNET_OK = 0,
    XSNET_ERROR_FILE = 1,       /* missing, truncated, corrupted or foreign model file */
    XSNET_ERROR_UNPHYSICAL = 2, /* E <= 0, omega <= 0, omega >= E, theta outside (0, 180), NaN */
    XSNET_ERROR_ARGUMENT = 3    /* a null pointer where one is required */
};

typedef struct xsnet_model xsnet_model;

/* Opens a model or ensemble file written by `xsnet train` or `xsnet ensemble build`. */
int xsnet_open(const char *path, xsnet_model **model);

/* Number of networks in the model (ensemble members). */
int xsnet_members(const xsnet_model *model);

/* One point: beam energy E and energy transfer omega in GeV, angle theta in degrees.
 * mean: d²σ/dΩdω in nb/sr/GeV (average over members); sd: their standard deviation times the
 * model's calibration factor for this (E, θ), as `xsnet predict` reports it (may be NULL). */
int xsnet_predict(xsnet_model *model, double energy_GeV, double theta_deg, double omega_GeV, double *mean, double *sd);

/* n points at once (faster per point); arrays of length n; sd may be NULL. */
int xsnet_predict_batch(xsnet_model *model, size_t n, const double *energy_GeV, const double *theta_deg,
                        const double *omega_GeV, double *mean, double *sd);

/* n points with the whole band, as `xsnet predict` reports it: mean, standard deviation, 16th and
 * 84th percentiles over the members or Monte-Carlo passes (calibrated), and 1 where a point lies
 * outside the kinematic box of the training data (extrapolation), else 0. Any output but mean may
 * be NULL. A model without a band (one network) gives sd 0 and p16 = p84 = mean. */
int xsnet_predict_band(xsnet_model *model, size_t n, const double *energy_GeV, const double *theta_deg,
                       const double *omega_GeV, double *mean, double *sd, double *p16, double *p84, int *extrapolation);
/* 1 when the model has a band (an ensemble, or Monte-Carlo dropout), 0 for one network. */
int xsnet_has_band(const xsnet_model *model);
/* The model's nucleus, e.g. "C12" (valid until xsnet_close; NULL for a NULL model). */
const char *xsnet_nucleus(xsnet_model *model);
/* The calling thread's last error message ("" if none). */
const char *xsnet_last_error(void);

void xsnet_close(xsnet_model *model);

#ifdef __cplusplus
}
#endif

#endif /* XSNET_H */
