"""Every benchmark in one run (``make bench``): prints each table and stores all rows as JSON.

    python benchmarks/run_all.py [--out benchmarks/results/cpu.json]

The stored file is what the book's appendix ("How fast is the reference code?") shows,
so its table is always one a real run produced. By default the results go to
``benchmarks/results/cpu.json``, or ``cuda.json`` when a GPU is present (the CPU rows
of a GPU machine's run are kept there too, labelled with that machine).
"""

from __future__ import annotations

import argparse
import datetime
import importlib
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import sklearn
import torch

import _timing

HERE = Path(__file__).resolve().parent
SCRIPTS = ["bench_cluster", "bench_metrics", "bench_optim", "bench_norm", "bench_losses", "bench_activations", "bench_conv", "bench_sequences"]


def _cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _commit() -> str | None:
    try:
        return subprocess.run(["git", "describe", "--always", "--dirty"], cwd=HERE, capture_output=True, text=True,
                              check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None


def machine() -> dict:
    return {
        "cpu": _cpu_name(),
        "cpu_count": os.cpu_count(),
        "torch_threads": torch.get_num_threads(),
        "gpu": torch.cuda.get_device_name() if torch.cuda.is_available() else None,
        "python": platform.python_version(),
        "torch": torch.__version__,
        "scikit-learn": sklearn.__version__,
        "numpy": np.__version__,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default = HERE / "results" / ("cuda.json" if torch.cuda.is_available() else "cpu.json")
    parser.add_argument("--out", type=Path, default=default, help=f"where to store the rows (default: {default.relative_to(HERE.parent)})")
    args = parser.parse_args()
    start = time.perf_counter()
    for name in SCRIPTS:
        importlib.import_module(name).main()
    seconds = time.perf_counter() - start
    record = {
        "date": datetime.date.today().isoformat(),
        "commit": _commit(),
        "seconds": round(seconds, 1),
        "machine": machine(),
        "rows": _timing.RESULTS,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(record, indent=1) + "\n")
    print(f"\n{len(_timing.RESULTS)} comparisons in {seconds:.0f} s, stored in {args.out}")


if __name__ == "__main__":
    sys.path.insert(0, str(HERE))
    main()
