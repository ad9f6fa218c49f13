"""dlcore.sequences.attention against torch: scaled dot-product attention, masks, multi-head
attention and positions; values and gradients, float32 and float64, random (hypothesis) and edge cases."""

import math

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st

from dlcore import sequences
from dlcore.sequences import MultiheadAttention, attention_weights, causal_mask, rotary_embedding, scaled_dot_product_attention

DTYPES = [torch.float64, torch.float32]
TOLERANCE = {torch.float64: dict(rtol=1e-10, atol=1e-12), torch.float32: dict(rtol=1e-4, atol=1e-5)}
TORCH_ZEROS_EMPTY_ROWS = tuple(int(p) for p in torch.__version__.split("+")[0].split(".")[:2]) >= (2, 5)


def randn(*shape, dtype=torch.float64, seed=0):
    return torch.randn(shape, generator=torch.Generator().manual_seed(seed), dtype=dtype)


def values_and_grads(fn, *tensors, seed=1, **kwargs):
    leaves = [t.detach().clone().requires_grad_(True) for t in tensors]
    out = fn(*leaves, **kwargs)
    out = out[0] if isinstance(out, tuple) else out
    grads = torch.autograd.grad((out * randn(*out.shape, dtype=out.dtype, seed=seed)).sum(), leaves)
    return out.detach(), grads


def assert_same(ours, theirs, dtype):
    torch.testing.assert_close(ours[0], theirs[0], **TOLERANCE[dtype])
    for g, r in zip(ours[1], theirs[1]):
        torch.testing.assert_close(g, r, **TOLERANCE[dtype])


# -- scaled dot-product attention ---------------------------------------------------------------


@given(batch=st.lists(st.integers(1, 3), max_size=2), length=st.integers(1, 7), keys=st.integers(1, 7), dim=st.integers(1, 9),
       dim_v=st.integers(1, 5), mask=st.sampled_from(["none", "bool", "float", "causal"]), scale=st.sampled_from([None, 0.5]),
       dtype=st.sampled_from(DTYPES), seed=st.integers(0, 2**16))
def test_attention_equals_torch_values_and_gradients(batch, length, keys, dim, dim_v, mask, scale, dtype, seed):
    q, k, v = randn(*batch, length, dim, dtype=dtype, seed=seed), randn(*batch, keys, dim, dtype=dtype, seed=seed + 1), \
        randn(*batch, keys, dim_v, dtype=dtype, seed=seed + 2)
    kwargs = dict(scale=scale)
    if mask == "bool":
        allowed = torch.rand(length, keys, generator=torch.Generator().manual_seed(seed)) < 0.7
        allowed[:, 0] = True  # a fully masked row is tested on its own below (torch < 2.5 gives NaN there)
        kwargs["attn_mask"] = allowed
    elif mask == "float":
        kwargs["attn_mask"] = randn(length, keys, dtype=dtype, seed=seed + 3)
    elif mask == "causal":
        kwargs["is_causal"] = True
    assert_same(values_and_grads(scaled_dot_product_attention, q, k, v, **kwargs),
                values_and_grads(F.scaled_dot_product_attention, q, k, v, **kwargs), dtype)


def test_the_weights_are_a_distribution_over_the_allowed_keys():
    q, k = randn(2, 3, 5, 4), randn(2, 3, 6, 4, seed=1)
    allowed = torch.rand(5, 6, generator=torch.Generator().manual_seed(2)) < 0.6
    allowed[:, 2] = True
    weights = attention_weights(q, k, allowed)
    torch.testing.assert_close(weights.sum(-1), torch.ones(2, 3, 5, dtype=torch.float64))
    assert (weights[..., ~allowed] == 0).all() and (weights >= 0).all()


@pytest.mark.parametrize("dtype", DTYPES)
def test_huge_logits_neither_overflow_nor_lose_the_gradient(dtype):
    q, k, v = randn(2, 4, 8, dtype=dtype) * 1e3, randn(2, 5, 8, dtype=dtype, seed=1) * 1e3, randn(2, 5, 3, dtype=dtype, seed=2)
    ours = values_and_grads(scaled_dot_product_attention, q, k, v)
    assert all(t.isfinite().all() for t in (ours[0], *ours[1]))
    assert_same(ours, values_and_grads(F.scaled_dot_product_attention, q, k, v), dtype)


