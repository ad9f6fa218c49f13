"""dlcore.train: fit equals the hand-written loop it replaces, step for step; mlp equals the
layers written out; accuracy_of; and utils.timed."""

import copy

import pytest
import torch
import torch.nn.functional as F

from dlcore import regularization, train, utils


def _data(n=200, d=4, seed=0):
    generator = torch.Generator().manual_seed(seed)
    X = torch.randn(n, d, generator=generator, dtype=torch.float64)
    return X, (X[:, 0] + X[:, 1] > 0).long()


def _by_hand(model, X, y, epochs, batch_size, lr, seed=0, shuffle=True, drop_last=False):
    """The loop the chapters used to write out, to the letter."""
    opt = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9)
    order = torch.Generator().manual_seed(seed)
    step_losses = []
    for _ in range(epochs):
        rows = torch.randperm(len(X), generator=order) if shuffle else torch.arange(len(X))
        batches = rows.split(batch_size)
        for batch in batches[:-1] if drop_last and len(batches[-1]) < batch_size else batches:
            opt.zero_grad()
            loss = F.cross_entropy(model(X[batch]), y[batch])
            loss.backward()
            opt.step()
            step_losses.append(loss.item())
    return step_losses


@pytest.mark.parametrize("shuffle, drop_last", [(True, False), (True, True), (False, False), (False, True)])
def test_fit_is_the_hand_written_loop_bit_for_bit(shuffle, drop_last):
    X, y = _data(n=70)
    torch.manual_seed(0)
    model = torch.nn.Linear(4, 2).double()
    twin = copy.deepcopy(model)
    expected = _by_hand(twin, X, y, epochs=3, batch_size=16, lr=0.1, seed=5, shuffle=shuffle, drop_last=drop_last)
    history = train.fit(model, X, y, F.cross_entropy, epochs=3, batch_size=16, seed=5, shuffle=shuffle,
                        drop_last=drop_last, optimizer=lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9))
    assert history["step_loss"] == expected
    assert len(expected) == 3 * (4 if drop_last else 5)
    for ours, theirs in zip(model.parameters(), twin.parameters()):
        assert torch.equal(ours, theirs)
    assert len(history["loss"]) == len(history["seconds"]) == 3


def test_the_epoch_loss_is_the_row_weighted_mean_of_its_steps():
    X, y = _data(n=50)
    history = train.fit(torch.nn.Linear(4, 2).double(), X, y, F.cross_entropy, epochs=2, batch_size=20)
    steps = history["step_loss"]
    assert history["loss"][0] == pytest.approx((20 * steps[0] + 20 * steps[1] + 10 * steps[2]) / 50, rel=1e-12)


def test_full_batches_in_order_are_plain_gradient_descent():
    X, y = _data()
    torch.manual_seed(1)
    model = torch.nn.Linear(4, 2).double()
    w, b = model.weight.detach().clone().requires_grad_(True), model.bias.detach().clone().requires_grad_(True)
    train.fit(model, X, y, F.cross_entropy, epochs=25, batch_size=len(X), shuffle=False,
              optimizer=lambda p: torch.optim.SGD(p, lr=0.5))
    for _ in range(25):
        loss = F.cross_entropy(X @ w.T + b, y)
        gw, gb = torch.autograd.grad(loss, (w, b))
        w, b = (w - 0.5 * gw).detach().requires_grad_(True), (b - 0.5 * gb).detach().requires_grad_(True)
    torch.testing.assert_close(model.weight, w, rtol=0, atol=1e-14)
    torch.testing.assert_close(model.bias, b, rtol=0, atol=1e-14)


def test_evaluate_joins_the_history_in_eval_mode_without_gradients():
    X, y = _data()
    model = train.mlp(4, 8, 2, dropout=0.5).double()
    seen = []

    def evaluate(m):
        seen.append((m.training, torch.is_grad_enabled()))
        return {"val_accuracy": train.accuracy_of(m, X, y), "twice": 2}

    history = train.fit(model, X, y, F.cross_entropy, epochs=4, lr=0.01, evaluate=evaluate)
    assert seen == [(False, False)] * 4 and model.training
    assert history["twice"] == [2.0] * 4 and len(history["val_accuracy"]) == 4
    with pytest.raises(TypeError, match="evaluate must return a dict of named numbers"):
        train.fit(model, X, y, F.cross_entropy, epochs=1, evaluate=lambda m: 0.5)


