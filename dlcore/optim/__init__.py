"""Chapter 5, optimizers: the update rules, schedules, loss landscapes and training memory.

* :mod:`.optimizers` — SGD, momentum, Nesterov, AdaGrad, RMSprop, Adam and AdamW, the learning-rate
  schedules and :func:`trajectory` (re-exported here: ``dlcore.optim.Adam``);
* :mod:`.landscape` — test surfaces, Hessians and critical points, mini-batch gradient noise;
* :mod:`.memory` — what a training step holds in memory, predicted and measured.
"""

from .optimizers import *  # noqa: F401,F403
from .optimizers import __all__

from . import landscape, memory  # noqa: E402,F401
