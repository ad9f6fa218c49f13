"""dlcore.check.sequences: a right answer passes, wrong readers fail with a useful report."""

import math

import pytest
import torch
import torch.nn.functional as F

from dlcore.check.sequences import attention_cases, check_attention

TORCH_ZEROS_EMPTY_ROWS = tuple(int(p) for p in torch.__version__.split("+")[0].split(".")[:2]) >= (2, 5)


def careful(q, k, v, attn_mask=None, *, scale=None, axis=-1, softmax_shift=True, empty_rows=True):
    """A right answer, with switches that make it wrong in the ways readers go wrong."""
    logits = q @ k.transpose(-2, -1) * (1 / math.sqrt(q.shape[-1]) if scale is None else scale)
    if attn_mask is not None:
        logits = logits.masked_fill(~attn_mask, -math.inf) if attn_mask.dtype == torch.bool else logits + attn_mask
    top = logits.amax(dim=axis, keepdim=True).clamp_min(-1e300) if softmax_shift else 0.0
    exps = (logits - top).exp()
    total = exps.sum(dim=axis, keepdim=True)
    weights = exps / (total.masked_fill(total == 0, 1.0) if empty_rows else total)
    return weights @ v


def test_a_careful_reader_passes_and_so_does_recent_torch():
    assert check_attention(careful)
    if TORCH_ZEROS_EMPTY_ROWS:
        assert check_attention(lambda q, k, v, attn_mask=None: F.scaled_dot_product_attention(q, k, v, attn_mask=attn_mask))


@pytest.mark.parametrize("wrong, label", [
    (lambda q, k, v, attn_mask=None: careful(q, k, v, attn_mask, scale=1.0), "three tokens"),  # forgot √d
    (lambda q, k, v, attn_mask=None: careful(q, k, v, attn_mask, scale=1 / q.shape[-1]), "three tokens"),  # 1/d
    (lambda q, k, v, attn_mask=None: careful(q, k, v, None), "a boolean mask"),  # ignored the mask
    (lambda q, k, v, attn_mask=None: careful(q, k, v, None if attn_mask is None else
                                              (~attn_mask if attn_mask.dtype == torch.bool else attn_mask)), "a boolean mask"),
    (lambda q, k, v, attn_mask=None: careful(q, k, v, attn_mask, softmax_shift=False), "huge logits"),
    (lambda q, k, v, attn_mask=None: careful(q, k, v, attn_mask, empty_rows=False), "every key masked"),
    (lambda q, k, v, attn_mask=None: careful(q, k, v, attn_mask, axis=-2), "three tokens"),  # softmax over the queries
    (lambda q, k, v, attn_mask=None: careful(q, k, v, attn_mask) @ torch.eye(v.shape[-1], dtype=v.dtype)[:, :1], "three tokens"),
])
def test_wrong_readers_fail_on_the_case_that_exposes_them(wrong, label, capsys):
    assert not check_attention(wrong)
    assert label in capsys.readouterr().out


def test_the_cases_cover_what_the_docstring_promises():
    labels = " ".join(case.label for case in attention_cases())
    for topic in ("boolean mask", "float mask", "causal", "huge logits", "every key masked", "random #20"):
        assert topic in labels
