"""dlcore: tested reference implementations behind the dlcore textbook.

Each chapter's code is one topic, a module or a package (``dlcore.bayes``,
``dlcore.optim`` with ``optim.landscape`` and ``optim.memory``); ``dlcore.chapters`` maps
chapters to topics, and the modules it lists as shared (``utils``, ``train``, ``data``,
``book``), with ``dlcore.viz`` and ``dlcore.check``, serve every chapter.
"""

__version__ = "0.1.0"

from . import activations, bayes, distill, losses, metrics, norm, train, utils  # noqa: E402,F401  (the modules a chapter always needs)