def test_a_query_with_every_key_masked_gets_zero_output_and_zero_gradient():
    q, k, v = randn(3, 4), randn(5, 4, seed=1), randn(5, 2, seed=2)
    allowed = torch.ones(3, 5, dtype=torch.bool)
    allowed[1] = False
    out, grads = values_and_grads(scaled_dot_product_attention, q, k, v, attn_mask=allowed)
    assert (out[1] == 0).all() and (grads[0][1] == 0).all() and all(g.isfinite().all() for g in grads)
    additive = torch.zeros(3, 5, dtype=torch.float64).masked_fill(~allowed, -math.inf)
    torch.testing.assert_close(scaled_dot_product_attention(q, k, v, attn_mask=additive), out)
    if TORCH_ZEROS_EMPTY_ROWS:  # torch 2.2–2.4 answer NaN on that row
        assert_same((out, grads), values_and_grads(F.scaled_dot_product_attention, q, k, v, attn_mask=allowed), torch.float64)


def test_the_default_scale_is_one_over_root_d():
    q, k, v = randn(3, 16), randn(4, 16, seed=1), randn(4, 2, seed=2)
    torch.testing.assert_close(scaled_dot_product_attention(q, k, v), scaled_dot_product_attention(q, k, v, scale=0.25))
    expected = torch.softmax(q @ k.T / 4, dim=-1) @ v
    torch.testing.assert_close(scaled_dot_product_attention(q, k, v), expected)


def test_empty_inputs_give_empty_outputs_like_torch():
    q, k, v = randn(2, 0, 4), randn(2, 3, 4, seed=1), randn(2, 3, 5, seed=2)
    assert scaled_dot_product_attention(q, k, v).shape == F.scaled_dot_product_attention(q, k, v).shape == (2, 0, 5)


@pytest.mark.parametrize("call, message", [
    (lambda: scaled_dot_product_attention(randn(3, 4), randn(5, 3), randn(5, 2)), "same number of features"),
    (lambda: scaled_dot_product_attention(randn(3, 4), randn(5, 4), randn(6, 2)), "value must be"),
    (lambda: scaled_dot_product_attention(randn(4), randn(5, 4), randn(5, 2)), "query must be"),
    (lambda: scaled_dot_product_attention(randn(2, 3, 4), randn(3, 5, 4), randn(3, 5, 2)), "batch dimensions"),
    (lambda: scaled_dot_product_attention(randn(3, 4), randn(5, 4), randn(5, 2), attn_mask=torch.ones(3, 4, dtype=torch.bool)),
     "does not broadcast"),
    (lambda: scaled_dot_product_attention(randn(3, 4), randn(3, 4), randn(3, 2), attn_mask=torch.ones(3, 3, dtype=torch.bool),
                                          is_causal=True), "not both"),
    (lambda: scaled_dot_product_attention(randn(3, 4), randn(3, 4), randn(3, 2), scale=0.0), "scale"),
    (lambda: scaled_dot_product_attention(randn(3, 4), randn(3, 4), randn(3, 2), attn_mask=torch.ones(3, 3, dtype=torch.long)), "attn_mask"),
])
def test_bad_shapes_and_options_are_refused_by_name(call, message):
    with pytest.raises((ValueError, TypeError), match=message):
        call()


def test_mixed_dtypes_are_refused():
    with pytest.raises(TypeError, match="key must have query's dtype"):
        scaled_dot_product_attention(randn(3, 4), randn(5, 4, dtype=torch.float32), randn(5, 2))


# -- the causal mask -----------------------------------------------------------------------------


def test_the_causal_mask_is_bottom_right_aligned_and_agrees_with_torch_when_square():
    assert torch.equal(causal_mask(4), torch.ones(4, 4, dtype=torch.bool).tril())
    q, k, v = randn(2, 5, 4), randn(2, 5, 4, seed=1), randn(2, 5, 3, seed=2)
    torch.testing.assert_close(scaled_dot_product_attention(q, k, v, attn_mask=causal_mask(5)),
                               F.scaled_dot_product_attention(q, k, v, is_causal=True))
    assert causal_mask(1, 6).all()  # the newest token sees everything before it
    assert causal_mask(2, 5).tolist() == [[True, True, True, True, False], [True] * 5]
    with pytest.raises(ValueError, match="at least query_length"):
        causal_mask(5, 3)


# -- multi-head attention ------------------------------------------------------------------------


def pair(embed_dim=8, num_heads=2, bias=True, batch_first=True, dtype=torch.float64, seed=0):
    torch.manual_seed(seed)
    ours = MultiheadAttention(embed_dim, num_heads, bias=bias, batch_first=batch_first).to(dtype)
    torch.manual_seed(seed)
    theirs = torch.nn.MultiheadAttention(embed_dim, num_heads, bias=bias, batch_first=batch_first).to(dtype)
    return ours, theirs


