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
    XSNET_ERROR_ARGUMENT = 3,   /* a null pointer, a closed or unknown model handle, n above the per-call limit */
    XSNET_ERROR_NUMERIC = 4     /* the model gives no finite value at a point (the point is named) */
};

typedef struct xsnet_model xsnet_model;

/* Opens a model or ensemble file written by `xsnet train` or `xsnet ensemble build`. A model of
 * every nucleus (`xsnet train --nucleus any`, Models/any-target.xsnet) needs xsnet_open_nucleus. */
int xsnet_open(const char *path, xsnet_model **model);

/* Opens a model for the nucleus named as on the command line ("Ar40", "40Ar", "Fe-56"): an
 * any-target model predicts any nucleus; a model of one nucleus opens only for its own (another
 * nucleus, or a name that is none, is XSNET_ERROR_ARGUMENT). */
int xsnet_open_nucleus(const char *path, const char *nucleus, xsnet_model **model);

/* Number of networks in the model (ensemble members). */
int xsnet_members(const xsnet_model *model);

/* One point: beam energy E and energy transfer omega in GeV, angle theta in degrees.
 * mean: d²σ/dΩdω in nb/sr/GeV (average over members); sd: their standard deviation times the
 * model's calibration factor for this (E, θ), as `xsnet predict` reports it (may be NULL). */
int xsnet_predict(xsnet_model *model, double energy_GeV, double theta_deg, double omega_GeV, double *mean, double *sd);

/* n points at once (faster per point); arrays of length n; sd may be NULL. At most 2,000,000
 * points per call (and 400 M values over members or passes); larger n is XSNET_ERROR_ARGUMENT.
 * Outputs are written only when every point is physical and every prediction finite. */
int xsnet_predict_batch(xsnet_model *model, size_t n, const double *energy_GeV, const double *theta_deg,
                        const double *omega_GeV, double *mean, double *sd);

/* n points with the whole band, as `xsnet predict` reports it: mean, standard deviation, 16th and
 * 84th percentiles over the members or Monte-Carlo passes (calibrated; p16 is never below 0), and 1
 * where a point lies outside the kinematic box of the training data (of the nucleus opened, for a
 * model of every nucleus; every point of a nucleus it has no data of), else 0. Any output but mean
 * may be NULL. A model without a band (one network) gives sd 0 and p16 = p84 = mean. */
int xsnet_predict_band(xsnet_model *model, size_t n, const double *energy_GeV, const double *theta_deg,
                       const double *omega_GeV, double *mean, double *sd, double *p16, double *p84, int *extrapolation);
/* 1 when the model has a band (an ensemble, or Monte-Carlo dropout), 0 for one network. */
int xsnet_has_band(const xsnet_model *model);
/* The model's nucleus, e.g. "C12" (valid until xsnet_close; NULL for a NULL model). */
const char *xsnet_nucleus(xsnet_model *model);
/* The calling thread's last error message ("" if none): one line, valid until the thread's next
 * failing xsnet call. */
const char *xsnet_last_error(void);

/* Charged-current neutrino cross sections (docs/neutrino.md): d²σ/dT_μ dcosθ_μ per nucleus in cm²/GeV
 * from a response-head electron model's learned responses carried over by superscaling, as
 * `xsnet neutrino predict` computes them. */
typedef struct xsnet_neutrino xsnet_neutrino;

/* electron_model: a response-head model file of `nucleus` (e.g. "C12"), "bosted-mamyan" for the
 * Bosted–Mamyan fit's responses (one member, sd 0), or NULL for the relativistic Fermi gas; probe: 14 (numu) or -14 (numubar); axial_mass_GeV: M_A of the dipole axial form factor
 * (1.03 by default in xsnet); grid_step_GeV: the step in |q| of the reduced functions' grid (0 for
 * 0.01). Tabulating a 20-member model takes some 25 s at the default step. */
int xsnet_neutrino_open(const char *electron_model, const char *nucleus, int probe, double axial_mass_GeV, double grid_step_GeV,
                        xsnet_neutrino **model);
/* xsnet_neutrino_open with the quasielastic window of the learned reduced functions: f = 0 beyond
 * ψ′ = quasielastic_window (0.5…3; 0 for the default 2), an assumption `xsnet neutrino compare`
 * reports as a contribution of its own (docs/neutrino.md). No effect on the Fermi gas. */
int xsnet_neutrino_open_window(const char *electron_model, const char *nucleus, int probe, double axial_mass_GeV,
                               double grid_step_GeV, double quasielastic_window, xsnet_neutrino **model);
/* One point: neutrino energy (0 < E ≤ 3 GeV), muon kinetic energy and cos θ_μ. mean: the average over
 * the electron model's members; sd: their spread times the electron model's calibration factor away
 * from the measured settings (docs/neutrino.md; may be NULL). XSNET_ERROR_UNPHYSICAL where no muon
 * of that energy can be made. */
int xsnet_neutrino_predict(xsnet_neutrino *model, double energy_GeV, double muon_kinetic_GeV, double cos_theta_mu, double *mean,
                           double *sd);
/* xsnet_neutrino_predict at n points at once (on every core): mean[i] and sd[i] (sd may be NULL) are
 * NaN where no muon of that energy can be made (T_μ + m_μ ≥ E_ν), as in `xsnet neutrino tabulate`.
 * Every point is checked first: E_ν outside (0, 3] GeV, T_μ < 0, |cos θ_μ| > 1 or NaN refuses the
 * call (XSNET_ERROR_UNPHYSICAL, the point named) and writes nothing; at most 50,000,000 points. */
int xsnet_neutrino_predict_many(xsnet_neutrino *model, size_t n, const double *energy_GeV, const double *muon_kinetic_GeV,
                                const double *cos_theta_mu, double *mean, double *sd);
/* extrapolation[i] = 1 where the electron responses are read at a (|q|, ω) that no kinematics inside
 * the electron model's training box transfers (every point, for a nucleus the model has no data of),
 * as the `extrapolation` column of `xsnet neutrino predict`; 0 inside, where no muon of that energy
 * can be made, and everywhere for the Fermi gas. Points are checked as by xsnet_neutrino_predict_many;
 * nothing is written on an error. */
int xsnet_neutrino_extrapolation(xsnet_neutrino *model, size_t n, const double *energy_GeV, const double *muon_kinetic_GeV,
                                 const double *cos_theta_mu, int *extrapolation);
/* Closes a neutrino model (NULL ignored; closing twice is an error, not a crash). */
void xsnet_neutrino_close(xsnet_neutrino *model);

/* Closes a model. Any call with a closed handle (closing it again included) is an error
 * (XSNET_ERROR_ARGUMENT, or 0 / NULL from the functions that return a value), not a crash. */
void xsnet_close(xsnet_model *model);

#ifdef __cplusplus
}
#endif

#endif /* XSNET_H */
