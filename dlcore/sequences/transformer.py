r"""A small decoder-only Transformer built from the book's own parts, and decoding with a KV cache.

Chapter 11 of the book; equation labels (``eq-...``) refer to that chapter. A block is
Eq. (eq-pre-ln) — :math:`x + \operatorname{Attn}(\operatorname{Norm}(x))`, then
:math:`x + \operatorname{FFN}(\operatorname{Norm}(x))` — with :class:`dlcore.norm.RMSNorm`
or :class:`dlcore.norm.LayerNorm` (chapter 7), :class:`dlcore.activations.SwiGLU`
(chapter 3), rotary positions and :func:`.attention.scaled_dot_product_attention`. With
``prenorm=False`` it is the original Post-LN block, :math:`\operatorname{Norm}(x + \operatorname{Attn}(x))`.
"""

from __future__ import annotations

import torch
from torch import nn

from .._validation import as_choice, as_count, as_flag, as_float_tensor, as_model_input, as_positive, as_tokens, refuse_meta
from ..activations import SwiGLU
from ..data import IGNORE
from ..norm import LayerNorm, RMSNorm
from .attention import causal_mask, rotary_embedding, scaled_dot_product_attention, sinusoidal_positions

__all__ = ["KVCache", "SelfAttention", "TransformerBlock", "TinyTransformer", "sequence_loss", "train_sequence_model", "sequence_accuracy"]


