r"""Attention, from :math:`\operatorname{softmax}(QK^\top/\sqrt{d_k})\,V` to multi-head attention and positions.

Chapter 11 of the book; equation labels (``eq-...``) refer to that chapter. The functions
follow ``torch.nn.functional``'s names, arguments and defaults and are tested equal to
them, values and gradients; shapes are ``(..., L, E)`` for queries, ``(..., S, E)`` for keys
and ``(..., S, E_v)`` for values (``L`` queries, ``S`` keys, batch and heads in front).

Two mask conventions meet here, and confusing them is the classic bug:
:func:`scaled_dot_product_attention` takes a boolean mask that is ``True`` where a query
*may* look, while ``torch.nn.MultiheadAttention`` (and :class:`MultiheadAttention`) takes
masks that are ``True`` where it may *not*. A float mask is added to the logits in both.
"""

from __future__ import annotations

import math

import torch
from torch import nn

from .._validation import as_count, as_flag, as_float_like, as_float_tensor, as_positive, refuse_meta

__all__ = [
    "attention_weights", "scaled_dot_product_attention", "causal_mask", "MultiheadAttention",
    "sinusoidal_positions", "rotary_embedding",
]


# -- the one formula ------------------------------------------------------------------------------


def _additive(forbidden: torch.Tensor, like: torch.Tensor) -> torch.Tensor:
    """A mask to add to the logits, in ``like``'s dtype and device: a boolean one (True = forbidden)
    becomes −∞ / 0, a floating-point one is already additive."""
    if forbidden.dtype == torch.bool:
        return torch.zeros((), dtype=like.dtype, device=like.device).masked_fill(forbidden.to(like.device), -math.inf)
    return forbidden.to(like.device, like.dtype)


def _logit_mask(attn_mask, logits: torch.Tensor) -> torch.Tensor:
    """The mask as something to add to the logits: a bool mask (True = may attend) becomes 0 / −∞."""
    if not isinstance(attn_mask, torch.Tensor):
        raise TypeError(f"attn_mask must be a torch.Tensor, got {type(attn_mask).__name__}")
    if attn_mask.dtype != torch.bool and not attn_mask.is_floating_point():
        raise TypeError(f"attn_mask must be boolean (True = may attend) or floating point (added), got dtype {attn_mask.dtype}")
    try:
        torch.broadcast_shapes(attn_mask.shape, logits.shape)
    except RuntimeError:
        raise ValueError(f"attn_mask of shape {tuple(attn_mask.shape)} does not broadcast to the attention logits "
                         f"{tuple(logits.shape)} (..., queries, keys)") from None
    return _additive(~attn_mask if attn_mask.dtype == torch.bool else attn_mask, logits)


def causal_mask(query_length: int, key_length: int | None = None, device=None) -> torch.Tensor:
    r"""Boolean ``(L, S)``: query :math:`i` may attend to key :math:`j` when :math:`j \le i + S - L`, Eq. (eq-causal).

    Aligned at the bottom right: the last query is the newest position and sees every key,
    which is what decoding with a KV cache needs (:math:`L = 1`, :math:`S` = everything
    so far). ``is_causal=True`` in torch aligns at the top left instead; the two agree when
    :math:`L = S`.
    """
    query_length = as_count(query_length, "query_length")
    key_length = query_length if key_length is None else as_count(key_length, "key_length")
    if key_length < query_length:
        raise ValueError(f"key_length ({key_length}) must be at least query_length ({query_length}): "
                         f"every query is one of the keys")
    return torch.ones(query_length, key_length, dtype=torch.bool, device=device).tril(key_length - query_length)


