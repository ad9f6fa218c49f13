"""Checkers for chapter 11's exercises."""

from __future__ import annotations

from typing import Callable

import torch

from .. import sequences
from . import Case, check, random_cases

__all__ = ["attention_cases", "check_attention"]


def attention_cases(seed: int = 0, n_random: int = 20) -> list[Case]:
    """Query, key, value and mask: one head, batches of heads, more keys than queries, a
    boolean mask (True = may attend), an additive mask, a causal mask, huge logits (a naive
    softmax overflows) and a query whose every key is masked (the answer is 0)."""
    seed, n_random = random_cases(seed, n_random)
    generator = torch.Generator().manual_seed(seed)

    def randn(*shape):
        return torch.randn(shape, generator=generator, dtype=torch.float64)

    def qkv(batch, length, keys, dim, dim_v=None):
        return randn(*batch, length, dim), randn(*batch, keys, dim), randn(*batch, keys, dim_v or dim)

    blocked = torch.ones(3, 4, dtype=torch.bool)
    blocked[1] = False
    cases = [
        Case(qkv((), 3, 3, 2), {"attn_mask": None}, label="three tokens, one head"),
        Case(qkv((2, 4), 5, 5, 8), {"attn_mask": None}, label="a batch of 2 with 4 heads"),
        Case(qkv((2,), 3, 6, 4, 5), {"attn_mask": None}, label="6 keys for 3 queries, values of another width"),
        Case(qkv((2,), 4, 5, 4), {"attn_mask": torch.rand(4, 5, generator=generator) < 0.7},
             label="a boolean mask (True = may attend)"),
        Case(qkv((2,), 4, 5, 4), {"attn_mask": randn(4, 5)}, label="a float mask, added to the logits"),
        Case(qkv((1, 2), 5, 5, 4), {"attn_mask": sequences.causal_mask(5)}, label="a causal mask"),
        Case(tuple(t * 100 for t in qkv((2,), 4, 4, 8)), {"attn_mask": None}, label="huge logits: a naive softmax overflows"),
        Case(qkv((), 3, 4, 2), {"attn_mask": blocked}, label="a query with every key masked: its output is 0"),
    ]
    for i in range(n_random):
        length, keys, dim = (int(torch.randint(1, 7, (), generator=generator)) for _ in range(3))
        heads = int(torch.randint(1, 4, (), generator=generator))
        mask = torch.rand(length, keys, generator=generator) < 0.8
        mask[:, 0] = True  # every query keeps at least one key
        cases.append(Case(qkv((2, heads), length, keys, dim), {"attn_mask": mask if i % 2 else None},
                          label=f"random #{i + 1}: {length} queries, {keys} keys, width {dim}, {heads} head{'s' * (heads > 1)}"))
    return cases


def check_attention(fn: Callable) -> bool:
    """Grade a reader's ``attention(query, key, value, attn_mask=None)`` against
    :func:`dlcore.sequences.scaled_dot_product_attention`."""
    return check(fn, sequences.scaled_dot_product_attention, attention_cases(), name="scaled_dot_product_attention",
                 rtol=1e-9, atol=1e-12)
