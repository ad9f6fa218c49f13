"""dlcore.conv's functions against torch.nn.functional: values and gradients, float32 and float64,
random configurations (hypothesis) and the edges."""

import math
import warnings

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

from dlcore import conv

DTYPES = [torch.float64, torch.float32]
TOLERANCE = {torch.float64: dict(rtol=1e-10, atol=1e-12), torch.float32: dict(rtol=1e-4, atol=1e-5)}


def randn(*shape, dtype=torch.float64, seed=0):
    return torch.randn(shape, generator=torch.Generator().manual_seed(seed), dtype=dtype)


def values_and_grads(fn, *tensors, seed=1, **kwargs):
    """fn(*tensors, **kwargs) and the gradients of a random projection of it with respect to every tensor."""
    leaves = [t.detach().clone().requires_grad_(True) if t is not None else None for t in tensors]
    out = fn(*leaves, **kwargs)
    upstream = randn(*out.shape, dtype=out.dtype, seed=seed)
    grads = torch.autograd.grad((out * upstream).sum(), [t for t in leaves if t is not None])
    return out.detach(), grads


def assert_same(ours, theirs, dtype):
    (out, grads), (ref, ref_grads) = ours, theirs
    torch.testing.assert_close(out, ref, **TOLERANCE[dtype])
    for g, r in zip(grads, ref_grads):
        torch.testing.assert_close(g, r, **TOLERANCE[dtype])


# -- the output-size formula ----------------------------------------------------------------


@given(size=st.integers(1, 40), kernel=st.integers(1, 7), stride=st.integers(1, 4), padding=st.integers(0, 3),
       dilation=st.integers(1, 3))
@settings(max_examples=200, deadline=None)
def test_output_size_is_the_length_torch_produces(size, kernel, stride, padding, dilation):
    x = torch.zeros(1, 1, size)
    if dilation * (kernel - 1) + 1 > size + 2 * padding:
        with pytest.raises(ValueError, match="does not fit"):
            conv.conv_output_size(size, kernel, stride, padding, dilation)
        return
    expected = F.conv1d(x, torch.zeros(1, 1, kernel), stride=stride, padding=padding, dilation=dilation).shape[-1]
    assert conv.conv_output_size(size, kernel, stride, padding, dilation) == expected


def test_output_size_by_hand():
    assert conv.conv_output_size(32, 5) == 28
    assert conv.conv_output_size(32, 3, stride=2, padding=1) == 16
    assert conv.conv_output_size(7, 3, dilation=3) == 1


# -- convolution ---------------------------------------------------------------------------


configurations = st.fixed_dictionaries({
    "groups": st.sampled_from([1, 2]), "kernel": st.tuples(st.integers(1, 4), st.integers(1, 4)),
    "stride": st.tuples(st.integers(1, 3), st.integers(1, 3)), "padding": st.tuples(st.integers(0, 2), st.integers(0, 2)),
    "dilation": st.tuples(st.integers(1, 2), st.integers(1, 2)), "bias": st.booleans(), "batched": st.booleans(),
    "seed": st.integers(0, 10**6),
})


@pytest.mark.parametrize("form", [conv.conv2d, conv.conv2d_by_offsets], ids=["im2col", "by_offsets"])
@given(c=configurations)
@settings(max_examples=60, deadline=None)
def test_both_forms_equal_torch_values_and_gradients(form, c):
    g = c["groups"]
    shape = (2, 2 * g, 9, 8) if c["batched"] else (2 * g, 9, 8)
    x, w = randn(*shape, seed=c["seed"]), randn(3 * g, 2, *c["kernel"], seed=c["seed"] + 1)
    b = randn(3 * g, seed=c["seed"] + 2) if c["bias"] else None
    kwargs = dict(stride=c["stride"], padding=c["padding"], dilation=c["dilation"], groups=g)
    assert_same(values_and_grads(form, x, w, b, **kwargs), values_and_grads(F.conv2d, x, w, b, **kwargs), torch.float64)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("padding", ["same", "valid"])