def attention_weights(query: torch.Tensor, key: torch.Tensor, attn_mask: torch.Tensor | None = None,
                      is_causal: bool = False, scale: float | None = None) -> torch.Tensor:
    r"""The attention weights :math:`\operatorname{softmax}(QK^\top s + M)`, ``(..., L, S)``, Eq. (eq-attention).

    ``scale`` :math:`s` defaults to :math:`1/\sqrt{E}` (Eq. eq-sqrt-dk). The softmax subtracts
    each row's maximum, so huge logits do not overflow. A row whose every key is masked has
    no distribution to take: its weights are 0 (and so is its output and its gradient), as
    in ``F.scaled_dot_product_attention`` since torch 2.5 (earlier versions return NaN).
    """
    query = as_float_tensor(query, "query")
    key = as_float_like(key, "key", query, "query")
    for name, tensor in (("query", query), ("key", key)):
        if tensor.ndim < 2:
            raise ValueError(f"{name} must be (..., length, features), got shape {tuple(tensor.shape)}")
    if query.shape[-1] != key.shape[-1]:
        raise ValueError(f"query and key must have the same number of features, got {query.shape[-1]} and {key.shape[-1]}")
    try:
        torch.broadcast_shapes(query.shape[:-2], key.shape[:-2])
    except RuntimeError:
        raise ValueError(f"query {tuple(query.shape)} and key {tuple(key.shape)} must agree (or broadcast) "
                         f"in their leading batch dimensions") from None
    if as_flag(is_causal, "is_causal") and attn_mask is not None:
        raise ValueError("give attn_mask or is_causal=True, not both")
    scale = 1 / math.sqrt(query.shape[-1]) if scale is None else as_positive(scale, "scale")
    logits = (query @ key.transpose(-2, -1)) * scale
    if is_causal:  # torch's convention: aligned at the top left
        attn_mask = torch.ones(query.shape[-2], key.shape[-2], dtype=torch.bool, device=query.device).tril()
    if attn_mask is not None:
        logits = logits + _logit_mask(attn_mask, logits)
    return _safe_softmax(logits)


def _safe_softmax(logits: torch.Tensor) -> torch.Tensor:
    """Softmax over the last axis, shifted by the row's maximum; a row of −∞ gives zeros, not NaN."""
    if logits.numel() == 0:
        return logits.clone()
    top = logits.amax(dim=-1, keepdim=True).detach()
    top = top.masked_fill(top == -math.inf, 0.0)
    exps = torch.exp(logits - top)
    total = exps.sum(dim=-1, keepdim=True)
    return exps / total.masked_fill(total == 0, 1.0)


def scaled_dot_product_attention(query: torch.Tensor, key: torch.Tensor, value: torch.Tensor,
                                 attn_mask: torch.Tensor | None = None, is_causal: bool = False,
                                 scale: float | None = None) -> torch.Tensor:
    r"""Attention, Eq. (eq-attention): :math:`\operatorname{softmax}(QK^\top/\sqrt{d_k} + M)\,V`,
    equal to ``F.scaled_dot_product_attention`` (without dropout).

    ``attn_mask``: boolean, ``True`` where a query may attend to a key; or floating point,
    added to the logits (``-inf`` forbids). ``is_causal=True``: query :math:`i` sees keys
    :math:`j \le i` (top-left aligned, as torch). Rows with nothing to attend to give 0.
    """
    weights = attention_weights(query, key, attn_mask, is_causal, scale)
    value = as_float_like(value, "value", query, "query")
    if value.ndim < 2 or value.shape[-2] != key.shape[-2]:
        raise ValueError(f"value must be (..., S, E_v) with key's S = {key.shape[-2]}, got shape {tuple(value.shape)}")
    try:
        torch.broadcast_shapes(value.shape[:-2], key.shape[:-2])
    except RuntimeError:
        raise ValueError(f"key {tuple(key.shape)} and value {tuple(value.shape)} must agree in their batch dimensions") from None
    return weights @ value


# -- multi-head attention -------------------------------------------------------------------------


