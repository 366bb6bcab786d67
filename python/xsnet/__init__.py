"""xsnet from Python: d²σ/dΩdω of lepton–nucleus scattering with its band, from NumPy arrays.

    import numpy as np, xsnet
    model = xsnet.Model("Models/C12-ensemble.xsnet")
    omega = np.linspace(0.02, 0.5, 100)
    r = model.predict(energy=0.56, theta=36.0, omega=omega, nucleus="C12")
    r["mean"], r["sigma"], r["p16"], r["p84"], r["extrapolation"]

Units: E and ω in GeV, θ in degrees; σ in nb/sr/GeV per nucleus (d²σ/dΩdω; × 2π for
d²σ/dcosθdω). A thin layer over the C API (include/xsnet.h): the numbers are the ones `xsnet
predict` prints.

Charged-current neutrino cross sections from the learned electron responses (docs/neutrino.md):

    nu = xsnet.NeutrinoModel("Models/C12-ensemble.xsnet", nucleus="C12", probe="numu")
    r = nu.predict(energy=0.8, muon_kinetic_energy=np.linspace(0.1, 0.7, 61), cos_theta=0.9)
    r["mean"], r["sigma"]      # d²σ/dT_μ dcosθ_μ per nucleus, cm²/GeV; NaN where no muon can be made
    r["extrapolation"]         # True where the electron data do not reach the (|q|, ω) read
"""
import ctypes
import os
from pathlib import Path

import numpy as np

__all__ = ["Model", "NeutrinoModel", "XsnetError"]


class XsnetError(RuntimeError):
    """An error reported by the xsnet library, with its message."""


def _load_library():
    folder = Path(__file__).resolve().parent / "lib"
    path = os.environ.get("XSNET_LIBRARY") or str(folder / "libXSNetC.so")
    if not os.environ.get("XSNET_LIBRARY"):
        # The Swift runtime the package carries, loaded first so that libXSNetC.so binds to these
        # copies (each finds its own dependencies beside it: their RUNPATH is $ORIGIN) and not to
        # a toolchain's: the package needs no Swift installation.
        for runtime in sorted(folder.glob("*.so")):
            if runtime.name != "libXSNetC.so":
                ctypes.CDLL(str(runtime), mode=ctypes.RTLD_GLOBAL)
    lib = ctypes.CDLL(path)
    double_p = ctypes.POINTER(ctypes.c_double)
    lib.xsnet_open.argtypes = [ctypes.c_char_p, ctypes.POINTER(ctypes.c_void_p)]
    lib.xsnet_open.restype = ctypes.c_int
    lib.xsnet_open_nucleus.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.POINTER(ctypes.c_void_p)]
    lib.xsnet_open_nucleus.restype = ctypes.c_int
    lib.xsnet_close.argtypes = [ctypes.c_void_p]
    lib.xsnet_close.restype = None
    lib.xsnet_members.argtypes = [ctypes.c_void_p]
    lib.xsnet_members.restype = ctypes.c_int
    lib.xsnet_has_band.argtypes = [ctypes.c_void_p]
    lib.xsnet_has_band.restype = ctypes.c_int
    lib.xsnet_nucleus.argtypes = [ctypes.c_void_p]
    lib.xsnet_nucleus.restype = ctypes.c_char_p
    lib.xsnet_last_error.argtypes = []
    lib.xsnet_last_error.restype = ctypes.c_char_p
    lib.xsnet_predict_band.argtypes = [ctypes.c_void_p, ctypes.c_size_t, double_p, double_p, double_p,
                                       double_p, double_p, double_p, double_p, ctypes.POINTER(ctypes.c_int)]
    lib.xsnet_predict_band.restype = ctypes.c_int
    lib.xsnet_neutrino_open_window.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_int, ctypes.c_double, ctypes.c_double,
                                               ctypes.c_double, ctypes.POINTER(ctypes.c_void_p)]
    lib.xsnet_neutrino_open_window.restype = ctypes.c_int
    lib.xsnet_neutrino_predict_many.argtypes = [ctypes.c_void_p, ctypes.c_size_t, double_p, double_p, double_p, double_p, double_p]
    lib.xsnet_neutrino_predict_many.restype = ctypes.c_int
    lib.xsnet_neutrino_extrapolation.argtypes = [ctypes.c_void_p, ctypes.c_size_t, double_p, double_p, double_p,
                                                 ctypes.POINTER(ctypes.c_int)]
    lib.xsnet_neutrino_extrapolation.restype = ctypes.c_int
    lib.xsnet_neutrino_close.argtypes = [ctypes.c_void_p]
    lib.xsnet_neutrino_close.restype = None
    return lib


