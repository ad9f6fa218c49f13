"""Shared timing for the benchmark scripts: interleaved repeats after a warm-up, medians, ratios."""

from __future__ import annotations

import statistics
import time
from typing import Callable


def compare(name: str, ours: Callable[[], object], theirs: Callable[[], object], *, repeats: int = 7, sync: Callable[[], None] = lambda: None) -> float:
    """Time two zero-argument calls alternately; print both medians and ours/theirs. Returns the ratio."""
    ours(), theirs()  # warm-up: caches, lazy imports, allocator
    times: dict[str, list[float]] = {"ours": [], "theirs": []}
    for _ in range(repeats):
        for key, fn in (("ours", ours), ("theirs", theirs)):
            sync()
            start = time.perf_counter()
            fn()
            sync()
            times[key].append(time.perf_counter() - start)
    ours_s, theirs_s = statistics.median(times["ours"]), statistics.median(times["theirs"])
    ratio = ours_s / theirs_s
    print(f"{name:<44} {1000 * ours_s:10.1f} ms {1000 * theirs_s:10.1f} ms {ratio:7.2f}x")
    return ratio


def header(title: str, ours: str = "dlcore", theirs: str = "oracle") -> None:
    print(f"\n{title}\n{'':<44} {ours:>13} {theirs:>13} {'ratio':>8}")
