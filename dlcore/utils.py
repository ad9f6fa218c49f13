"""Small helpers every chapter uses: the device, seeding, showing source, glue."""

from __future__ import annotations

import html
import inspect
import math
import numbers
import os
import random
import time
import warnings
from pathlib import Path
from typing import Callable, TypeVar

import numpy as np
import torch

from ._validation import as_count, as_nonnegative

__all__ = ["device", "seed_everything", "show", "Source", "glue", "glued", "below", "check_book_version", "BookVersionWarning", "timed"]

# A glued float is stored with this many significant digits: every digit the prose prints,
# and none of the last bits that another CPU's kernels or thread count would change.
GLUE_DIGITS = 6

T = TypeVar("T")


def device() -> torch.device:
    """The best accelerator available: CUDA, then Apple's MPS, then the CPU."""
    if torch.cuda.is_available():
        return torch.device("cuda")
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")


def timed(fn: Callable[[], T], on: torch.device | str | None = None) -> tuple[T, float]:
    """Call ``fn()`` and return its result with the wall-clock seconds it took.

    On a CUDA device the clock waits for the queued kernels before it starts and stops, or
    it would time only their launch.
    """
    if not callable(fn):
        raise TypeError(f"fn must be a function of no arguments, got {type(fn).__name__}")
    cuda = torch.device(on).type == "cuda" if on is not None else False
    if cuda:
        torch.cuda.synchronize()
    start = time.perf_counter()
    result = fn()
    if cuda:
        torch.cuda.synchronize()
    return result, time.perf_counter() - start


def seed_everything(seed: int = 0) -> np.random.Generator:
    """Seed Python, NumPy and PyTorch (every device) and return a NumPy Generator.

    ``PYTHONHASHSEED`` is set too, for subprocesses; the running interpreter's
    string hashing was fixed at start-up and cannot be changed from here.
    """
    seed = as_count(seed, "seed", maximum=2**32 - 1)  # NumPy's legacy seed is 32 bits
    os.environ["PYTHONHASHSEED"] = str(seed)
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)  # also seeds every CUDA device
    return np.random.default_rng(seed)


class Source:
    """Source code that displays highlighted in Jupyter, Colab and the HTML book.

    The HTML uses inline styles only, so it needs no stylesheet wherever it lands;
    the plain-text form (a terminal, a doctest) is the source itself.
    """

    def __init__(self, code: str, origin: str):
        self.code = code
        self.origin = origin

    def __repr__(self) -> str:
        return f"# {self.origin}\n{self.code}"

    def _repr_html_(self) -> str:
        from pygments import highlight
        from pygments.formatters import HtmlFormatter
        from pygments.lexers import PythonLexer

        body = highlight(self.code, PythonLexer(), HtmlFormatter(noclasses=True, nowrap=True, style="default"))
        return (
            '<div class="dlcore-source" style="border:1px solid #d0d7de;border-radius:6px;margin:0.5em 0">'
            '<div style="background:#f6f8fa;border-bottom:1px solid #d0d7de;padding:2px 8px;'
            f'font-family:monospace;font-size:85%;color:#57606a">{html.escape(self.origin)}</div>'
            '<pre style="margin:0;padding:8px;overflow-x:auto;line-height:125%;background:#ffffff">'
            f"{body}</pre></div>"
        )


def show(obj) -> Source:
    """The source of a dlcore function, class or module, ready to display.

    ``show(dlcore.bayes.posterior)`` as the last line of a notebook cell renders the
    tested implementation, so the book never retypes code it has tested.
    """
    try:
        lines, first = inspect.getsourcelines(obj)
        path = Path(inspect.getsourcefile(obj))
    except (TypeError, OSError):
        raise TypeError(f"show() needs a Python function, class or module, got {type(obj).__name__}") from None
    package_root = Path(__file__).resolve().parent.parent
    try:
        path = path.resolve().relative_to(package_root)
    except ValueError:
        pass
    first = max(first, 1)  # a module starts at line 0 in inspect's numbering
    origin = f"{path.as_posix()}, lines {first}\u2013{first + len(lines) - 1}"
    return Source("".join(lines).rstrip("\n"), origin)


