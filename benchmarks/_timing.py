"""Shared timing for the benchmark scripts: interleaved repeats after a warm-up, medians, ratios.

Every comparison is printed and also kept in :data:`RESULTS`, which ``run_all.py`` stores as
JSON for the book's appendix, so the table there is the one a run produced.
"""

from __future__ import annotations

import statistics
from typing import Callable

from dlcore.utils import timed

RESULTS: list[dict] = []
_section = {"title": "", "ours": "dlcore", "theirs": "oracle"}


def header(title: str, ours: str = "dlcore", theirs: str = "oracle") -> None:
    """Start a table: the rows timed next belong to ``title``."""
    _section.update(title=title, ours=ours, theirs=theirs)
    print(f"\n{title}\n{'':<44} {ours:>13} {theirs:>13} {'ratio':>8}")


def compare(name: str, ours: Callable[[], object], theirs: Callable[[], object], *, repeats: int = 11,
            device: str = "cpu", target: float | None = None,
            calls: int = 1) -> float:
    """Time two zero-argument calls alternately; print both medians and ours/theirs. Returns the ratio.

    ``calls``: how many operations one call performs (times are reported per operation).
    ``target``: the largest acceptable ratio, if a budget applies.
    """
    for _ in range(2):  # warm-up: caches, lazy imports, the allocator's thresholds
        ours(), theirs()
    times: dict[str, list[float]] = {"ours": [], "theirs": []}
    for _ in range(repeats):
        for key, fn in (("ours", ours), ("theirs", theirs)):
            _, seconds = timed(fn, device)  # on a GPU, the clock waits for the queued kernels
            times[key].append(seconds / calls)
    ours_s, theirs_s = statistics.median(times["ours"]), statistics.median(times["theirs"])
    ratio = ours_s / theirs_s
    verdict = "" if target is None else f"  target {target:g}x: {'met' if ratio <= target else 'MISSED'}"
    print(f"{name:<44} {1000 * ours_s:10.2f} ms {1000 * theirs_s:10.2f} ms {ratio:7.2f}x{verdict}")
    RESULTS.append(dict(section=_section["title"], name=name, device=device, ours=_section["ours"],
                        theirs=_section["theirs"], ours_ms=1000 * ours_s, theirs_ms=1000 * theirs_s,
                        ratio=ratio, target=target, repeats=repeats))
    return ratio


def devices() -> list[str]:
    """The CPU, then the GPU when there is one."""
    import torch

    return ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])


def forward_backward(fn: Callable, *tensors, **kwargs) -> Callable[[], None]:
    """A timed step: ``fn(*tensors, **kwargs)`` and the backward pass of its sum (of the first
    output, for a module that returns a tuple), with the inputs' gradients cleared first."""
    def run() -> None:
        for t in tensors:
            t.grad = None
        out = fn(*tensors, **kwargs)
        (out[0] if isinstance(out, tuple) else out).sum().backward()
    return run