def test_the_same_seed_draws_the_same_weights_and_state_dicts_load_both_ways():
    ours, theirs = pair()
    assert list(ours.state_dict()) == list(theirs.state_dict())
    for a, b in zip(ours.state_dict().values(), theirs.state_dict().values()):
        assert torch.equal(a, b)
    other = torch.nn.MultiheadAttention(8, 2, batch_first=True).double()
    ours.load_state_dict(other.state_dict())
    other.load_state_dict(ours.state_dict())


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("cross", [False, True])
@pytest.mark.parametrize("average", [True, False])
def test_multihead_attention_equals_torch(dtype, cross, average):
    ours, theirs = pair(16, 4, dtype=dtype)
    query = randn(3, 5, 16, dtype=dtype)
    memory = randn(3, 7, 16, dtype=dtype, seed=1) if cross else query
    padding = torch.zeros(3, memory.shape[1], dtype=torch.bool)
    padding[1, -2:] = True
    forbidden = torch.rand(5, memory.shape[1], generator=torch.Generator().manual_seed(3)) < 0.3
    forbidden[:, 0] = False
    kwargs = dict(key_padding_mask=padding, attn_mask=forbidden, average_attn_weights=average)
    out, weights = ours(query, memory, memory, **kwargs)
    ref, ref_weights = theirs(query, memory, memory, **kwargs)
    torch.testing.assert_close(out, ref, **TOLERANCE[dtype])
    torch.testing.assert_close(weights, ref_weights, **TOLERANCE[dtype])
    out.sum().backward()
    ref.sum().backward()
    for (name, p), q in zip(ours.named_parameters(), theirs.parameters()):
        torch.testing.assert_close(p.grad, q.grad, **TOLERANCE[dtype], msg=name)


def test_float_masks_per_head_masks_sequence_first_and_unbatched_inputs_equal_torch():
    ours, theirs = pair(8, 2, batch_first=False)
    x = randn(4, 3, 8)  # (L, N, E)
    per_head = randn(3 * 2, 4, 4, seed=2)
    torch.testing.assert_close(ours(x, x, x, attn_mask=per_head)[0], theirs(x, x, x, attn_mask=per_head)[0])
    padding = torch.zeros(3, 4, dtype=torch.float64)
    padding[0, 1] = -1.5
    torch.testing.assert_close(ours(x, x, x, key_padding_mask=padding)[1], theirs(x, x, x, key_padding_mask=padding)[1])
    single = x[:, 0]
    torch.testing.assert_close(ours(single, single, single)[0], theirs(single, single, single)[0])
    ours_b, theirs_b = pair(8, 2, bias=False)
    torch.testing.assert_close(ours_b(x, x, x)[0], theirs_b(x, x, x)[0])
    assert ours(x, x, x, need_weights=False)[1] is None


def test_a_fully_padded_sequence_gets_zeros_where_torchs_module_gets_nan():
    ours, theirs = pair()
    x = randn(2, 3, 8)
    padding = torch.zeros(2, 3, dtype=torch.bool)
    padding[0] = True
    out, weights = ours(x, x, x, key_padding_mask=padding)
    ref, _ = theirs(x, x, x, key_padding_mask=padding)
    assert torch.equal(out[0], ours.out_proj.bias.detach().expand(3, 8)) and (weights[0] == 0).all()
    torch.testing.assert_close(out[1], ref[1])


def test_the_parameter_count_is_4e2_plus_4e_whatever_the_heads():
    for heads in (1, 2, 4, 8):
        assert sum(p.numel() for p in MultiheadAttention(64, heads).parameters()) == 4 * 64**2 + 4 * 64


@pytest.mark.parametrize("call, message", [
    (lambda: MultiheadAttention(10, 3), "must divide"),
    (lambda: MultiheadAttention(8, 2, batch_first=1), "batch_first"),
    (lambda: MultiheadAttention(8, 2)(randn(2, 3, 7).float(), randn(2, 3, 7).float(), randn(2, 3, 7).float()), "embed_dim"),
    (lambda: MultiheadAttention(8, 2)(randn(2, 3, 8).float(), randn(3, 8).float(), randn(3, 8).float()), "all be batched"),
    (lambda: MultiheadAttention(8, 2)(randn(2, 3, 8).float(), randn(2, 4, 8).float(), randn(2, 5, 8).float()), "same batch and length"),
    (lambda: MultiheadAttention(8, 2)(*[randn(2, 3, 8)] * 3), "dtype"),
    (lambda: MultiheadAttention(8, 2)(*[randn(2, 3, 8).float()] * 3, key_padding_mask=torch.zeros(3, 2, dtype=torch.bool)), "key_padding_mask"),
    (lambda: MultiheadAttention(8, 2)(*[randn(2, 3, 8).float()] * 3, attn_mask=torch.zeros(3, 3, dtype=torch.long)), "attn_mask"),
])
def test_multihead_attention_refuses_bad_input_by_name(call, message):
    with pytest.raises((ValueError, TypeError), match=message):
        call()