_GLUED: dict = {}


def glue(name: str, value, display: bool = False, digits: int = GLUE_DIGITS) -> None:
    """Store ``value`` under ``name`` for the book's ``{glue}`` roles.

    Uses ``myst_nb.glue`` when it is installed (the book build); elsewhere, as in
    Colab, the value is simply shown when ``display`` is true. NumPy scalars are
    stored as Python numbers, whose repr (``44.4``, not ``np.float64(44.4)``) the
    ``{glue:text}`name:.1f``` role can format. A float is rounded to ``digits``
    significant digits: the stored output is what nbval compares, and it should hold
    what the prose prints, not rounding noise (pass fewer digits for a float32 result).
    """
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and math.isfinite(value):
        if isinstance(digits, bool) or not isinstance(digits, int) or not 1 <= digits <= 17:
            raise ValueError(f"digits must be an int in [1, 17], got {digits!r}")
        value = float(f"{value:.{digits}g}")
    _GLUED[name] = value
    try:
        from myst_nb import glue as myst_glue
    except ImportError:
        if display:
            from IPython.display import display as ipy_display

            ipy_display(value)
        return
    myst_glue(name, value, display=display)


def glued(name: str):
    """The value last glued under ``name``, as the prose prints it, so that a chapter can
    assert the claim its prose makes (``assert glued("ap_weighted") < glued("ap_plain")``)."""
    try:
        return _GLUED[name]
    except KeyError:
        raise KeyError(f"nothing has been glued under {name!r} in this session") from None


def below(value, bound: float, what: str = "difference") -> str:
    """Check that a rounding-level quantity is at most ``bound`` and say so in words.

    A difference against an oracle, or an invariance that should be zero, is rounding
    noise: its digits change with the CPU's instruction set and the thread count, so
    the book prints the bound it is checked against, never the noise. Returns
    ``"below 1e-12"``, or ``"exactly 0"`` for a ``bound`` of 0 (bit-for-bit claims);
    raises ``AssertionError`` naming ``what`` when the value is over the bound or NaN,
    so that a re-execution that contradicts the prose fails.
    """
    if isinstance(value, torch.Tensor):
        value = value.item()
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"value must be a real number, got {type(value).__name__}")
    bound = as_nonnegative(bound, "bound")
    if not abs(float(value)) <= bound:  # also refuses NaN
        raise AssertionError(f"{what} {float(value):.3g} is over the bound {bound:g} that the book states")
    return "exactly 0" if bound == 0 else f"below {bound:.0e}".replace("e-0", "e-").replace("e+0", "e")


class BookVersionWarning(UserWarning):
    """The installed dlcore is not the release a chapter was executed with."""


def check_book_version(book_version: str) -> bool:
    """Warn, naming both versions and the fix, when the installed ``dlcore`` is not the
    release the chapter was executed with; every chapter's first cell calls this
    through :func:`dlcore.book.start_chapter`.

    A book and a helper package that disagree is the classic failure of textbooks with
    code: a renamed argument or a changed default turns a chapter's stored outputs into
    something the reader cannot reproduce. Returns whether the versions match.
    """
    from . import __version__

    if not isinstance(book_version, str) or not book_version:
        raise TypeError(f"book_version must be a version string such as '0.1.0', got {book_version!r}")
    if book_version == __version__:
        return True
    warnings.warn(
        f"this chapter was executed with dlcore {book_version}, but dlcore {__version__} is installed: "
        f"outputs, defaults and exercise checkers may differ. Install release v{book_version} "
        f"(the chapter's first cell shows the command it runs in Colab).",
        BookVersionWarning,
        stacklevel=2,
    )
    return False
