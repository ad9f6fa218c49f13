"""Execute every chapter again under nbval strict, on other instruction sets and one thread.

    python scripts/perturb.py [pytest arguments, default: chapters/]

The stored outputs were made on one CPU. A reader's CPU may lack AVX-512 (AMD EPYC, most
laptops) or run other kernels altogether (Apple silicon), and then every library picks
other code paths: torch's ATen kernels, MKL's and oneDNN's, numpy's SIMD loops and
OpenBLAS (numpy, scipy, scikit-learn). Each profile below forces all of them down to
one instruction set, with one thread instead of two, and nbval must still pass, so a
chapter that passes here passes on its readers' machines.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

# numpy's dispatch targets above its baseline, from the widest down.
NUMPY_TARGETS = ("AVX512_SPR", "AVX512_ICL", "X86_V4", "X86_V3")

PROFILES = {
    "avx2 (no AVX-512, as AMD EPYC)": dict(
        ATEN_CPU_CAPABILITY="avx2", MKL_ENABLE_INSTRUCTIONS="AVX2", ONEDNN_MAX_CPU_ISA="AVX2",
        OPENBLAS_CORETYPE="Haswell", numpy_keep="X86_V3"),
    "default (no SIMD kernels)": dict(
        ATEN_CPU_CAPABILITY="default", MKL_ENABLE_INSTRUCTIONS="SSE4_2", ONEDNN_MAX_CPU_ISA="SSE41",
        OPENBLAS_CORETYPE="Nehalem", numpy_keep=None),
}
ONE_THREAD = dict(OMP_NUM_THREADS="1", MKL_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1")
MAKEFILE = Path(__file__).resolve().parents[1] / "Makefile"


def nbval_options() -> list[str]:
    """The Makefile's NBVAL (strict comparison, the sanitize rules): written once, there."""
    for line in MAKEFILE.read_text().splitlines():
        if line.startswith("NBVAL :="):
            return line.split(":=", 1)[1].split()
    raise RuntimeError(f"{MAKEFILE} defines no NBVAL")


def numpy_features_to_disable(keep: str | None) -> str:
    """The numpy dispatch targets above ``keep`` that this CPU has (numpy refuses to
    disable a feature the machine lacks)."""
    from numpy._core._multiarray_umath import __cpu_dispatch__

    above = NUMPY_TARGETS[: NUMPY_TARGETS.index(keep)] if keep else NUMPY_TARGETS
    return " ".join(t for t in above if t in __cpu_dispatch__)


def environment(profile: dict) -> dict:
    env = dict(os.environ, **ONE_THREAD)
    settings = dict(profile)
    env["NPY_DISABLE_CPU_FEATURES"] = numpy_features_to_disable(settings.pop("numpy_keep"))
    env.update(settings)
    return env


def main(args: list[str]) -> int:
    """Both profiles at once: each runs on one thread, so two of them fill two cores (CI's
    wall time halves). Each one's report is printed whole when it ends."""
    runs = {}
    for name, profile in PROFILES.items():
        command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *nbval_options(), *(args or ["chapters/"])]
        runs[name] = subprocess.Popen(command, env=environment(profile), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    failed = 0
    for name, run in runs.items():
        report, _ = run.communicate()
        print(f"== nbval with every library on {name}, 1 thread\n{report}", flush=True)
        failed = failed or run.returncode
    return failed


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