_lib = _load_library()


def _error(call):
    return XsnetError(_lib.xsnet_last_error().decode() or call)


def _pointer(a):
    """A contiguous float64 array as the C API's double *."""
    return a.ctypes.data_as(ctypes.POINTER(ctypes.c_double))


class _Handle:
    """An open C-API handle: closed by `close`, by a `with` block's end or when collected (also
    when the opening failed and there is no handle)."""

    def close(self):
        if getattr(self, "_handle", None):
            self._release(self._handle)
            self._handle = None

    def __del__(self):
        self.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class Model(_Handle):
    """An xsnet model file: one network, a bootstrap ensemble (model A) or an MC-dropout model (B)."""

    def __init__(self, path, nucleus=None):
        """Opens a model file; `nucleus` ("Ar40") binds a model of every nucleus to one (it must
        be given for such a model, and for a model of one nucleus must be its own)."""
        handle = ctypes.c_void_p()
        if nucleus is None:
            code = _lib.xsnet_open(os.fsencode(path), ctypes.byref(handle))
        else:
            code = _lib.xsnet_open_nucleus(os.fsencode(path), nucleus.encode(), ctypes.byref(handle))
        if code != 0:
            raise _error("xsnet_open")
        self._handle = handle

    def _release(self, handle):
        _lib.xsnet_close(handle)

    @property
    def nucleus(self):
        """The nucleus the model predicts, e.g. "C12" (for a model of every nucleus, the one opened)."""
        return _lib.xsnet_nucleus(self._handle).decode()

    @property
    def members(self):
        """Networks in the model (ensemble members)."""
        return _lib.xsnet_members(self._handle)

    @property
    def has_band(self):
        """Whether the model has a band (an ensemble or MC dropout); one network has none."""
        return bool(_lib.xsnet_has_band(self._handle))

    def predict(self, energy, theta, omega, nucleus=None):
        """d²σ/dΩdω in nb/sr/GeV at the broadcast arrays of E (GeV), θ (deg), ω (GeV).

        Returns a dict of arrays of the broadcast shape: "mean", "sigma" (the calibrated standard
        deviation over members or passes), "p16" (never below 0), "p84", and "extrapolation" (True
        outside the kinematic box of the training data: of the nucleus asked for, for a model of
        every nucleus, and everywhere for a nucleus it has no data of). For a model without a band
        (one network) "sigma", "p16" and "p84" are NaN. `nucleus`, if given, must be the model's:
        a single-nucleus model does not predict another nucleus. An unphysical point (ω ≥ E, θ
        outside (0, 180), …) raises XsnetError naming it.
        """
        if nucleus is not None and nucleus != self.nucleus:
            raise ValueError(f"this model is for {self.nucleus}, not {nucleus}")
        e, t, w = np.broadcast_arrays(np.asarray(energy, dtype=np.float64), np.asarray(theta, dtype=np.float64),
                                      np.asarray(omega, dtype=np.float64))
        shape = e.shape
        e, t, w = (np.ascontiguousarray(a.ravel()) for a in (e, t, w))
        n = e.size
        out = {k: np.empty(n) for k in ("mean", "sigma", "p16", "p84")}
        flags = np.empty(n, dtype=np.intc)
        p = _pointer
        code = _lib.xsnet_predict_band(self._handle, n, p(e), p(t), p(w), p(out["mean"]), p(out["sigma"]), p(out["p16"]), p(out["p84"]),
                                       flags.ctypes.data_as(ctypes.POINTER(ctypes.c_int)))
        if code != 0:
            raise _error("xsnet_predict_band")
        if not self.has_band:
            for k in ("sigma", "p16", "p84"):
                out[k][:] = np.nan
        result = {k: v.reshape(shape) for k, v in out.items()}
        result["extrapolation"] = flags.astype(bool).reshape(shape)
        return result


