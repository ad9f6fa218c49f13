"""dlcore.optim.memory: the calculator against the bytes of the real tensors of a training step."""

import pytest
import torch

from dlcore import optim
from dlcore.optim import memory


def mlp(widths):
    layers = []
    for a, b in zip(widths[:-1], widths[1:]):
        layers += [torch.nn.Linear(a, b), torch.nn.ReLU()]
    return torch.nn.Sequential(*layers[:-1])


@pytest.mark.parametrize("widths, batch", [([64, 256, 256, 10], 128), ([10, 3], 1), ([32, 100, 50, 20, 5], 7)])
@pytest.mark.parametrize("make, kind", [
    (lambda p: torch.optim.AdamW(p), "adamw"), (lambda p: optim.AdamW(p), "adamw"), (lambda p: optim.Adam(p), "adam"),
    (lambda p: torch.optim.SGD(p, lr=0.1), "sgd"), (lambda p: optim.SGD(p, momentum=0.9), "sgd_momentum"),
    (lambda p: optim.RMSprop(p), "rmsprop"), (lambda p: torch.optim.Adagrad(p), "adagrad"),
])
def test_the_calculator_predicts_the_real_tensors_of_a_training_step(widths, batch, make, kind):
    torch.manual_seed(0)
    model = mlp(widths)
    X = torch.randn(batch, widths[0])
    measured = memory.measure_training_memory(model, make(model.parameters()), lambda: model(X).square().mean())
    n = sum(p.numel() for p in model.parameters())
    predicted = memory.training_memory(n, kind, 4, memory.mlp_saved_activations(batch, widths))
    for part in ("parameters", "gradients", "optimizer_state"):
        assert measured[part] == predicted[part], part
    # the squared loss also keeps the network's output, batch × widths[-1] numbers
    assert measured["activations"] == predicted["activations"] + batch * widths[-1] * 4
    assert measured["total"] == sum(v for k, v in measured.items() if k != "total")


def test_saved_activations_of_the_network_alone_match_the_formula_exactly():
    widths, batch = [20, 64, 64, 3], 16
    model = mlp(widths)
    saved = memory.saved_activation_bytes(lambda: model(torch.randn(batch, 20)), exclude=list(model.parameters()))
    assert saved == memory.mlp_saved_activations(batch, widths) * 4
    with torch.no_grad():
        assert memory.saved_activation_bytes(lambda: model(torch.randn(batch, 20))) == 0  # inference saves nothing


def test_a_seven_billion_parameter_model_needs_112_gb_before_activations():
    parts = memory.training_memory(7_000_000_000, "adamw", 4)
    assert parts["total"] == 16 * 7_000_000_000
    assert memory.training_memory(10, "sgd")["optimizer_state"] == 0


@pytest.mark.parametrize("call, error, message", [
    (lambda: memory.training_memory(-1), ValueError, "n_parameters must be >= 0"),
    (lambda: memory.training_memory(10.5), TypeError, "n_parameters must be an integer"),
    (lambda: memory.training_memory(10, "lion"), ValueError, "optimizer must be one of"),
    (lambda: memory.training_memory(10, bytes_per_value=0), ValueError, "bytes_per_value must be >= 1"),
    (lambda: memory.mlp_saved_activations(0, [3, 2]), ValueError, "batch_size must be >= 1"),
    (lambda: memory.mlp_saved_activations(4, [3]), ValueError, "widths must list at least"),
])
def test_bad_arguments_are_refused_with_their_name(call, error, message):
    with pytest.raises(error, match=message):
        call()
