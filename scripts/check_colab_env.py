"""After `make colab` installs dlcore's wheel (with its dependencies) into the Colab-like
environment: every package recorded in requirements/colab.txt must still have Colab's
version, i.e. installing dlcore upgraded or downgraded nothing.

    build/colab-env/bin/python scripts/check_colab_env.py
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


def main() -> int:
    changed = []
    for name, version in re.findall(r"^([A-Za-z0-9_.-]+)==(\S+)", RECORDED.read_text(), re.M):
        if name in NOT_INSTALLED_AS_RECORDED:
            continue
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
    sys.exit(main())
