"""Chapter 10, convolution and pooling: the layers, the networks built from them, and image augmentation.

* :mod:`.functional` — ``conv2d`` (im2col and by kernel offsets), ``conv1d``, ``conv_transpose2d``,
  the weight gradient, max, average and adaptive pooling, the output-size formula and the
  receptive field (re-exported here: ``dlcore.conv.conv2d``);
* :mod:`.layers` — ``Conv2d`` and ``MaxPool2d`` modules with torch's parameter names, and the
  chapter's small CNN;
* :mod:`.augment` — Mixup and CutMix, and the loss on their mixed labels.
"""

from .functional import *  # noqa: F401,F403
from .functional import __all__

from . import augment, layers  # noqa: E402,F401