class MultiheadAttention(nn.Module):
    r"""``torch.nn.MultiheadAttention`` (no dropout, same keys and values width), Eq. (eq-mha):

    .. math:: \operatorname{MHA}(Q, K, V) = \big[\operatorname{head}_1; \dots; \operatorname{head}_h\big] W_O,
              \quad \operatorname{head}_i = \operatorname{Attention}(Q W_Q^i, K W_K^i, V W_V^i)

    Parameters and their names are torch's (``in_proj_weight`` stacks :math:`W_Q, W_K, W_V`;
    ``out_proj``), and so is the initialisation: the same seed draws the same weights, and
    state dicts load both ways. Here ``batch_first`` defaults to ``True``.

    Masks follow torch's module, *not* its function: ``key_padding_mask`` ``(N, S)`` and
    ``attn_mask`` ``(L, S)`` or ``(N·h, L, S)`` are ``True`` where attention is **forbidden**
    (or floats, added). A query whose keys are all forbidden gets 0 here; torch's module returns NaN.
    """

    def __init__(self, embed_dim: int, num_heads: int, bias: bool = True, batch_first: bool = True):
        super().__init__()
        self.embed_dim, self.num_heads = as_count(embed_dim, "embed_dim", minimum=1), as_count(num_heads, "num_heads", minimum=1)
        if embed_dim % num_heads:
            raise ValueError(f"num_heads ({num_heads}) must divide embed_dim ({embed_dim})")
        bias, self.batch_first = as_flag(bias, "bias"), as_flag(batch_first, "batch_first")
        self.head_dim = embed_dim // num_heads
        self.in_proj_weight = nn.Parameter(torch.empty(3 * embed_dim, embed_dim))
        self.in_proj_bias = nn.Parameter(torch.empty(3 * embed_dim)) if bias else None
        self.out_proj = nn.Linear(embed_dim, embed_dim, bias=bias)
        nn.init.xavier_uniform_(self.in_proj_weight)
        if bias:
            nn.init.zeros_(self.in_proj_bias)
            nn.init.zeros_(self.out_proj.bias)

    def _heads(self, x: torch.Tensor, which: int) -> torch.Tensor:
        """Project ``x`` (N, T, E) with W_Q, W_K or W_V and split it into heads: (N, h, T, E/h)."""
        rows = slice(which * self.embed_dim, (which + 1) * self.embed_dim)
        bias = None if self.in_proj_bias is None else self.in_proj_bias[rows]
        projected = nn.functional.linear(x, self.in_proj_weight[rows], bias)
        return projected.unflatten(-1, (self.num_heads, self.head_dim)).transpose(1, 2)

    def _inputs(self, query, key, value) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, bool]:
        """(N, T, E) query, key and value, and whether they arrived unbatched."""
        weight = self.in_proj_weight
        tensors = [as_float_like(t, name, weight, "the layer's weights") for name, t in (("query", query), ("key", key), ("value", value))]
        ndims = {t.ndim for t in tensors}
        if ndims not in ({2}, {3}):
            raise ValueError(f"query, key and value must all be batched (3-D) or all unbatched (2-D), "
                             f"got shapes {[tuple(t.shape) for t in tensors]}")
        unbatched = ndims == {2}
        if unbatched:
            tensors = [t.unsqueeze(0) for t in tensors]
        elif not self.batch_first:
            tensors = [t.transpose(0, 1) for t in tensors]
        query, key, value = tensors
        for name, tensor in (("query", query), ("key", key), ("value", value)):
            if tensor.shape[-1] != self.embed_dim:
                raise ValueError(f"{name} must end in embed_dim = {self.embed_dim} features, got shape {tuple(tensor.shape)}")
        if key.shape[:2] != value.shape[:2] or key.shape[0] != query.shape[0]:
            raise ValueError(f"key and value must have the same batch and length, and the batch of query: got "
                             f"query {tuple(query.shape)}, key {tuple(key.shape)}, value {tuple(value.shape)}")
        return query, key, value, unbatched

    def _forbidden(self, key_padding_mask, attn_mask, n: int, length: int, keys: int, like: torch.Tensor) -> torch.Tensor | None:
        """Both of torch's module masks as one additive (N, h, L, S) mask (−∞ where forbidden)."""
        total = None
        for name, mask, shapes in (("key_padding_mask", key_padding_mask, {(n, keys)}),
                                   ("attn_mask", attn_mask, {(length, keys), (n * self.num_heads, length, keys)})):
            if mask is None:
                continue
            if not isinstance(mask, torch.Tensor) or (mask.dtype != torch.bool and not mask.is_floating_point()):
                raise TypeError(f"{name} must be a boolean (True = forbidden) or floating-point tensor, got {mask!r:.60}")
            if tuple(mask.shape) not in shapes:
                raise ValueError(f"{name} must have shape {' or '.join(map(str, sorted(shapes)))}, got {tuple(mask.shape)}")
            additive = _additive(mask, like)
            if name == "key_padding_mask":
                additive = additive[:, None, None, :]
            elif additive.ndim == 3:
                additive = additive.unflatten(0, (n, self.num_heads))
            total = additive if total is None else total + additive
        return total

    def forward(self, query: torch.Tensor, key: torch.Tensor, value: torch.Tensor, key_padding_mask: torch.Tensor | None = None,
                need_weights: bool = True, attn_mask: torch.Tensor | None = None,
                average_attn_weights: bool = True) -> tuple[torch.Tensor, torch.Tensor | None]:
        """(output, weights): output like ``query``; weights ``(N, L, S)`` averaged over heads,
        ``(N, h, L, S)`` per head, or ``None`` when ``need_weights`` is false."""
        query, key, value, unbatched = self._inputs(query, key, value)
        n, length, keys = query.shape[0], query.shape[1], key.shape[1]
        mask = self._forbidden(key_padding_mask, attn_mask, n, length, keys, query)
        weights = attention_weights(self._heads(query, 0), self._heads(key, 1), mask)
        heads = weights @ self._heads(value, 2)  # (N, h, L, E/h)
        output = self.out_proj(heads.transpose(1, 2).flatten(-2))
        if not unbatched and not self.batch_first:
            output = output.transpose(0, 1)
        if not need_weights:
            weights = None
        elif average_attn_weights:
            weights = weights.mean(dim=1)
        if unbatched:
            output = output.squeeze(0)
            weights = None if weights is None else weights.squeeze(0)
        return output, weights

    def extra_repr(self) -> str:
        return f"embed_dim={self.embed_dim}, num_heads={self.num_heads}, batch_first={self.batch_first}"


