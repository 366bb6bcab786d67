"""Builds the package with xsnet's C library inside it.

The library is libXSNetC.so from `swift build -c release --product XSNetC` (or `make build`),
taken from $XSNET_LIBRARY_DIR, else ../.build/release, else ../.build/debug. The Swift runtime
libraries it links (found with ldd: those from the Swift toolchain) are copied beside it, into
xsnet/lib/; the library looks there first ($ORIGIN in its RUNPATH), so the installed package
needs no Swift toolchain. OpenBLAS stays the system's (apt libopenblas-dev or libopenblas0).
"""
import os
import shutil
import subprocess
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py


def library_dir():
    here = Path(__file__).resolve().parent
    candidates = [os.environ.get("XSNET_LIBRARY_DIR"), here.parent / ".build" / "release", here.parent / ".build" / "debug"]
    for c in candidates:
        if c and (Path(c) / "libXSNetC.so").exists():
            return Path(c)
    raise SystemExit("libXSNetC.so not found: build it first (make build, or swift build -c release --product XSNetC), "
                     "or set XSNET_LIBRARY_DIR to its folder")


class BuildWithLibrary(build_py):
    def run(self):
        super().run()
        source = library_dir() / "libXSNetC.so"
        target = Path(self.build_lib) / "xsnet" / "lib"
        target.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target / "libXSNetC.so")
        ldd = subprocess.run(["ldd", str(source)], capture_output=True, text=True, check=True).stdout
        for line in ldd.splitlines():
            parts = line.split("=>")
            if len(parts) == 2 and "/swift/" in parts[1]:
                path = Path(parts[1].split("(")[0].strip())
                shutil.copy2(path, target / path.name)


setup(cmdclass={"build_py": BuildWithLibrary})
