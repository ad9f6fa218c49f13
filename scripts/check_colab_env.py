"""The recorded Colab versions (requirements/colab.txt), read in one place.

    python scripts/check_colab_env.py --pins   # the pins `make colab` installs
    build/colab-env/bin/python scripts/check_colab_env.py

Without arguments, after `make colab` has installed dlcore's wheel with its dependencies
into the Colab-like environment: every recorded package must still have Colab's version,
i.e. installing dlcore upgraded or downgraded nothing. tests/test_colab.py reads the same
list through :func:`recorded`.
"""

from __future__ import annotations

import re
import sys
from importlib import metadata
from pathlib import Path

RECORDED = Path(__file__).resolve().parent.parent / "requirements" / "colab.txt"
# Not installable here as recorded: the interpreter is this machine's, and Colab's torch
# build pulls CUDA; the environment uses this machine's CPU build of torch instead.
NOT_INSTALLED_AS_RECORDED = {"python", "torch"}


def recorded() -> dict[str, str]:
    """Colab's version of each recorded package (and of Python), by name as written."""
    return dict(re.findall(r"^([A-Za-z0-9_.-]+)==(\S+)", RECORDED.read_text(), re.M))


def installable() -> dict[str, str]:
    return {name: version for name, version in recorded().items() if name not in NOT_INSTALLED_AS_RECORDED}


def main(args: list[str]) -> int:
    if args == ["--pins"]:
        print(" ".join(f"{name}=={version}" for name, version in installable().items()))
        return 0
    changed = []
    for name, version in installable().items():
        installed = metadata.version(name)
        print(f"{name:<14} Colab {version:<10} here {installed}")
        if installed != version:
            changed.append(f"{name}: {version} -> {installed}")
    print(f"dlcore {metadata.version('dlcore')} installed beside them")
    if changed:
        print("installing dlcore changed Colab's packages:", *changed, sep="\n  ")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
