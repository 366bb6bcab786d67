"""xsnet from Python: d²σ/dΩdω of lepton–nucleus scattering with its band, from NumPy arrays.

    import numpy as np, xsnet
    model = xsnet.Model("Models/C12-ensemble.xsnet")
    omega = np.linspace(0.02, 0.5, 100)
    r = model.predict(energy=0.56, theta=36.0, omega=omega, nucleus="C12")
    r["mean"], r["sigma"], r["p16"], r["p84"], r["extrapolation"]

Units: E and ω in GeV, θ in degrees; σ in nb/sr/GeV per nucleus (d²σ/dΩdω; × 2π for
d²σ/dcosθdω). A thin layer over the C API (include/xsnet.h): the numbers are the ones `xsnet
predict` prints.
"""
import ctypes
import os
from pathlib import Path

import numpy as np

__all__ = ["Model", "XsnetError"]


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
    return lib


_lib = _load_library()


def _error(call):
    return XsnetError(_lib.xsnet_last_error().decode() or call)


class Model:
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

    def close(self):
        if self._handle:
            _lib.xsnet_close(self._handle)
            self._handle = None

    def __del__(self):
        self.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

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
        deviation over members or passes), "p16", "p84", and "extrapolation" (True outside the
        kinematic box of the training data). For a model without a band (one network) "sigma",
        "p16" and "p84" are NaN. `nucleus`, if given, must be the model's: a single-nucleus model
        does not predict another nucleus. An unphysical point (ω ≥ E, θ outside (0, 180), …)
        raises XsnetError naming it.
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

        def p(a):
            return a.ctypes.data_as(ctypes.POINTER(ctypes.c_double))

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