def test_early_stopping_stops_after_patience_and_restores_the_best_weights():
    X, y = _data(n=400)
    torch.manual_seed(0)
    model = torch.nn.Linear(4, 2).double()
    # A score that peaks at epoch 2 and then only falls: stop after 3 more, keep epoch 2's weights.
    scores = iter([0.1, 0.2, 0.9, 0.5, 0.4, 0.3, 0.2, 0.1])
    weights = []

    def evaluate(m):
        weights.append(m.weight.detach().clone())
        return {"score": next(scores)}

    stopper = regularization.EarlyStopping(patience=3, mode="max")
    history = train.fit(model, X, y, F.cross_entropy, epochs=8, lr=0.05, evaluate=evaluate,
                        early_stopping=stopper, monitor="score")
    assert history["score"] == [0.1, 0.2, 0.9, 0.5, 0.4, 0.3] and len(history["loss"]) == 6
    assert stopper.best_epoch == 2 and torch.equal(model.weight, weights[2])


def test_fit_passes_tuples_of_targets_row_by_row():
    X = torch.randn(50, 3)
    seen = []

    def loss_fn(out, a, b):
        seen.append(torch.equal(a * 2, b))
        return out.sum() * 0
    labels = torch.arange(50)
    train.fit(torch.nn.Linear(3, 1), X, (labels, labels * 2), loss_fn, epochs=2, batch_size=7)
    assert all(seen) and len(seen) == 2 * 8


def test_augment_makes_each_epochs_inputs_afresh():
    X, y = _data(n=32)
    calls = []

    def augment(inputs):
        calls.append(inputs)
        return inputs + 0.0

    train.fit(torch.nn.Linear(4, 2).double(), X, y, F.cross_entropy, epochs=3, batch_size=8, augment=augment)
    assert len(calls) == 3 and all(c is X for c in calls)


@pytest.mark.parametrize("augment", [lambda X: X[1:], lambda X: X.flatten(), lambda X: X.tolist()],
                         ids=["a row lost", "another shape", "not a tensor"])
def test_augment_must_keep_the_inputs_shape(augment):
    X, y = _data(n=32)
    with pytest.raises(ValueError, match="augment must return a tensor of X's shape"):
        train.fit(torch.nn.Linear(4, 2).double(), X, y, F.cross_entropy, epochs=1, augment=augment)


def test_mix_batch_replaces_each_batch_and_may_add_targets():
    X, y = _data(n=32)
    seen = []

    def mix_batch(x, targets):
        return x.flip(0), targets, targets.flip(0), 0.25

    def loss_fn(out, a, b, lam):
        seen.append((len(out), len(a), len(b), lam))
        return lam * F.cross_entropy(out, a) + (1 - lam) * F.cross_entropy(out, b)

    train.fit(torch.nn.Linear(4, 2).double(), X, y, loss_fn, epochs=1, batch_size=8, mix_batch=mix_batch)
    assert seen == [(8, 8, 8, 0.25)] * 4


@pytest.mark.parametrize("mix_batch", [lambda x, t: x, lambda x, t: (x[1:], t), lambda x, t: ()], ids=["no tuple", "a row lost", "empty"])
def test_mix_batch_must_return_inputs_and_targets_row_for_row(mix_batch):
    X, y = _data(n=32)
    with pytest.raises(ValueError, match="mix_batch must return"):
        train.fit(torch.nn.Linear(4, 2).double(), X, y, F.cross_entropy, epochs=1, mix_batch=mix_batch)


def test_fit_takes_an_optimizer_factory_and_times_each_epoch():
    from dlcore import optim

    X, y = _data()
    model = torch.nn.Linear(4, 2).double()
    history = train.fit(model, X, y, F.cross_entropy, epochs=5, optimizer=lambda p: optim.SGD(p, lr=0.5, momentum=0.9))
    assert len(history["seconds"]) == 5 and all(s > 0 for s in history["seconds"])
    assert train.accuracy_of(model, X, y) > 0.9


