"""Shrink tests/bad_input_known.txt to the cases that still fail.

Runs the bad-input suite with every expected failure run as a plain test
(``--runxfail``), keeps the listed cases that still fail, with today's reason, and
drops the ones that pass now. A failure that is *not* listed is printed and left out:
it is a new bug, to be fixed, not filed. The ledger can only shrink.

    .venv/bin/python scripts/bad_input_ledger.py
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LEDGER = ROOT / "tests" / "bad_input_known.txt"
SUITES = ["tests/test_bad_input.py", "tests/test_bad_input_viz.py"]


def failing_now() -> dict[str, str]:
    """Case id -> the first line of why it fails, for every case that fails today."""
    run = subprocess.run(
        [sys.executable, "-m", "pytest", *SUITES, "--runxfail", "-q", "-rf", "--tb=short", "-n", "2", "-p", "no:cacheprovider"],
        cwd=ROOT, capture_output=True, text=True, env={**os.environ, "COLUMNS": "1000"},  # room for the reasons
    )
    failing = {}
    for line in run.stdout.splitlines():
        match = re.match(r"FAILED \S+\[(.+?)\](?: - (.*))?$", line)
        if match:
            failing[match.group(1)] = (match.group(2) or "").replace("Failed: ", "")[:110]
    return failing


def main() -> int:
    lines = LEDGER.read_text().splitlines()
    header = [line for line in lines if line.startswith("#")]
    listed = [line.split("#")[0].strip() for line in lines if line.strip() and not line.startswith("#")]
    failing = failing_now()
    kept = [case for case in listed if case in failing]
    new = sorted(set(failing) - set(listed))
    body = [f"{case}  # {failing[case]}".rstrip(" #") for case in kept]
    LEDGER.write_text("\n".join(header + body) + "\n")
    print(f"{len(listed)} listed, {len(kept)} still fail, {len(listed) - len(kept)} fixed and removed")
    for case in new:
        print(f"NEW FAILURE (fix it, do not list it): {case}: {failing[case]}")
    return 1 if new else 0


if __name__ == "__main__":
    sys.exit(main())
