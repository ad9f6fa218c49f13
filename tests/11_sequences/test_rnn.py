"""dlcore.sequences.rnn against torch: the cells and the layers from the same state dict, values and
gradients, float32 and float64; the gates and the gradient through time."""

import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from dlcore.sequences import rnn

DTYPES = [torch.float64, torch.float32]
TOLERANCE = {torch.float64: dict(rtol=1e-10, atol=1e-12), torch.float32: dict(rtol=1e-4, atol=1e-5)}
CELLS = {"RNN": (rnn.rnn_cell, torch.nn.RNNCell, 1), "LSTM": (rnn.lstm_cell, torch.nn.LSTMCell, 4), "GRU": (rnn.gru_cell, torch.nn.GRUCell, 3)}
LAYERS = {"RNN": (rnn.RNN, torch.nn.RNN), "LSTM": (rnn.LSTM, torch.nn.LSTM), "GRU": (rnn.GRU, torch.nn.GRU)}


def randn(*shape, dtype=torch.float64, seed=0):
    return torch.randn(shape, generator=torch.Generator().manual_seed(seed), dtype=dtype)


def flat(state):
    return torch.cat([s.flatten() for s in state]) if isinstance(state, tuple) else state


@pytest.mark.parametrize("kind", CELLS)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("batched", [True, False])
@pytest.mark.parametrize("bias", [True, False])
def test_cells_equal_torchs_values_and_gradients(kind, dtype, batched, bias):
    ours, Theirs, _ = CELLS[kind]
    torch.manual_seed(0)
    cell = Theirs(5, 4, bias=bias).to(dtype)
    x = randn(*((3,) if batched else ()), 5, dtype=dtype)
    h = randn(*((3,) if batched else ()), 4, dtype=dtype, seed=1)
    state = (h, randn(*h.shape, dtype=dtype, seed=2)) if kind == "LSTM" else h
    leaves = [x.requires_grad_(True), *([s.requires_grad_(True) for s in state] if kind == "LSTM" else [state.requires_grad_(True)])]
    weights = [cell.weight_ih, cell.weight_hh, cell.bias_ih, cell.bias_hh]
    theirs = cell(x, state)
    mine = ours(x, state, *weights)
    torch.testing.assert_close(flat(mine), flat(theirs), **TOLERANCE[dtype])
    upstream = randn(*flat(theirs).shape, dtype=dtype, seed=3)
    params = [w for w in weights if w is not None]
    g_ours = torch.autograd.grad((flat(mine) * upstream).sum(), leaves + params)
    g_theirs = torch.autograd.grad((flat(theirs) * upstream).sum(), leaves + params)
    for a, b in zip(g_ours, g_theirs):
        torch.testing.assert_close(a, b, **TOLERANCE[dtype])


def test_the_relu_rnn_cell_equals_torchs():
    torch.manual_seed(0)
    cell = torch.nn.RNNCell(3, 4, nonlinearity="relu").double()
    x, h = randn(2, 3), randn(2, 4, seed=1)
    torch.testing.assert_close(rnn.rnn_cell(x, h, cell.weight_ih, cell.weight_hh, cell.bias_ih, cell.bias_hh, "relu"), cell(x, h))


def test_the_lstm_cell_is_its_gates_combined():
    x, h, c = randn(2, 3), randn(2, 4, seed=1), randn(2, 4, seed=2)
    w_ih, w_hh, b = randn(16, 3, seed=3), randn(16, 4, seed=4), randn(16, seed=5)
    gates = rnn.lstm_gates(x, (h, c), w_ih, w_hh, b, b)
    h_new, c_new = rnn.lstm_cell(x, (h, c), w_ih, w_hh, b, b)
    torch.testing.assert_close(c_new, gates.forget * c + gates.input * gates.cell)
    torch.testing.assert_close(h_new, gates.output * torch.tanh(c_new))
    assert all(((g > 0) & (g < 1)).all() for g in (gates.input, gates.forget, gates.output))


def pair(kind, dtype=torch.float64, **kwargs):
    Ours, Theirs = LAYERS[kind]
    torch.manual_seed(7)
    ours = Ours(3, 5, **kwargs).to(dtype)
    torch.manual_seed(7)
    theirs = Theirs(3, 5, **kwargs).to(dtype)
    return ours, theirs


@pytest.mark.parametrize("kind", LAYERS)
def test_the_same_seed_draws_the_same_weights_and_state_dicts_load_both_ways(kind):
    ours, theirs = pair(kind, num_layers=2)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert all(torch.equal(a, b) for a, b in zip(ours.state_dict().values(), theirs.state_dict().values()))
    other = LAYERS[kind][1](3, 5, num_layers=2).double()
    ours.load_state_dict(other.state_dict())
    other.load_state_dict(ours.state_dict())


@given(kind=st.sampled_from(list(LAYERS)), layers=st.integers(1, 3), batch_first=st.booleans(), bias=st.booleans(),
       length=st.integers(1, 6), batch=st.integers(1, 3), with_state=st.booleans(), dtype=st.sampled_from(DTYPES),
       seed=st.integers(0, 2**16))