class KVCache:
    """The keys and values one attention layer has seen so far, ``(N, h, T, E/h)`` each:
    while decoding, a new token's query needs every earlier key and value, and they never
    change, so they are stored instead of recomputed (Eq. eq-kv-cache)."""

    def __init__(self):
        self.keys: torch.Tensor | None = None
        self.values: torch.Tensor | None = None

    def __len__(self) -> int:
        return 0 if self.keys is None else self.keys.shape[-2]

    def extend(self, keys: torch.Tensor, values: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Append the new positions' keys and values, ``(N, h, T_new, E/h)`` each; return all of them."""
        keys, values = as_float_tensor(keys, "keys"), as_float_tensor(values, "values")
        if keys.ndim != 4 or keys.shape != values.shape or (keys.dtype, keys.device) != (values.dtype, values.device):
            raise ValueError(f"keys and values must both be (N, heads, positions, head width), alike, got {tuple(keys.shape)} "
                             f"in {keys.dtype} and {tuple(values.shape)} in {values.dtype}")
        if self.keys is not None and (keys.shape[:2] + keys.shape[3:] != self.keys.shape[:2] + self.keys.shape[3:]
                                      or keys.dtype != self.keys.dtype):
            raise ValueError(f"keys must continue the cached {tuple(self.keys.shape)} in {self.keys.dtype} "
                             f"(same batch, heads and width), got {tuple(keys.shape)} in {keys.dtype}")
        if self.keys is not None:
            keys, values = torch.cat([self.keys, keys], dim=-2), torch.cat([self.values, values], dim=-2)
        self.keys, self.values = keys, values
        return keys, values


def _sequence_input(module: nn.Module, x, dim: int) -> torch.Tensor:
    x = as_model_input(module, x, "x")
    if x.ndim != 3 or x.shape[-1] != dim or x.shape[1] == 0:
        raise ValueError(f"x must be (N, L, {dim}) with L >= 1, got shape {tuple(x.shape)}")
    return x


class SelfAttention(nn.Module):
    """Multi-head self-attention with bias-free projections ``q_proj``, ``k_proj``, ``v_proj``,
    ``o_proj``, optional rotary positions, a causal mask and an optional :class:`KVCache`."""

    def __init__(self, dim: int, num_heads: int, *, rope: bool = True, causal: bool = True):
        super().__init__()
        self.dim, self.num_heads = as_count(dim, "dim", minimum=1), as_count(num_heads, "num_heads", minimum=1)
        if dim % num_heads or (rope and (dim // num_heads) % 2):
            raise ValueError(f"num_heads ({num_heads}) must divide dim ({dim}) into heads of "
                             f"{'even ' if rope else ''}width{' (RoPE rotates pairs)' if rope else ''}")
        self.rope, self.causal = as_flag(rope, "rope"), as_flag(causal, "causal")
        self.q_proj, self.k_proj, self.v_proj, self.o_proj = (nn.Linear(dim, dim, bias=False) for _ in range(4))

    def _heads(self, x: torch.Tensor) -> torch.Tensor:
        return x.unflatten(-1, (self.num_heads, self.dim // self.num_heads)).transpose(1, 2)

    def forward(self, x: torch.Tensor, cache: KVCache | None = None) -> torch.Tensor:
        x = _sequence_input(self, x, self.dim)
        if cache is not None and not isinstance(cache, KVCache):
            raise TypeError(f"cache must be a KVCache, got {type(cache).__name__}")
        past = 0 if cache is None else len(cache)
        q, k, v = self._heads(self.q_proj(x)), self._heads(self.k_proj(x)), self._heads(self.v_proj(x))
        if self.rope:
            positions = torch.arange(past, past + x.shape[1], device=x.device)
            q, k = rotary_embedding(q, positions), rotary_embedding(k, positions)
        if cache is not None:
            k, v = cache.extend(k, v)
        mask = causal_mask(q.shape[-2], k.shape[-2], device=x.device) if self.causal else None
        return self.o_proj(scaled_dot_product_attention(q, k, v, attn_mask=mask).transpose(1, 2).flatten(-2))


class TransformerBlock(nn.Module):
    r"""One decoder block, Eq. (eq-pre-ln). ``norm``: ``"rms"`` (LLaMA) or ``"layer"``;
    ``prenorm=False`` gives the Post-LN block of the original Transformer; the feed-forward
    part is a SwiGLU of width ``hidden`` (default :math:`\tfrac83\,d` rounded, as LLaMA)."""

    def __init__(self, dim: int, num_heads: int, hidden: int | None = None, *, norm: str = "rms", prenorm: bool = True,
                 rope: bool = True, causal: bool = True):
        super().__init__()
        norm = as_choice(norm, "norm", ("rms", "layer"))
        self.prenorm = as_flag(prenorm, "prenorm")
        self.attn = SelfAttention(dim, num_heads, rope=rope, causal=causal)
        self.ffn = SwiGLU(dim, hidden if hidden is not None else max(1, round(8 * dim / 3)))
        self.norm1, self.norm2 = ((RMSNorm(dim) if norm == "rms" else LayerNorm(dim)) for _ in range(2))

    def forward(self, x: torch.Tensor, cache: KVCache | None = None) -> torch.Tensor:
        x = _sequence_input(self, x, self.attn.dim)
        if self.prenorm:
            x = x + self.attn(self.norm1(x), cache)
            return x + self.ffn(self.norm2(x))
        x = self.norm1(x + self.attn(x, cache))
        return self.norm2(x + self.ffn(x))


class TinyTransformer(nn.Module):
    """Tokens ``(N, L)`` → logits ``(N, L, vocab_size)``: an embedding, ``num_layers``
    :class:`TransformerBlock` s, a final norm (Pre-LN only) and a linear head.

    ``positions``: ``"rope"`` (rotary, inside attention), ``"sinusoidal"`` (added to the
    embedding) or ``"none"`` (then, without a causal mask, the model cannot tell order at all).
    """

    def __init__(self, vocab_size: int, dim: int = 32, num_heads: int = 4, num_layers: int = 2, hidden: int | None = None, *,
                 norm: str = "rms", prenorm: bool = True, positions: str = "rope", causal: bool = True):
        super().__init__()
        self.positions = as_choice(positions, "positions", ("rope", "sinusoidal", "none"))
        self.embed = nn.Embedding(as_count(vocab_size, "vocab_size", minimum=1), as_count(dim, "dim", minimum=1))
        self.blocks = nn.ModuleList(TransformerBlock(dim, num_heads, hidden, norm=norm, prenorm=prenorm, rope=positions == "rope",
                                                     causal=causal) for _ in range(as_count(num_layers, "num_layers", minimum=1)))
        self.norm = (RMSNorm(dim) if norm == "rms" else LayerNorm(dim)) if prenorm else nn.Identity()
        self.head = nn.Linear(dim, vocab_size, bias=False)

    def new_cache(self) -> list[KVCache]:
        """One empty :class:`KVCache` per block, for :meth:`forward` to fill while decoding."""
        return [KVCache() for _ in self.blocks]

    def forward(self, tokens: torch.Tensor, cache: list[KVCache] | None = None) -> torch.Tensor:
        tokens = as_tokens(tokens, self.embed.num_embeddings)
        if cache is not None and (not isinstance(cache, list) or len(cache) != len(self.blocks)):
            raise ValueError(f"cache must be the list of {len(self.blocks)} KVCache that new_cache() returns")
        x = self.embed(tokens)
        if self.positions == "sinusoidal":
            past = len(cache[0]) if cache else 0
            x = x + sinusoidal_positions(past + tokens.shape[1], x.shape[-1], dtype=x.dtype)[past:].to(x.device)
        for i, block in enumerate(self.blocks):
            x = block(x, None if cache is None else cache[i])
        return self.head(self.norm(x))

    @torch.no_grad()
    def generate(self, prompt: torch.Tensor, steps: int, use_cache: bool = True) -> torch.Tensor:
        """Greedy decoding: append ``steps`` tokens, each the most likely next one. With
        ``use_cache`` each step feeds only the newest token and reads the rest from the
        cache; without, it recomputes the whole sequence — the same tokens, more work."""
        steps = as_count(steps, "steps")
        tokens, cache = prompt, (self.new_cache() if use_cache else None)
        fresh = prompt
        for _ in range(steps):
            logits = self(fresh if use_cache else tokens, cache)
            next_token = logits[:, -1].argmax(dim=-1, keepdim=True)
            tokens = torch.cat([tokens, next_token], dim=1)
            fresh = next_token
        return tokens


# -- training on a sequence task ------------------------------------------------------------------


def _task(task) -> tuple[torch.Tensor, torch.Tensor]:
    tokens, targets = task
    if not (isinstance(tokens, torch.Tensor) and isinstance(targets, torch.Tensor)) or tokens.dtype != torch.long \
            or targets.dtype != torch.long or tokens.ndim != 2 or tokens.shape != targets.shape or len(tokens) == 0:
        raise TypeError("task must be (tokens, targets), two (n, L) int64 tensors of the same shape, as dlcore.data.sorting_sequences returns")
    return tokens, targets


def sequence_loss(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Cross-entropy over the positions that have a target (``dlcore.data.IGNORE`` elsewhere)."""
    logits = as_float_tensor(logits, "logits")
    if logits.ndim != 3 or 0 in logits.shape:
        raise ValueError(f"logits must be (N, L, vocab) and not empty, got shape {tuple(logits.shape)}")
    refuse_meta(targets, "targets")
    if not isinstance(targets, torch.Tensor) or targets.dtype != torch.long or targets.shape != logits.shape[:2]:
        raise TypeError(f"targets must be an int64 tensor of shape {tuple(logits.shape[:2])}, got {targets!r:.80}")
    asked = targets[targets != IGNORE]
    if asked.numel() and (asked.min() < 0 or asked.max() >= logits.shape[-1]):
        raise ValueError(f"targets must lie in [0, {logits.shape[-1]}) or be IGNORE ({IGNORE}), "
                         f"got values from {asked.min().item()} to {asked.max().item()}")
    return nn.functional.cross_entropy(logits.flatten(0, 1), targets.flatten())


def train_sequence_model(model: nn.Module, task, *, steps: int, lr: float, batch_size: int = 64, seed: int = 0) -> list[float]:
    """Adam for ``steps`` steps on random batches of ``task`` (drawn from ``seed``), with the
    gradient norm clipped at 1 (chapter 6); returns the loss of every step. Works for any model
    from tokens to logits, so that two architectures are trained alike."""
    tokens, targets = _task(task)
    steps, batch_size, seed = as_count(steps, "steps", minimum=1), as_count(batch_size, "batch_size", minimum=1), as_count(seed, "seed")
    lr = as_positive(lr, "lr")
    device = next(model.parameters()).device
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    generator, losses = torch.Generator().manual_seed(seed), []
    model.train()
    for _ in range(steps):
        rows = torch.randint(0, len(tokens), (batch_size,), generator=generator)
        loss = sequence_loss(model(tokens[rows].to(device)), targets[rows].to(device))
        optimizer.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        losses.append(loss.item())
    return losses


@torch.no_grad()
def sequence_accuracy(model: nn.Module, task) -> tuple[float, float]:
    """(token accuracy, sequence accuracy) with teacher forcing: the share of asked positions
    predicted right, and the share of sequences with every asked position right."""
    tokens, targets = _task(task)
    model.eval()
    device = next(model.parameters()).device
    predicted = model(tokens.to(device)).argmax(dim=-1).cpu()
    asked = targets != IGNORE
    right = (predicted == targets) | ~asked
    return (right & asked).sum().item() / asked.sum().item(), right.all(dim=1).float().mean().item()
