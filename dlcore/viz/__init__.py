"""The book's plot style and the pattern every interactive widget follows.

Every chapter widget is an :class:`Explorer`: a set of named controls, a draw
function that turns their values into a matplotlib figure plus a :class:`Reading` (the
one-line HTML readout and the numbers it shows, by name), and the figure shown as a PNG
image widget. Because the picture lives in
the widget's own state (not in a kernel-side output area):

* the HTML book shows the default figure from the stored widget state, with no kernel;
* the same code works with ipywidgets 7.7 (Colab) and 8;
* tests drive it without a kernel: set ``explorer.controls[name].value`` and assert the
  numbers in ``explorer.reading`` (``explorer.reading["recall"]``), the figure in
  ``explorer.figure`` and the picture in ``explorer.image.value``;
* its ``live`` grid (control name → the values the static page offers) is rendered
  frame by frame when the chapter is executed (:mod:`dlcore.viz.frames`), so that the
  HTML book's figure follows those controls with no kernel.

A chapter's widget factory builds the controls, writes its draw function and
returns ``Explorer(controls, draw)``; see :mod:`dlcore.viz.bayes`.
"""

from __future__ import annotations

import io
import itertools
import weakref
from typing import Callable, Mapping, Sequence

import ipywidgets as widgets
import matplotlib as mpl
from matplotlib.figure import Figure

from .._validation import as_count, as_scalar

__all__ = ["PALETTE", "use_book_style", "figure_png", "Reading", "Explorer", "slider", "within", "one_of"]

#: Okabe & Ito's colour-blind-safe palette, by name.
PALETTE = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "green": "#009E73",
    "vermillion": "#D55E00",
    "sky": "#56B4E9",
    "purple": "#CC79A7",
    "yellow": "#F0E442",
    "black": "#000000",
    "grey": "#BBBBBB",
}

BOOK_STYLE = {
    "axes.prop_cycle": mpl.cycler(color=[PALETTE[c] for c in ("blue", "orange", "green", "vermillion", "sky", "purple", "black")]),
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "figure.figsize": (7.0, 3.6),
    "figure.dpi": 100,
    "savefig.dpi": 100,
    "font.size": 10.5,
    "axes.titlesize": 11,
    "legend.frameon": False,
    "image.cmap": "cividis",
}


def use_book_style() -> None:
    """Apply the book's matplotlib style (colour-blind-safe, light grid)."""
    mpl.rcParams.update(BOOK_STYLE)