@pytest.mark.parametrize("kernel, dilation", [((3, 3), 1), ((2, 4), 1), ((3, 2), 2)])
def test_string_padding_equals_torch(dtype, padding, kernel, dilation):
    x, w = randn(2, 3, 7, 6, dtype=dtype), randn(4, 3, *kernel, dtype=dtype, seed=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch warns, once, that an even "same" kernel costs it a padded copy
        ours = values_and_grads(conv.conv2d, x, w, None, padding=padding, dilation=dilation)
        theirs = values_and_grads(F.conv2d, x, w, None, padding=padding, dilation=dilation)
    if padding == "same":
        assert ours[0].shape[-2:] == x.shape[-2:]
    assert_same(ours, theirs, dtype)


def test_same_padding_needs_stride_one():
    with pytest.raises(ValueError, match="stride 1"):
        conv.conv2d(randn(1, 1, 5, 5), randn(1, 1, 3, 3), padding="same", stride=2)


@pytest.mark.parametrize("dtype", DTYPES)
def test_conv1d_is_conv2d_one_row_high(dtype):
    x, w, b = randn(3, 4, 20, dtype=dtype), randn(6, 2, 3, dtype=dtype, seed=1), randn(6, dtype=dtype, seed=2)
    for kwargs in (dict(groups=2), dict(stride=2, padding=1, dilation=2, groups=2), dict(padding="same", groups=2)):
        assert_same(values_and_grads(conv.conv1d, x, w, b, **kwargs), values_and_grads(F.conv1d, x, w, b, **kwargs), dtype)
    torch.testing.assert_close(conv.conv1d(x[0], w[:, :2].repeat(1, 2, 1)), F.conv1d(x[0], w[:, :2].repeat(1, 2, 1)),
                               **TOLERANCE[dtype])


def test_a_hand_computed_convolution():
    x = torch.arange(16.0).reshape(1, 1, 4, 4)
    w = torch.tensor([[[[1.0, 0.0], [0.0, -1.0]]]])  # x[u, v] - x[u + 1, v + 1]
    assert torch.equal(conv.conv2d(x, w), torch.full((1, 1, 3, 3), -5.0))


def test_one_by_one_convolution_mixes_channels_only():
    x, w = randn(2, 5, 4, 4), randn(3, 5, 1, 1, seed=1)
    expected = torch.einsum("oc,nchw->nohw", w[:, :, 0, 0], x)
    torch.testing.assert_close(conv.conv2d(x, w), expected)


@pytest.mark.parametrize("dtype", DTYPES)
def test_huge_inputs_stay_finite_as_in_torch(dtype):
    x, w = randn(1, 2, 6, 6, dtype=dtype) * 1e15, randn(3, 2, 3, 3, dtype=dtype, seed=1)
    torch.testing.assert_close(conv.conv2d(x, w), F.conv2d(x, w), rtol=1e-4 if dtype == torch.float32 else 1e-10, atol=0)


def test_nan_reaches_exactly_the_windows_that_see_it():
    x = randn(1, 1, 6, 6)
    x[0, 0, 2, 3] = math.nan
    ours, theirs = conv.conv2d(x, randn(1, 1, 3, 3, seed=1)), F.conv2d(x, randn(1, 1, 3, 3, seed=1))
    assert torch.equal(ours.isnan(), theirs.isnan()) and ours.isnan().sum() == 9


def test_an_empty_batch_gives_an_empty_output():
    assert conv.conv2d(randn(0, 2, 5, 5), randn(3, 2, 3, 3)).shape == F.conv2d(randn(0, 2, 5, 5), randn(3, 2, 3, 3)).shape


@pytest.mark.parametrize("call, message", [
    (lambda: conv.conv2d(randn(1, 3, 5, 5), randn(2, 2, 3, 3)), "groups"),
    (lambda: conv.conv2d(randn(1, 4, 5, 5), randn(3, 2, 3, 3), groups=2), "groups"),
    (lambda: conv.conv2d(randn(1, 2, 2, 2), randn(1, 2, 3, 3)), "does not fit"),
    (lambda: conv.conv2d(randn(5, 5), randn(1, 1, 3, 3)), "input must be"),
    (lambda: conv.conv2d(randn(1, 1, 5, 5), randn(1, 1, 3)), "weight must be"),
    (lambda: conv.conv2d(randn(1, 1, 5, 5), randn(1, 1, 3, 3), randn(2)), "bias must be"),
    (lambda: conv.conv2d(randn(1, 1, 5, 5), randn(1, 1, 3, 3), padding="full"), "padding must be one of"),
    (lambda: conv.conv2d(randn(1, 1, 5, 5), randn(1, 1, 3, 3), stride=0), "stride must be >= 1"),
    (lambda: conv.conv2d(randn(1, 1, 5, 5), randn(1, 1, 3, 3), padding=(1, 2, 3)), "padding must be an integer or a pair"),
])
def test_bad_arguments_are_named(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_mixed_dtypes_are_refused_by_name():
    with pytest.raises(TypeError, match="weight must have input's dtype"):
        conv.conv2d(randn(1, 1, 5, 5), randn(1, 1, 3, 3, dtype=torch.float32))


# -- im2col and col2im ----------------------------------------------------------------------


@given(c=configurations)
@settings(max_examples=40, deadline=None)
def test_im2col_is_unfold_and_col2im_is_fold(c):
    x = randn(2, 3, 9, 8, seed=c["seed"])
    kwargs = dict(kernel_size=c["kernel"], dilation=c["dilation"], padding=c["padding"], stride=c["stride"])
    assert_same(values_and_grads(conv.im2col, x, **kwargs), values_and_grads(F.unfold, x, **kwargs), torch.float64)
    columns = randn(*F.unfold(x, **kwargs).shape, seed=c["seed"] + 1)
    assert_same(values_and_grads(conv.col2im, columns, output_size=(9, 8), **kwargs),
                values_and_grads(F.fold, columns, output_size=(9, 8), **kwargs), torch.float64)


def test_col2im_is_the_adjoint_of_im2col():
    """<im2col(x), c> = <x, col2im(c)> for every x and c: the definition of the adjoint."""
    x = randn(2, 3, 7, 7)
    columns = randn(*conv.im2col(x, 3, 2, 1, 2).shape, seed=1)
    left = (conv.im2col(x, 3, 2, 1, 2) * columns).sum()
    right = (x * conv.col2im(columns, (7, 7), 3, 2, 1, 2)).sum()
    torch.testing.assert_close(left, right)


def test_col2im_refuses_columns_of_the_wrong_shape():
    with pytest.raises(ValueError, match="input must be"):
        conv.col2im(randn(1, 10, 4), (4, 4), 3)


# -- the backward pass ---------------------------------------------------------------------


@pytest.mark.parametrize("dtype", DTYPES)
@given(c=configurations)
@settings(max_examples=40, deadline=None)
def test_transposed_convolution_is_torchs_and_the_input_gradient(dtype, c):
    g = c["groups"]
    x, w = randn(2, 2 * g, 9, 8, dtype=dtype, seed=c["seed"]), randn(3 * g, 2, *c["kernel"], dtype=dtype, seed=c["seed"] + 1)
    kwargs = dict(stride=c["stride"], padding=c["padding"], dilation=c["dilation"], groups=g)
    out = F.conv2d(x, w, **kwargs)
    grad_output = randn(*out.shape, dtype=dtype, seed=c["seed"] + 2)
    # conv_transpose2d maps conv2d's output shape back to its input's: output_padding picks among the sizes that do.
    extra = tuple((x.shape[2 + a] + 2 * c["padding"][a] - c["dilation"][a] * (c["kernel"][a] - 1) - 1) % c["stride"][a] for a in range(2))
    ours = conv.conv_transpose2d(grad_output, w, None, output_padding=extra, **kwargs)
    torch.testing.assert_close(ours, F.conv_transpose2d(grad_output, w, None, output_padding=extra, **kwargs), **TOLERANCE[dtype])
    torch.testing.assert_close(ours, torch.nn.grad.conv2d_input(x.shape, w, grad_output, **kwargs), **TOLERANCE[dtype])
    weight_grad = conv.conv2d_weight_grad(x, w.shape, grad_output, **kwargs)
    torch.testing.assert_close(weight_grad, torch.nn.grad.conv2d_weight(x, w.shape, grad_output, **kwargs), **TOLERANCE[dtype])


def test_transposed_convolution_has_its_own_gradient_right():
    x, w, b = randn(2, 4, 5, 5), randn(4, 3, 3, 3, seed=1), randn(3, seed=2)
    kwargs = dict(stride=2, padding=1, output_padding=1)
    assert_same(values_and_grads(conv.conv_transpose2d, x, w, b, **kwargs),
                values_and_grads(F.conv_transpose2d, x, w, b, **kwargs), torch.float64)


def test_transposed_convolution_refuses_a_too_large_output_padding():
    with pytest.raises(ValueError, match="output_padding"):
        conv.conv_transpose2d(randn(1, 1, 3, 3), randn(1, 1, 3, 3), output_padding=1)


def test_weight_gradient_refuses_a_grad_output_of_the_wrong_shape():
    with pytest.raises(ValueError, match="grad_output"):
        conv.conv2d_weight_grad(randn(1, 1, 5, 5), (1, 1, 3, 3), randn(1, 1, 2, 2))


# -- pooling -----------------------------------------------------------------------------------


pools = st.fixed_dictionaries({
    "kernel": st.tuples(st.integers(1, 4), st.integers(1, 4)), "stride": st.one_of(st.none(), st.integers(1, 3)),
    "pad": st.booleans(), "dilation": st.integers(1, 2), "batched": st.booleans(), "seed": st.integers(0, 10**6),
    "round": st.booleans(),
})


@pytest.mark.parametrize("dtype", DTYPES)
@given(p=pools)
@settings(max_examples=50, deadline=None)
def test_max_pool_equals_torch_with_indices_and_gradients(dtype, p):
    x = randn(*((2, 3, 9, 8) if p["batched"] else (3, 9, 8)), dtype=dtype, seed=p["seed"])
    if p["round"]:  # many ties: the gradient must go where torch sends it, to the first maximum
        x = (x * 2).round()
    padding = tuple(k // 2 for k in p["kernel"]) if p["pad"] else 0
    kwargs = dict(kernel_size=p["kernel"], stride=p["stride"], padding=padding, dilation=p["dilation"])
    assert_same(values_and_grads(conv.max_pool2d, x, **kwargs), values_and_grads(F.max_pool2d, x, **kwargs), dtype)
    assert torch.equal(conv.max_pool2d(x, return_indices=True, **kwargs)[1], F.max_pool2d(x, return_indices=True, **kwargs)[1])


def test_max_pool_routes_the_whole_gradient_to_one_entry_among_ties():
    x = torch.zeros(1, 1, 2, 2, requires_grad=True)
    conv.max_pool2d(x, 2).sum().backward()
    assert x.grad.flatten().tolist() == [1.0, 0.0, 0.0, 0.0]


def test_max_pool_propagates_nan_as_torch_does():
    x = randn(1, 1, 4, 4)
    x[0, 0, 1, 2] = math.nan
    ours, indices = conv.max_pool2d(x, 2, return_indices=True)
    theirs, their_indices = F.max_pool2d(x, 2, return_indices=True)
    assert torch.equal(ours.isnan(), theirs.isnan()) and torch.equal(indices, their_indices)


@pytest.mark.parametrize("dtype", DTYPES)
@given(p=pools, include=st.booleans())
@settings(max_examples=50, deadline=None)
def test_average_pool_equals_torch(dtype, p, include):
    x = randn(*((2, 3, 9, 8) if p["batched"] else (3, 9, 8)), dtype=dtype, seed=p["seed"])
    padding = tuple(k // 2 for k in p["kernel"]) if p["pad"] else 0
    kwargs = dict(kernel_size=p["kernel"], stride=p["stride"], padding=padding, count_include_pad=include)
    assert_same(values_and_grads(conv.avg_pool2d, x, **kwargs), values_and_grads(F.avg_pool2d, x, **kwargs), dtype)


def test_pooling_refuses_padding_beyond_half_the_kernel():
    with pytest.raises(ValueError, match="padding must be at most half"):
        conv.max_pool2d(randn(1, 1, 6, 6), 2, padding=2)


@pytest.mark.parametrize("dtype", DTYPES)
@given(rows=st.integers(1, 12), cols=st.integers(1, 12), out_rows=st.one_of(st.none(), st.integers(1, 12)),
       out_cols=st.integers(1, 12), seed=st.integers(0, 10**6))
@settings(max_examples=60, deadline=None)
def test_adaptive_average_pool_equals_torch(dtype, rows, cols, out_rows, out_cols, seed):
    x = randn(2, 3, rows, cols, dtype=dtype, seed=seed)
    size = (out_rows, out_cols)
    assert_same(values_and_grads(conv.adaptive_avg_pool2d, x, output_size=size),
                values_and_grads(F.adaptive_avg_pool2d, x, output_size=size), dtype)


def test_global_average_pooling_is_the_mean_of_each_channel():
    x = randn(2, 5, 7, 3)
    torch.testing.assert_close(conv.adaptive_avg_pool2d(x, 1)[..., 0, 0], x.mean(dim=(2, 3)))


def test_adaptive_pool_keeps_nan_in_its_bins():
    x = randn(1, 1, 6, 6)
    x[0, 0, 0, 5] = math.nan
    assert torch.equal(conv.adaptive_avg_pool2d(x, 3).isnan(), F.adaptive_avg_pool2d(x, 3).isnan())


# -- the receptive field -------------------------------------------------------------------


@given(layers=st.lists(st.tuples(st.integers(1, 5), st.integers(1, 3), st.integers(1, 3)), min_size=1, max_size=4))
@settings(max_examples=60, deadline=None)
def test_receptive_field_is_where_one_output_pixels_gradient_reaches(layers):
    """The input pixels one output pixel depends on are those where its gradient is not zero
    (all weights one, so nothing cancels)."""
    field = conv.receptive_field(layers)
    size = field.size + field.jump * 3 + 2
    x = torch.ones(1, 1, 1, size, dtype=torch.float64, requires_grad=True)
    out = x
    for kernel, stride, dilation in layers:
        if dilation * (kernel - 1) + 1 > out.shape[-1]:
            return
        out = F.conv2d(out, torch.ones(1, 1, 1, kernel, dtype=torch.float64), stride=(1, stride), dilation=(1, dilation))
    out[0, 0, 0, out.shape[-1] // 2].backward()
    reached = x.grad[0, 0, 0].nonzero().flatten()
    assert reached.max() - reached.min() + 1 == field.size
    if out.shape[-1] > 1:  # the next output pixel's field starts `jump` pixels further on
        x.grad = None
        out = x
        for kernel, stride, dilation in layers:
            out = F.conv2d(out, torch.ones(1, 1, 1, kernel, dtype=torch.float64), stride=(1, stride), dilation=(1, dilation))
        out[0, 0, 0, out.shape[-1] // 2 - 1].backward()
        assert reached.min() - x.grad[0, 0, 0].nonzero().flatten().min() == field.jump


def test_receptive_field_by_hand():
    assert conv.receptive_field([(3, 1)] * 2) == (5, 1)  # two 3×3 layers see 5×5, as one 5×5 does
    assert conv.receptive_field([(3, 1, 1), (3, 1, 2), (3, 1, 4)]) == (15, 1)  # dilations 1, 2, 4 grow it exponentially
    assert conv.receptive_field([]) == (1, 1)


@pytest.mark.parametrize("layers", [[(3,)], [(3, 1, 1, 1)], [(0, 1)], [("3", 1)], "33"])
def test_receptive_field_refuses_malformed_layers(layers):
    with pytest.raises((ValueError, TypeError), match="layers"):
        conv.receptive_field(layers)