def test_without_positions_self_attention_is_permutation_equivariant():
    layer = MultiheadAttention(8, 2).double()
    x, order = randn(1, 6, 8), torch.randperm(6, generator=torch.Generator().manual_seed(1))
    torch.testing.assert_close(layer(x[:, order], x[:, order], x[:, order])[0], layer(x, x, x)[0][:, order])


# -- positions -----------------------------------------------------------------------------------


def test_sinusoidal_positions_follow_the_formula():
    table = sequences.sinusoidal_positions(50, 16, dtype=torch.float64)
    t, i = 37, 3
    assert table[t, 2 * i].item() == pytest.approx(math.sin(t / 10000 ** (2 * i / 16)), abs=1e-14)
    assert table[t, 2 * i + 1].item() == pytest.approx(math.cos(t / 10000 ** (2 * i / 16)), abs=1e-14)
    assert table.dtype == torch.float64 and sequences.sinusoidal_positions(3, 4).dtype == torch.get_default_dtype()


def test_a_fixed_offset_is_a_rotation_of_the_sinusoidal_code():
    """P[t + k] is a linear function of P[t], the same for every t: what lets attention find relative positions."""
    table = sequences.sinusoidal_positions(40, 8, dtype=torch.float64)
    shift = torch.linalg.lstsq(table[:30], table[5:35]).solution
    torch.testing.assert_close(table[:30] @ shift, table[5:35], atol=1e-9, rtol=0)


def reference_rope(x, positions, base=10000.0):
    """Meta's LLaMA code: pairs as complex numbers, multiplied by e^{i t ω}."""
    dim = x.shape[-1]
    freqs = 1.0 / base ** (torch.arange(0, dim, 2, dtype=torch.float64) / dim)
    rotation = torch.polar(torch.ones(len(positions), dim // 2, dtype=torch.float64), torch.outer(positions.double(), freqs))
    pairs = torch.view_as_complex(x.double().reshape(*x.shape[:-1], dim // 2, 2).contiguous())
    return torch.view_as_real(pairs * rotation).flatten(-2).to(x.dtype)


@pytest.mark.parametrize("dtype", DTYPES)
def test_rope_equals_the_complex_rotation_of_llama(dtype):
    x = randn(2, 3, 7, 16, dtype=dtype)
    torch.testing.assert_close(rotary_embedding(x), reference_rope(x, torch.arange(7)), **TOLERANCE[dtype])
    positions = torch.tensor([4, 9, 11, 12, 20, 21, 30])
    torch.testing.assert_close(rotary_embedding(x, positions), reference_rope(x, positions), **TOLERANCE[dtype])


@given(m=st.integers(0, 500), n=st.integers(0, 500), shift=st.integers(0, 500), seed=st.integers(0, 2**16))
def test_rope_scores_depend_only_on_the_relative_position(m, n, shift, seed):
    q, k = randn(1, 32, seed=seed), randn(1, 32, seed=seed + 1)

    def score(a, b):
        return (rotary_embedding(q, torch.tensor([a])) * rotary_embedding(k, torch.tensor([b]))).sum().item()

    assert score(m, n) == pytest.approx(score(m + shift, n + shift), rel=1e-9, abs=1e-9)


def test_rope_keeps_lengths_and_its_gradient_is_the_inverse_rotation():
    x = randn(5, 8).requires_grad_(True)
    y = rotary_embedding(x)
    torch.testing.assert_close(y.norm(dim=-1), x.norm(dim=-1))
    upstream = randn(5, 8, seed=3)
    (grad,) = torch.autograd.grad((y * upstream).sum(), x)
    torch.testing.assert_close(grad, rotary_embedding(upstream, -torch.arange(5)))


@pytest.mark.parametrize("call, message", [
    (lambda: sequences.sinusoidal_positions(5, 7), "even"),
    (lambda: sequences.sinusoidal_positions(-1, 8), "length"),
    (lambda: rotary_embedding(randn(4, 7)), "even"),
    (lambda: rotary_embedding(randn(8)), "x must be"),
    (lambda: rotary_embedding(randn(4, 8), torch.arange(3)), "positions"),
    (lambda: rotary_embedding(randn(4, 8), base=0.0), "base"),
])
def test_positions_refuse_bad_input_by_name(call, message):
    with pytest.raises((ValueError, TypeError), match=message):
        call()