class NeutrinoModel(_Handle):
    """Charged-current ν_μ / ν̄_μ scattering on a nucleus: the electron model's learned responses
    carried over by superscaling (docs/neutrino.md), or the relativistic Fermi gas."""

    _probes = {"numu": 14, "numubar": -14}

    def __init__(self, electron_model=None, nucleus="C12", probe="numu", axial_mass=1.03, grid_step=0.0, quasielastic_window=0.0):
        """`electron_model`: a response-head model file of `nucleus` (or a model of every nucleus),
        "bosted-mamyan" for the Bosted–Mamyan fit's responses, None for the Fermi gas; `probe`: "numu" or "numubar"; `axial_mass`: M_A in GeV; `grid_step`:
        the reduced functions' grid step in |q| (0 for 0.01 GeV); `quasielastic_window`: the upper
        end in ψ′ of the learned reduced functions (0 for 2). Opening tabulates the reduced
        functions: some 25 s for a 20-member model at the default step."""
        if probe not in self._probes:
            raise ValueError(f"probe must be 'numu' or 'numubar', not {probe!r}")
        handle = ctypes.c_void_p()
        model = None if electron_model is None else os.fsencode(electron_model)
        code = _lib.xsnet_neutrino_open_window(model, nucleus.encode(), self._probes[probe], float(axial_mass), float(grid_step),
                                               float(quasielastic_window), ctypes.byref(handle))
        if code != 0:
            raise _error("xsnet_neutrino_open_window")
        self._handle = handle
        self.nucleus, self.probe = nucleus, probe

    def _release(self, handle):
        _lib.xsnet_neutrino_close(handle)

    def predict(self, energy, muon_kinetic_energy, cos_theta):
        """d²σ/dT_μ dcosθ_μ per nucleus in cm²/GeV at the broadcast arrays of E_ν (GeV, up to 3),
        T_μ (GeV) and cos θ_μ: a dict of arrays "mean" (over the electron model's members),
        "sigma" (their spread times the electron model's calibration factor away from the measured
        settings, docs/neutrino.md; 0 for the Fermi gas) and "extrapolation" (True where the electron
        responses are read at a (|q|, ω) outside the electron model's training data, as the column
        of `xsnet neutrino predict`; False for the Fermi gas). Points where no muon of that energy can be
        made (T_μ + m_μ ≥ E_ν) are NaN (and False), as in `xsnet neutrino tabulate`; E_ν outside (0, 3] GeV,
        T_μ < 0, |cos θ_μ| > 1 or NaN raise XsnetError naming the first such point.
        Per nucleon: divide by the neutrons (numu) or protons (numubar)."""
        e, t, c = np.broadcast_arrays(np.asarray(energy, dtype=np.float64), np.asarray(muon_kinetic_energy, dtype=np.float64),
                                      np.asarray(cos_theta, dtype=np.float64))
        shape = e.shape
        e, t, c = (np.ascontiguousarray(a.ravel()) for a in (e, t, c))
        mean, sigma = np.empty(e.size), np.empty(e.size)
        p = _pointer
        if _lib.xsnet_neutrino_predict_many(self._handle, e.size, p(e), p(t), p(c), p(mean), p(sigma)) != 0:
            raise _error("xsnet_neutrino_predict_many")
        flags = np.empty(e.size, dtype=np.intc)
        if _lib.xsnet_neutrino_extrapolation(self._handle, e.size, p(e), p(t), p(c), flags.ctypes.data_as(ctypes.POINTER(ctypes.c_int))) != 0:
            raise _error("xsnet_neutrino_extrapolation")
        return {"mean": mean.reshape(shape), "sigma": sigma.reshape(shape), "extrapolation": flags.astype(bool).reshape(shape)}