def test_layers_equal_torchs_outputs_final_states_and_gradients(kind, layers, batch_first, bias, length, batch, with_state, dtype, seed):
    ours, theirs = pair(kind, dtype, num_layers=layers, batch_first=batch_first, bias=bias)
    x = randn(*((batch, length) if batch_first else (length, batch)), 3, dtype=dtype, seed=seed)
    state = None
    if with_state:
        h = randn(layers, batch, 5, dtype=dtype, seed=seed + 1)
        state = (h, randn(layers, batch, 5, dtype=dtype, seed=seed + 2)) if kind == "LSTM" else h
    out, final = ours(x, state)
    ref, ref_final = theirs(x, state)
    torch.testing.assert_close(out, ref, **TOLERANCE[dtype])
    torch.testing.assert_close(flat(final), flat(ref_final), **TOLERANCE[dtype])
    (out.sum() + flat(final).sum()).backward()
    (ref.sum() + flat(ref_final).sum()).backward()
    for (name, p), q in zip(ours.named_parameters(), theirs.parameters()):
        torch.testing.assert_close(p.grad, q.grad, **TOLERANCE[dtype], msg=name)


@pytest.mark.parametrize("kind", LAYERS)
def test_an_unbatched_sequence_equals_torch(kind):
    ours, theirs = pair(kind, num_layers=2)
    x = randn(6, 3)
    out, final = ours(x)
    ref, ref_final = theirs(x)
    torch.testing.assert_close(out, ref)
    torch.testing.assert_close(flat(final), flat(ref_final))


@pytest.mark.parametrize("call, message", [
    (lambda: rnn.LSTM(3, 5)(randn(4, 2, 6).float()), "input must be"),
    (lambda: rnn.LSTM(3, 5)(randn(0, 2, 3).float()), "L >= 1"),
    (lambda: rnn.GRU(3, 5)(randn(4, 2, 3)), "dtype"),
    (lambda: rnn.GRU(3, 5)(randn(4, 2, 3).float(), randn(1, 3, 5).float()), "hx must be"),
    (lambda: rnn.LSTM(3, 5)(randn(4, 2, 3).float(), randn(1, 2, 5).float()), "pair"),
    (lambda: rnn.RNN(3, 5, nonlinearity="sigmoid"), "nonlinearity"),
    (lambda: rnn.RNN(3, 0), "hidden_size"),
    (lambda: rnn.RNN(3, 4, batch_first="yes"), "batch_first"),
    (lambda: rnn.lstm_cell(randn(2, 3), (randn(2, 4), randn(2, 4)), randn(12, 3), randn(12, 4)), "w_ih must have shape"),
    (lambda: rnn.gru_cell(randn(2, 3), randn(3, 4), randn(12, 3), randn(12, 4)), "batched alike"),
    (lambda: rnn.lstm_cell(randn(2, 3), (randn(2, 4), randn(2, 5)), randn(16, 3), randn(16, 4)), "cell state"),
    (lambda: rnn.rnn_cell(randn(2, 3), randn(2, 4), randn(4, 3).float(), randn(4, 4)), "dtype"),
])
def test_bad_input_is_refused_by_name(call, message):
    with pytest.raises((ValueError, TypeError), match=message):
        call()


# -- what the chapter measures -------------------------------------------------------------------


def test_the_gate_trace_replays_the_layer():
    for kind in ("LSTM", "GRU"):
        layer = rnn.initial_layer(kind, 4, 6, keep_bias=1.0, seed=3)
        x = randn(9, 4)
        trace = rnn.gate_trace(layer, x)
        torch.testing.assert_close(trace["h"], layer(x)[0].detach())
        assert all(v.shape == (9, 6) for v in trace.values())
    with pytest.raises(TypeError, match="LSTM or GRU"):
        rnn.gate_trace(rnn.initial_layer("RNN", 4, 6), randn(9, 4))


def test_the_keep_bias_moves_the_forget_gates_bias_only():
    plain, kept = rnn.initial_layer("LSTM", 4, 6, seed=2), rnn.initial_layer("LSTM", 4, 6, keep_bias=1.0, seed=2)
    difference = kept.bias_hh_l0 - plain.bias_hh_l0
    torch.testing.assert_close(difference, torch.cat([torch.zeros(6), torch.ones(6), torch.zeros(12)]).double())
    gru = rnn.initial_layer("GRU", 4, 6, keep_bias=2.0, seed=2) .bias_hh_l0 - rnn.initial_layer("GRU", 4, 6, seed=2).bias_hh_l0
    torch.testing.assert_close(gru, torch.cat([torch.zeros(6), 2 * torch.ones(6), torch.zeros(6)]).double())


def test_the_gradient_through_time_is_autograds_jacobian_norm():
    layer = rnn.initial_layer("GRU", 3, 5, seed=1)
    x = randn(7, 3)
    by_hand = torch.stack([torch.autograd.functional.jacobian(lambda s: layer(s)[0][-1].sum(), x)[t].norm() for t in range(7)])
    torch.testing.assert_close(rnn.gradient_through_time(layer, x), by_hand)
    batched = rnn.gradient_through_time(rnn.initial_layer("GRU", 3, 5, seed=1), x[:, None].expand(7, 2, 3))
    torch.testing.assert_close(batched, by_hand)


def test_an_open_forget_gate_carries_the_gradient_further_than_a_plain_rnn():
    x = randn(60, 4)
    reach = {bias: rnn.gradient_through_time(rnn.initial_layer("LSTM", 4, 16, keep_bias=bias), x) for bias in (0.0, 3.0)}
    plain = rnn.gradient_through_time(rnn.initial_layer("RNN", 4, 16), x)
    ratio = {name: g[0] / g[-1] for name, g in (("rnn", plain), *reach.items())}
    assert ratio[3.0] > 1e6 * ratio[0.0] and ratio[3.0] > 1e6 * ratio["rnn"]


def test_the_recurrent_tagger_gives_a_logit_per_position():
    model = rnn.RecurrentTagger(11, 8, 12, kind="GRU")
    assert model(torch.randint(0, 11, (3, 5))).shape == (3, 5, 11)
    with pytest.raises(TypeError, match="tokens"):
        model(torch.zeros(3, 5))