def figure_png(figure: Figure) -> bytes:
    """Render a figure to PNG bytes (no pyplot, so no global figure state)."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def within(value, name: str, low: float, high: float, *, integer: bool = False):
    """A picture's parameter or a widget's starting value: a number in [low, high] (an
    integer if ``integer``), refused by name otherwise (ipywidgets would raise a TraitError)."""
    value = as_count(value, name) if integer else as_scalar(value, name)
    if not low <= value <= high:
        raise ValueError(f"{name} must be in [{low}, {high}], got {value}")
    return value


def one_of(value, name: str, options):
    """``value`` if it is one of the numbers ``options``, else a ``ValueError`` naming ``name``
    (for strings, :func:`dlcore._validation.as_choice`)."""
    options = list(options)
    if isinstance(value, (bool, str)) or value not in options:
        raise ValueError(f"{name} must be one of {options}, got {value!r}")
    return value


def slider(description: str, value: float, low: float, high: float, step: float, *, readout_format: str = ".3f") -> widgets.FloatSlider:
    """A float slider that only reports when released (each redraw costs a render)."""
    low, high = as_scalar(low, "low"), as_scalar(high, "high")
    if not low < high:
        raise ValueError(f"low must be below high, got low={low} and high={high}")
    return widgets.FloatSlider(
        value=value, min=low, max=high, step=step, description=description,
        continuous_update=False, readout_format=readout_format,
        style={"description_width": "initial"}, layout=widgets.Layout(width="420px"),
    )


class Reading:
    """What a picture reports beside its figure: the line a reader sees (``html``) and the
    numbers in it by name (``reading["recall"]``), so that tests assert numbers, not HTML.
    In a notebook it displays as its HTML."""

    __slots__ = ("html", "values")

    def __init__(self, html: str, **values):
        if not isinstance(html, str):
            raise TypeError(f"html must be a str, got {type(html).__name__}")
        self.html, self.values = html, values

    def __getitem__(self, name: str):
        try:
            return self.values[name]
        except KeyError:
            raise KeyError(f"this reading holds {sorted(self.values)}, not {name!r}") from None

    def __repr__(self) -> str:
        return f"Reading({', '.join(f'{k}={v!r}' for k, v in self.values.items())})"

    def _repr_html_(self) -> str:
        return self.html


class Explorer(widgets.VBox):
    """Controls → (figure, readout). The shared shape of every widget in the book.

    Parameters
    ----------
    controls : mapping of name to ipywidgets value widget
        Their ``.value`` are passed to ``draw`` as keyword arguments.
    draw : callable ``draw(figure, **values) -> Reading``
        Draws on the (cleared) figure and returns what the readout line shows.
    figsize : width and height of the figure, in inches.
    layout : optional widget that holds the controls, laid out (default: one column of them).
    live : optional mapping of control name to the values the HTML book offers without a
        kernel (each control's starting value is added). The frames for every combination
        are rendered when the chapter is executed; the other controls move only in a notebook.
    """

    #: Every explorer made in this process, so that an executed chapter can render their frames.
    made: "weakref.WeakSet[Explorer]" = weakref.WeakSet()

    def __init__(self, controls: Mapping[str, widgets.ValueWidget], draw: Callable[..., Reading], *, figsize=(8.0, 3.6),
                 layout: widgets.Widget | None = None, live: Mapping[str, Sequence] | None = None):
        self.controls = dict(controls)
        self.live = _live_grid(self.controls, live or {})
        self.figure = Figure(figsize=figsize, layout="constrained")
        self.readout = widgets.HTML()
        self.reading: Reading | None = None
        self.image = widgets.Image(format="png", layout=widgets.Layout(max_width="100%"))
        self._draw, self._setting = draw, 0
        super().__init__([layout or widgets.VBox(list(self.controls.values())), self.readout, self.image])
        self.add_class("dlcore-explorer")  # how the HTML book's script finds it
        self.refresh()
        Explorer.made.add(self)
        for control in self.controls.values():
            control.observe(self._on_change, names="value")

    @property
    def values(self) -> dict:
        return {name: control.value for name, control in self.controls.items()}

    def refresh(self) -> None:
        """Redraw the figure and the readout from the current control values."""
        self.figure.clear()
        with mpl.rc_context(BOOK_STYLE):
            reading = self._draw(self.figure, **self.values)
            if not isinstance(reading, Reading):
                raise TypeError(f"draw must return a dlcore.viz.Reading, got {type(reading).__name__}")
            self.reading, self.readout.value = reading, reading.html
            self.image.value = figure_png(self.figure)

    def set_values(self, **values) -> None:
        """Set several controls at once (a preset), drawing once rather than once per control
        (and once in all when a control's own observer sets others, as a preset menu does)."""
        self._setting += 1
        try:
            for name, value in values.items():
                self.controls[name].value = value
        finally:
            self._setting -= 1
        if not self._setting:
            self.refresh()

    def grid_points(self) -> list[dict]:
        """Every combination of the live controls' values, the last control varying fastest
        (the order of the frames in :mod:`dlcore.viz.frames`)."""
        return [dict(zip(self.live, point)) for point in itertools.product(*self.live.values())]

    def _on_change(self, _change) -> None:
        if not self._setting:
            self.refresh()


def _option_values(control: widgets.ValueWidget) -> list:
    """A selection's values in the order of its options (an option may be a (label, value) pair)."""
    return [option[1] if isinstance(option, tuple) else option for option in control.options]


def _offers(control: widgets.ValueWidget, value) -> bool:
    """Whether ``control`` can hold ``value``: one of a selection's options, a bool for a
    checkbox, a number within a slider's range."""
    if isinstance(control, widgets.widget_selection._Selection):
        return value in _option_values(control)
    if isinstance(control, widgets.Checkbox):
        return isinstance(value, bool)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    if isinstance(control, widgets.FloatLogSlider):
        return control.base ** control.min <= value <= control.base ** control.max
    return getattr(control, "min", value) <= value <= getattr(control, "max", value)


def _live_grid(controls: dict, live: Mapping[str, Sequence]) -> dict[str, tuple]:
    """The live grid, checked: known controls, values each control can hold, its starting value
    included (a selection's values in the order of its options; numbers ascending, False first)."""
    if not isinstance(live, Mapping):
        raise TypeError(f"live must map control names to values, got {type(live).__name__}")
    grid = {}
    for name, values in live.items():
        if name not in controls:
            raise ValueError(f"live names a control this explorer lacks: {name!r} (it has {sorted(controls)})")
        control, values = controls[name], list(values)
        wrong = [value for value in values if not _offers(control, value)]
        if wrong or not values:
            raise ValueError(f"live[{name!r}] must be values the control offers, got {wrong or 'none'}")
        values = values + [control.value] if control.value not in values else values
        if isinstance(control, widgets.widget_selection._Selection):
            values = sorted(set(values), key=_option_values(control).index)
        else:
            values = sorted(set(values))
        grid[name] = tuple(values)
    return grid
