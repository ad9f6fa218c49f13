"""Chapter 3, activation functions and initialisation: the functions, how weights start, how gradients flow.

* :mod:`.functions` — sigmoid to SwiGLU, the stable softmax and their modules (re-exported here:
  ``dlcore.activations.relu``);
* :mod:`.init` — Xavier and He initialisation, bit for bit ``torch.nn.init``;
* :mod:`.gradflow` — deep MLPs whose per-layer gradient norms show vanishing and exploding gradients;
* :mod:`.approximation` — one hidden layer fitted by least squares, the universal-approximation picture.
"""

from .functions import *  # noqa: F401,F403
from .functions import __all__

from . import approximation, gradflow, init  # noqa: E402,F401  (after the functions, which they use)
