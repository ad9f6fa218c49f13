"""dlcore: tested reference implementations behind the dlcore textbook.

Each topic is one module, imported on demand (``from dlcore import bayes``);
``dlcore.utils``, ``dlcore.viz`` and ``dlcore.check`` serve every chapter.
"""

__version__ = "0.1.0"

from . import activations, bayes, distill, init, losses, metrics, norm, train, utils  # noqa: E402,F401  (the modules a chapter always needs)
