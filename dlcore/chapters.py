"""The chapter map: which code serves which chapter, declared once.

A chapter ``chapters/NN_name.ipynb`` is served by one topic (a module or a package of
``dlcore``, its widgets ``dlcore/viz/<topic>.py`` and its exercise checker
``dlcore/check/<topic>.py``) and tested in ``tests/NN_name/``: ``test_<topic>.py`` for its main module,
``test_<module>.py`` for each other module it teaches, ``test_viz_<topic>.py`` and
``test_check_<topic>.py``. The modules in
:data:`SHARED` serve every chapter and are tested in ``tests/shared/``.
``tests/test_chapter_map.py`` holds the repository to this map, so a module, a test or a
chapter that does not fit it fails the tests.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Chapter", "CHAPTERS", "SHARED"]


@dataclass(frozen=True)
class Chapter:
    number: int
    notebook: str  #: the file name in ``chapters/`` without ``.ipynb``; also the folder of its tests
    topic: str  #: the ``dlcore`` module or package; ``viz/<topic>.py`` and ``check/<topic>.py`` follow its name
    modules: tuple[str, ...]  #: every module the chapter teaches, ``dlcore.``-relative, the main one first


CHAPTERS: tuple[Chapter, ...] = (
    Chapter(1, "01_bayes", "bayes", ("bayes",)),
    Chapter(2, "02_metrics", "metrics", ("metrics",)),
    Chapter(3, "03_activations", "activations", ("activations.functions", "activations.init", "activations.gradflow",
                                                 "activations.approximation")),
    Chapter(4, "04_losses", "losses", ("losses.functions", "losses.robust")),
    Chapter(5, "05_optimizers", "optim", ("optim.optimizers", "optim.landscape", "optim.memory")),
    Chapter(6, "06_regularization", "regularization", ("regularization",)),
    Chapter(7, "07_normalization", "norm", ("norm",)),
    Chapter(8, "08_clustering", "cluster", ("cluster",)),
    Chapter(9, "09_distillation", "distill", ("distill",)),
    Chapter(10, "10_convolution", "conv", ("conv.functional", "conv.layers", "conv.augment")),
    Chapter(11, "11_sequences", "sequences", ("sequences.attention", "sequences.rnn", "sequences.transformer", "sequences.autograd")),
)

#: Modules every chapter uses: the first cell's call, helpers, data, the training loop, this map.
SHARED: tuple[str, ...] = ("book", "utils", "data", "train", "chapters")
