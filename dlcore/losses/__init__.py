"""Chapter 4, loss functions: the losses themselves and robust regression.

* :mod:`.functions` — regression, classification and information-theoretic losses (re-exported
  here: ``dlcore.losses.cross_entropy``);
* :mod:`.robust` — a straight line fitted under MSE, MAE or Huber loss, the outlier experiment.
"""

from .functions import *  # noqa: F401,F403
from .functions import __all__

from . import robust  # noqa: E402,F401