# -- positions ------------------------------------------------------------------------------------


def _even_dim(dim, name: str) -> int:
    dim = as_count(dim, name, minimum=2)
    if dim % 2:
        raise ValueError(f"{name} must be even (features come in sine/cosine pairs), got {dim}")
    return dim


def _frequencies(dim: int, base: float) -> torch.Tensor:
    r""":math:`\omega_i = b^{-2i/d}`, :math:`i = 0, \dots, d/2 - 1`, in float64."""
    return base ** (-torch.arange(0, dim, 2, dtype=torch.float64) / dim)


def sinusoidal_positions(length: int, dim: int, base: float = 10000.0, dtype: torch.dtype | None = None) -> torch.Tensor:
    r"""Vaswani et al.'s positional encodings, Eq. (eq-sinusoidal), ``(length, dim)``:

    .. math:: P_{t, 2i} = \sin(t\,\omega_i), \quad P_{t, 2i+1} = \cos(t\,\omega_i), \quad \omega_i = b^{-2i/d}.

    Computed in float64 and returned in ``dtype`` (the default dtype).
    """
    length, dim, base = as_count(length, "length"), _even_dim(dim, "dim"), as_positive(base, "base")
    angles = torch.arange(length, dtype=torch.float64)[:, None] * _frequencies(dim, base)
    return torch.stack([angles.sin(), angles.cos()], dim=-1).flatten(-2).to(dtype or torch.get_default_dtype())


def rotary_embedding(x: torch.Tensor, positions: torch.Tensor | None = None, base: float = 10000.0) -> torch.Tensor:
    r"""Rotary position embedding (RoPE, Su et al.; as in LLaMA), Eq. (eq-rope): rotate each
    pair of features :math:`(x_{2i}, x_{2i+1})` of the vector at position :math:`t` by the
    angle :math:`t\,\omega_i`.

    ``x`` is ``(..., L, d)`` with ``d`` even; ``positions`` (``(L,)``, default ``0, …, L−1``)
    lets a KV cache continue where it stopped. Applied to queries and keys, it makes
    :math:`\langle R_m q, R_n k\rangle` depend on :math:`m - n` only (the relative position).
    This is Meta's interleaved-pairs layout; Hugging Face's ``rotate_half`` pairs feature
    :math:`i` with :math:`i + d/2`, the same rotation on permuted features.
    """
    x = as_float_tensor(x, "x")
    if x.ndim < 2:
        raise ValueError(f"x must be (..., length, features), got shape {tuple(x.shape)}")
    dim, base = _even_dim(x.shape[-1], "x's last dimension"), as_positive(base, "base")
    if positions is None:
        positions = torch.arange(x.shape[-2], device=x.device)
    refuse_meta(positions, "positions")
    if not isinstance(positions, torch.Tensor) or positions.shape != (x.shape[-2],) or positions.is_complex():
        raise ValueError(f"positions must be a real tensor of shape ({x.shape[-2]},), one per row of x, got {positions!r:.80}")
    angles = positions.to(torch.float64)[:, None] * _frequencies(dim, base).to(positions.device)
    cos, sin = angles.cos().to(x.device, x.dtype), angles.sin().to(x.device, x.dtype)
    even, odd = x[..., 0::2], x[..., 1::2]
    return torch.stack([even * cos - odd * sin, even * sin + odd * cos], dim=-1).flatten(-2)
