"""Chapter 11, sequences: automatic differentiation, recurrent networks and attention.

* :mod:`.attention` — ``scaled_dot_product_attention``, causal masks, ``MultiheadAttention``,
  sinusoidal and rotary positions (re-exported here: ``dlcore.sequences.scaled_dot_product_attention``);
* :mod:`.rnn` — the RNN, LSTM and GRU cells and layers, their gates over a sequence, and the
  gradient through time;
* :mod:`.transformer` — a small Pre-LN Transformer from the book's parts, with a KV cache;
* :mod:`.autograd` — a scalar reverse-mode autodiff engine, what ``backward()`` does.
"""

from .attention import *  # noqa: F401,F403
from .attention import __all__

from . import autograd, rnn, transformer  # noqa: E402,F401