def test_bad_arguments_are_named():
    X, y = _data(n=30)
    model = torch.nn.Linear(4, 3).double()
    with pytest.raises(ValueError, match="targets must have one row per row of X"):
        train.fit(model, X, y[:10], F.cross_entropy)
    with pytest.raises(TypeError, match="optimizer must build a torch.optim.Optimizer"):
        train.fit(model, X, y, F.cross_entropy, optimizer=lambda p: "sgd")
    with pytest.raises(ValueError, match="early_stopping needs evaluate and monitor"):
        train.fit(model, X, y, F.cross_entropy, early_stopping=regularization.EarlyStopping())
    with pytest.raises(TypeError, match="early_stopping must be a dlcore.regularization.EarlyStopping"):
        train.fit(model, X, y, F.cross_entropy, early_stopping=3, evaluate=lambda m: {}, monitor="x")
    with pytest.raises(ValueError, match="monitor must name a number evaluate returns, got 'loss'"):
        train.fit(model, X, y, F.cross_entropy, evaluate=lambda m: {"acc": 1.0},
                  early_stopping=regularization.EarlyStopping(), monitor="loss")
    with pytest.raises(ValueError, match=r"batch_size must be at most the number of rows \(30\) with drop_last"):
        train.fit(model, X, y, F.cross_entropy, batch_size=64, drop_last=True)


def test_label_columns_are_refused_instead_of_broadcast():
    # Regression: y[:, None] broadcast against the (n,) predictions gave a wrong accuracy.
    torch.manual_seed(0)
    X, y = torch.randn(30, 4), torch.randint(0, 3, (30,))
    model = torch.nn.Linear(4, 3)
    with pytest.raises(ValueError, match=r"y must be a 1-D tensor with one class label per row \(30\), got \(30, 1\)"):
        train.accuracy_of(model, X, y[:, None])
    with pytest.raises(ValueError, match=r"y must be a 1-D tensor .* got list"):
        train.accuracy_of(model, X, y.tolist())


def test_accuracy_of_equals_the_share_of_argmax_matches_and_keeps_the_mode():
    X, y = _data()
    model = train.mlp(4, 16, 2, dropout=0.5).double()
    model.train()
    with torch.no_grad():
        model.eval()
        expected = (model(X).argmax(1) == y).double().mean().item()
        model.train()
    assert train.accuracy_of(model, X, y) == expected and model.training


def test_mlp_draws_its_weights_in_the_order_of_the_layers_written_out():
    torch.manual_seed(3)
    built = train.mlp(64, 32, 32, 10, dropout=0.1, norm=torch.nn.LayerNorm,
                      init=lambda linear: torch.nn.init.kaiming_normal_(linear.weight, nonlinearity="relu"))
    torch.manual_seed(3)
    by_hand = []
    for a, b in ((64, 32), (32, 32)):
        linear = torch.nn.Linear(a, b)
        torch.nn.init.kaiming_normal_(linear.weight, nonlinearity="relu")
        by_hand += [linear, torch.nn.LayerNorm(b), torch.nn.ReLU(), regularization.Dropout(0.1)]
    by_hand = torch.nn.Sequential(*by_hand, torch.nn.Linear(32, 10))  # the output layer keeps torch's default
    assert [type(m) for m in built] == [type(m) for m in by_hand]
    for ours, theirs in zip(built.state_dict().values(), by_hand.state_dict().values()):
        assert torch.equal(ours, theirs)


def test_mlp_without_dropout_has_no_dropout_layers_and_refuses_bad_widths():
    assert [type(m).__name__ for m in train.mlp(3, 5, 2, activation=torch.nn.Tanh)] == ["Linear", "Tanh", "Linear"]
    assert len(train.mlp(3, 2)) == 1
    with pytest.raises(ValueError, match="widths must name at least the inputs and the outputs"):
        train.mlp(3)
    with pytest.raises(ValueError, match="dropout must lie in"):
        train.mlp(3, 4, 2, dropout=1.0)


def test_timed_returns_the_result_and_a_positive_duration():
    result, seconds = utils.timed(lambda: sum(range(1000)))
    assert result == 499500 and 0 < seconds < 1
    assert utils.timed(lambda: 1, "cpu")[0] == 1
    with pytest.raises(TypeError, match="fn must be a function of no arguments"):
        utils.timed(3)
