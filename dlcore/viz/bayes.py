"""Chapter 1's pictures: a population of people coloured by test outcome."""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from ..bayes import diagnostic_test, natural_frequencies
from .._validation import as_count
from . import PALETTE, Explorer, Reading, slider

__all__ = ["OUTCOMES", "plot_population", "plot_positives", "draw_natural_frequencies", "bayes_explorer"]

#: The four outcomes of a test, in the order they are drawn: key, label, colour.
OUTCOMES = (
    ("tp", "sick, positive", PALETTE["vermillion"]),
    ("fn", "sick, negative (missed)", PALETTE["orange"]),
    ("fp", "healthy, positive (false alarm)", PALETTE["blue"]),
    ("tn", "healthy, negative", PALETTE["grey"]),
)


def plot_population(ax: Axes, counts: dict[str, int], columns: int = 40) -> None:
    """One dot per person, row by row, coloured by outcome (the rare ones first)."""
    columns = as_count(columns, "columns", minimum=1)
    population = sum(counts.values())
    rows = -(-population // columns)
    index = np.arange(population)
    x, y = index % columns, rows - 1 - index // columns
    start = 0
    for key, label, colour in OUTCOMES:
        stop = start + counts[key]
        ax.scatter(x[start:stop], y[start:stop], s=14, color=colour, label=f"{label}: {counts[key]:,}", linewidths=0)
        start = stop
    ax.set_xlim(-1, columns)
    ax.set_ylim(-1, rows + 0.5)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title(f"{population:,} people tested")
    ax.figure.legend(*ax.get_legend_handles_labels(), loc="outside lower center", ncol=2, markerscale=1.5)


def plot_positives(ax: Axes, counts: dict[str, int]) -> None:
    """The people who tested positive: how many of them are sick (the PPV)."""
    positives = counts["tp"] + counts["fp"]
    sick = ax.bar([0], [counts["tp"]], color=PALETTE["vermillion"], width=0.6)
    healthy = ax.bar([0], [counts["fp"]], bottom=[counts["tp"]], color=PALETTE["blue"], width=0.6)
    for bars, text in ((sick, f"sick: {counts['tp']}"), (healthy, f"healthy: {counts['fp']}")):
        if bars[0].get_height() > 0.08 * positives:  # too thin a segment has no room for text
            ax.bar_label(bars, [text], label_type="center", color="white", fontweight="bold")
    ax.set_xticks([0], ["tested positive"])
    ax.set_xlim(-0.6, 0.6)
    ax.set_ylabel("people")
    share = counts["tp"] / positives if positives else float("nan")
    ax.set_title(f"{counts['tp']} of {positives} positives\nare sick ({share:.0%})")


def draw_natural_frequencies(figure: Figure, prevalence: float, sensitivity: float, specificity: float, population: int = 1000) -> Reading:
    """Draw the population and the positives; return what the readout shows."""
    counts = natural_frequencies(prevalence, sensitivity, specificity, population)
    grid_ax, bar_ax = figure.subplots(1, 2, gridspec_kw={"width_ratios": [2.4, 1]})
    plot_population(grid_ax, counts)
    plot_positives(bar_ax, counts)
    result = diagnostic_test(prevalence, sensitivity, specificity)
    return Reading(
        f"<b>P(sick | positive) = {result.ppv:.1%}</b> &nbsp;·&nbsp; "
        f"P(healthy | negative) = {result.npv:.2%} &nbsp;·&nbsp; P(positive) = {result.p_positive:.2%}",
        ppv=result.ppv, npv=result.npv, p_positive=result.p_positive, counts=counts)


def bayes_explorer(prevalence: float = 0.01, sensitivity: float = 0.99, specificity: float = 0.99, population: int = 1000) -> Explorer:
    """Prevalence, sensitivity and specificity sliders → posterior and natural frequencies."""
    controls = {
        "prevalence": slider("prevalence P(sick)", prevalence, 0.001, 0.5, 0.001),
        "sensitivity": slider("sensitivity P(+ | sick)", sensitivity, 0.5, 1.0, 0.005),
        "specificity": slider("specificity P(− | healthy)", specificity, 0.5, 1.0, 0.005),
    }

    def draw(figure: Figure, **values) -> Reading:
        return draw_natural_frequencies(figure, population=population, **values)

    # Prevalence is the lesson (densely, on a log scale); specificity next; sensitivity barely moves the PPV.
    live = {"prevalence": (0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5),
            "sensitivity": (0.8, 0.99), "specificity": (0.9, 0.95, 0.99)}
    return Explorer(controls, draw, figsize=(8.4, 4.2), live=live)
