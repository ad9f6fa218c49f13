"""What every chapter's first cell does after the Colab install, in one call (all chapters)."""

from __future__ import annotations

import numpy as np
import torch

from .utils import check_book_version, device, seed_everything
from .viz import use_book_style

__all__ = ["start_chapter"]


def start_chapter(release: str, seed: int = 0) -> tuple[torch.device, np.random.Generator]:
    """Warn if the installed ``dlcore`` is not ``release``, the one the chapter was executed
    with; seed Python, NumPy and torch with ``seed``; apply the book's plot style; print and
    return the device ``dlcore.utils.device()`` picks, with the NumPy generator the seed made."""
    if not isinstance(release, str) or not release:
        raise TypeError(f"release must be a version string such as '0.1.0', got {release!r}")
    check_book_version(release)
    rng = seed_everything(seed)
    use_book_style()
    chosen = device()
    print(f"Running on: {chosen.type}")
    return chosen, rng
