"""A valid call of every public callable of dlcore, for ``test_bad_input.py`` to spoil.

Each entry maps ``"module.name"`` to a :class:`Call`: keyword arguments that work (built
fresh for every use, from a fixed seed), and, where ``torch`` has the same function, an
oracle taking the same keywords. ``test_bad_input.py`` replaces one argument at a time by
something bad or unusual and checks what comes back. A new public callable that is in
neither ``CALLS`` nor ``NOT_CALLED`` fails the suite until it is added here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from dlcore import (  # noqa: E402
    activations, bayes, book, check, cluster, conv, data, distill, losses, metrics, norm, optim, regularization, sequences, train, utils, viz,
)
from dlcore.activations import approximation, gradflow, init  # noqa: E402
from dlcore.conv import augment, layers  # noqa: E402
from dlcore.losses import robust  # noqa: E402
from dlcore.sequences import autograd, rnn, transformer  # noqa: E402
from dlcore.optim import landscape, memory  # noqa: E402
from dlcore.check import activations as check_activations  # noqa: E402
from dlcore.check import bayes as check_bayes  # noqa: E402
from dlcore.check import cluster as check_cluster  # noqa: E402
from dlcore.check import conv as check_conv  # noqa: E402
from dlcore.check import distill as check_distill  # noqa: E402
from dlcore.check import losses as check_losses  # noqa: E402
from dlcore.check import metrics as check_metrics  # noqa: E402
from dlcore.check import norm as check_norm  # noqa: E402
from dlcore.check import optim as check_optim  # noqa: E402
from dlcore.check import regularization as check_regularization  # noqa: E402
from dlcore.check import sequences as check_sequences  # noqa: E402
from dlcore.viz import activations as viz_activations  # noqa: E402
from dlcore.viz import bayes as viz_bayes  # noqa: E402
from dlcore.viz import cluster as viz_cluster  # noqa: E402
from dlcore.viz import conv as viz_conv  # noqa: E402
from dlcore.viz import distill as viz_distill  # noqa: E402
from dlcore.viz import losses as viz_losses  # noqa: E402
from dlcore.viz import metrics as viz_metrics  # noqa: E402
from dlcore.viz import norm as viz_norm  # noqa: E402
from dlcore.viz import optim as viz_optim  # noqa: E402
from dlcore.viz import regularization as viz_regularization  # noqa: E402
from dlcore.viz import sequences as viz_sequences  # noqa: E402


@dataclass
class Call:
    fn: Callable
    kwargs: Callable[[], dict]
    oracle: Callable | None = None
    """``torch``'s own function with the same keywords: NaN and inf must give what it gives."""
    in_place: tuple[str, ...] = ()
    """Arguments the function changes by design (initialisers, optimizer steps)."""
    spoil: tuple[str, ...] | None = None
    """The arguments to spoil (default: every tensor, array and number)."""
    checks: str = "all"
    """``"all"``, or ``"types"`` for slow pictures: only NaN, inf, wrong types and choices."""
    errors: tuple[type, ...] = ()
    """Exceptions the function raises by design, besides ``ValueError`` and ``TypeError``."""
    unlike_torch_on_nan: str = ""
    """Why NaN input rightly gives another answer than torch's (then only a NaN-free result fails)."""
    nan_is_the_answer: dict[str, str] = field(default_factory=dict)
    """``"arg"`` or ``"arg=spoil"`` → why a NaN result is right there, as torch's own is (a run
    that diverges at lr = 1e300 reports NaN losses): the suite then does not count it."""


def tensor(*shape, seed=0, dtype=torch.float64, low=-2.0, high=2.0):
    generator = torch.Generator().manual_seed(seed + 7 * len(shape) + sum(shape))
    return low + (high - low) * torch.rand(shape, generator=generator, dtype=dtype)


def labels(n, k, seed=0):
    generator = torch.Generator().manual_seed(seed)
    y = torch.randint(0, k, (n,), generator=generator)
    y[:k] = torch.arange(k)  # every class occurs
    return y


def probabilities(n, k, seed=0):
    return torch.softmax(tensor(n, k, seed=seed), dim=1)


def figure():
    return Figure(figsize=(4, 3))


def binary_scores():
    y = torch.tensor([0, 1, 0, 1, 1, 0, 1, 0])
    return dict(y_true=y, y_score=tensor(8) + y)


def _sequential(seed=0):
    torch.manual_seed(seed)
    return torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.ReLU(), torch.nn.Linear(8, 2)).double()


def _points():
    X, _ = data.cluster_shapes("blobs", n_samples=60)
    return X


def _kmeans_run():
    return cluster.kmeans(_points(), 3, seed=0)


def _adam_state():
    p, g = tensor(5), tensor(5, seed=1)
    return dict(param=p, grad=g, exp_avg=torch.zeros(5, dtype=torch.float64), exp_avg_sq=torch.zeros(5, dtype=torch.float64), step=1)


def _optimizer_step(cls, **hyper):
    def run(params, **kwargs):
        opt = cls(params, **kwargs)
        for p in params:
            p.grad = torch.ones_like(p)
        opt.step()
        return [p.detach().clone() for p in params]
    return run


def _module(cls, *args, **kwargs):
    def run(x, **options):
        return cls(*args, **options)(x)
    return run


def _params():
    return [tensor(3, 2).requires_grad_(), tensor(2, seed=1).requires_grad_()]


def _early_stopping(value, **kwargs):
    """Feed the values in ``value`` to one EarlyStopping, one per epoch."""
    stopper = regularization.EarlyStopping(**kwargs)
    return [stopper.step(v) for v in (value.reshape(-1) if isinstance(value, torch.Tensor) else value)]


def _dataclass_case(**kwargs):
    return check.Case(**kwargs)




CALLS: dict[str, Call] = {
    # ------------------------------------------------------------------ activations
    "activations.SigmoidFunction": Call(lambda x: activations.SigmoidFunction.apply(x), lambda: dict(x=tensor(6)), torch.sigmoid),
    "activations.TanhFunction": Call(lambda x: activations.TanhFunction.apply(x), lambda: dict(x=tensor(6)), torch.tanh),
    "activations.sigmoid": Call(activations.sigmoid, lambda: dict(x=tensor(6)), torch.sigmoid),
    "activations.tanh": Call(activations.tanh, lambda: dict(x=tensor(6)), torch.tanh),
    "activations.relu": Call(activations.relu, lambda: dict(x=tensor(6)), torch.relu),
    "activations.leaky_relu": Call(activations.leaky_relu, lambda: dict(x=tensor(6), negative_slope=0.1),
                                   lambda x, negative_slope: F.leaky_relu(x, negative_slope)),
    "activations.prelu": Call(activations.prelu, lambda: dict(x=tensor(2, 3), weight=torch.tensor([0.25], dtype=torch.float64)),
                              lambda x, weight: F.prelu(x, weight)),
    "activations.elu": Call(activations.elu, lambda: dict(x=tensor(6), alpha=1.0), lambda x, alpha: F.elu(x, alpha)),
    "activations.gelu": Call(activations.gelu, lambda: dict(x=tensor(6), approximate="tanh"),
                             lambda x, approximate: F.gelu(x, approximate=approximate)),
    "activations.silu": Call(activations.silu, lambda: dict(x=tensor(6)), lambda x: F.silu(x)),
    "activations.swish": Call(activations.swish, lambda: dict(x=tensor(6), beta=1.5), lambda x, beta: x * torch.sigmoid(beta * x)),
    "activations.softmax": Call(activations.softmax, lambda: dict(x=tensor(2, 4), dim=1), lambda x, dim: torch.softmax(x, dim)),
    "activations.log_softmax": Call(activations.log_softmax, lambda: dict(x=tensor(2, 4), dim=1),
                                    lambda x, dim: torch.log_softmax(x, dim)),
    "activations.glu": Call(activations.glu, lambda: dict(x=tensor(2, 4), dim=1), lambda x, dim: F.glu(x, dim)),
    "activations.PReLU": Call(lambda x, num_parameters, init: activations.PReLU(num_parameters, init).double()(x),
                              lambda: dict(x=tensor(2, 3), num_parameters=3, init=0.25)),
    "activations.SwiGLU": Call(lambda x, in_features, hidden_features: _seeded(activations.SwiGLU, in_features, hidden_features)(x),
                               lambda: dict(x=tensor(2, 4, dtype=torch.float32), in_features=4, hidden_features=6),
                               nan_is_the_answer={"x=huge (x 1e30)": "x × 1e30 overflows float32 in the first matrix product "
                                                                     "and SiLU(−inf) is NaN, as in torch's own block"}),
    # ---------------------------------------------------------------- approximation
    "activations.approximation.hidden_units": Call(approximation.hidden_units, lambda: dict(x=tensor(10), knots=tensor(3, seed=1), unit="relu")),
    "activations.approximation.fit_hidden_units": Call(approximation.fit_hidden_units,
                                           lambda: dict(x=torch.linspace(-2, 2, 20, dtype=torch.float64),
                                                        y=torch.sin(torch.linspace(-2, 2, 20, dtype=torch.float64)), n_units=4)),
    # ------------------------------------------------------------------------ bayes
    "bayes.total_probability": Call(bayes.total_probability, lambda: dict(likelihoods=torch.tensor([0.9, 0.2]), priors=torch.tensor([0.3, 0.7]))),
    "bayes.posterior": Call(bayes.posterior, lambda: dict(likelihoods=torch.tensor([0.9, 0.2]), priors=torch.tensor([0.3, 0.7]))),
    "bayes.diagnostic_test": Call(bayes.diagnostic_test, lambda: dict(prevalence=0.01, sensitivity=0.95, specificity=0.9)),
    "bayes.sequential_posterior": Call(bayes.sequential_posterior,
                                       lambda: dict(prevalence=0.01, sensitivity=0.95, specificity=0.9, results=[True, False, True])),
    "bayes.natural_frequencies": Call(bayes.natural_frequencies, lambda: dict(prevalence=0.01, sensitivity=0.95, specificity=0.9, population=1000)),
    "bayes.beta_binomial_update": Call(bayes.beta_binomial_update, lambda: dict(alpha=1.0, beta=2.0, successes=3, failures=4)),
    "bayes.simulate_diagnostic_test": Call(bayes.simulate_diagnostic_test,
                                           lambda: dict(prevalence=0.1, sensitivity=0.9, specificity=0.9, n=1000, seed=1)),
    # ------------------------------------------------------------------------ check
    "check.Case": Call(_dataclass_case, lambda: dict(args=(1.0,), label="one")),
    "check.check": Call(lambda reference, rtol: check.check(reference, reference, [check.Case((tensor(3),))], rtol=rtol),
                        lambda: dict(reference=torch.exp, rtol=1e-7)),
    "check.mismatch": Call(check.mismatch, lambda: dict(expected=tensor(3), got=tensor(3), rtol=1e-7)),
    "check.activations.softmax_cases": Call(check_activations.softmax_cases, lambda: dict(seed=0, n_random=2)),
    "check.activations.check_softmax": Call(check_activations.check_softmax, lambda: dict(fn=activations.softmax)),
    "check.bayes.partition_cases": Call(check_bayes.partition_cases, lambda: dict(seed=0, n_random=2)),
    "check.bayes.check_posterior": Call(check_bayes.check_posterior, lambda: dict(fn=bayes.posterior)),
    "check.bayes.check_total_probability": Call(check_bayes.check_total_probability, lambda: dict(fn=bayes.total_probability)),
    "check.cluster.d2_pair_probabilities": Call(check_cluster.d2_pair_probabilities, lambda: dict(X=tensor(4, 2))),
    "check.cluster.check_kmeans_plus_plus": Call(lambda fn, draws: check_cluster.check_kmeans_plus_plus(fn, draws=draws),
                                                 lambda: dict(fn=lambda X, k, generator: cluster.kmeans_plus_plus(X, k, seed=int(torch.randint(0, 2**31, (1,), generator=generator))), draws=200),
                                                 spoil=("draws",)),
    "check.distill.kd_cases": Call(check_distill.kd_cases, lambda: dict(seed=0, n_random=2)),
    "check.distill.check_kd_loss": Call(check_distill.check_kd_loss, lambda: dict(fn=distill.kd_loss)),
    "check.losses.cross_entropy_cases": Call(check_losses.cross_entropy_cases, lambda: dict(seed=0, n_random=2)),
    "check.losses.check_cross_entropy": Call(check_losses.check_cross_entropy, lambda: dict(fn=losses.cross_entropy)),
    "check.metrics.auc_cases": Call(check_metrics.auc_cases, lambda: dict(seed=0, n_random=2)),
    "check.metrics.check_roc_auc": Call(check_metrics.check_roc_auc, lambda: dict(fn=metrics.roc_auc)),
    "check.norm.layer_norm_cases": Call(check_norm.layer_norm_cases, lambda: dict(seed=0, n_random=2)),
    "check.norm.check_layer_norm": Call(check_norm.check_layer_norm, lambda: dict(fn=norm.layer_norm)),
    "check.optim.adamw_step": Call(check_optim.adamw_step, lambda: dict(param=tensor(4), grad=tensor(4, seed=1), m=torch.zeros(4, dtype=torch.float64),
                                                                        v=torch.zeros(4, dtype=torch.float64), step=1, lr=1e-3)),
    "check.optim.adamw_cases": Call(check_optim.adamw_cases, lambda: dict(seed=0, n_random=2)),
    "check.optim.check_adamw_step": Call(check_optim.check_adamw_step, lambda: dict(fn=check_optim.adamw_step)),
    "check.regularization.check_dropout": Call(check_regularization.check_dropout, lambda: dict(fn=regularization.dropout)),
    # ---------------------------------------------------------------------- cluster
    "cluster.as_points": Call(cluster.as_points, lambda: dict(X=tensor(5, 2))),
    "cluster.pairwise_distances": Call(cluster.pairwise_distances, lambda: dict(X=tensor(5, 2), Y=tensor(3, 2, seed=1)),
                                       lambda X, Y: torch.cdist(X, Y)),
    "cluster.assign": Call(cluster.assign, lambda: dict(X=tensor(5, 2), centers=tensor(2, 2, seed=1))),
    "cluster.kmeans_plus_plus": Call(cluster.kmeans_plus_plus, lambda: dict(X=tensor(20, 2), k=3, seed=1)),
    "cluster.lloyd": Call(cluster.lloyd, lambda: dict(X=tensor(20, 2), centers=tensor(3, 2, seed=1), max_iter=50, tol=1e-8)),
    "cluster.kmeans": Call(cluster.kmeans, lambda: dict(X=tensor(20, 2), k=3, seed=1, max_iter=50, tol=1e-4)),
    "cluster.silhouette_score": Call(cluster.silhouette_score, lambda: dict(X=tensor(12, 2), labels=labels(12, 3))),
    # ------------------------------------------------------------------------- data
    "data.breast_cancer": Call(data.breast_cancer, lambda: dict(test_size=0.5, seed=1)),
    "data.digits": Call(data.digits, lambda: dict(test_size=0.5, seed=1, tail_ratio=1.0)),
    "data.diabetes": Call(data.diabetes, lambda: dict(test_size=0.5, seed=1)),
    "data.imbalanced": Call(data.imbalanced, lambda: dict(n_samples=400, positive_fraction=0.1, n_features=5, class_sep=1.0, test_size=0.5)),
    "data.k_folds": Call(data.k_folds, lambda: dict(n=20, k=4, seed=1)),
    "data.long_tail": Call(data.long_tail, lambda: dict(labels=labels(60, 3), tail_ratio=0.2)),
    "data.cluster_shapes": Call(data.cluster_shapes, lambda: dict(kind="moons", n_samples=60)),
    # ------------------------------------------------------------------------- conv
    "conv.conv_output_size": Call(conv.conv_output_size, lambda: dict(size=8, kernel_size=3, stride=2, padding=1, dilation=1)),
    "conv.im2col": Call(conv.im2col, lambda: dict(input=tensor(2, 3, 5, 5), kernel_size=3, dilation=1, padding=1, stride=2),
                        lambda **kw: F.unfold(**kw)),
    "conv.col2im": Call(conv.col2im, lambda: dict(input=tensor(2, 27, 9), output_size=5, kernel_size=3, dilation=1, padding=1, stride=2),
                        lambda **kw: F.fold(**kw)),
    "conv.conv2d": Call(conv.conv2d, lambda: dict(input=tensor(2, 4, 6, 5), weight=tensor(6, 2, 3, 2, seed=1), bias=tensor(6, seed=2),
                                                  stride=1, padding=1, dilation=1, groups=2), lambda **kw: F.conv2d(**kw)),
    "conv.conv2d_by_offsets": Call(conv.conv2d_by_offsets, lambda: dict(input=tensor(2, 4, 6, 5), weight=tensor(6, 2, 3, 2, seed=1),
                                                                        bias=tensor(6, seed=2), stride=1, padding=1, dilation=1, groups=2),
                                   lambda **kw: F.conv2d(**kw)),
    "conv.conv1d": Call(conv.conv1d, lambda: dict(input=tensor(2, 3, 9), weight=tensor(4, 3, 3, seed=1), bias=tensor(4, seed=2), stride=2,
                                                  padding=1, dilation=1, groups=1), lambda **kw: F.conv1d(**kw)),
    "conv.conv_transpose2d": Call(conv.conv_transpose2d, lambda: dict(input=tensor(2, 4, 3, 3), weight=tensor(4, 3, 3, 3, seed=1),
                                                                      bias=tensor(3, seed=2), stride=2, padding=1, output_padding=1, groups=1,
                                                                      dilation=1), lambda **kw: F.conv_transpose2d(**kw)),
    "conv.conv2d_weight_grad": Call(conv.conv2d_weight_grad, lambda: dict(input=tensor(2, 3, 5, 5), weight_size=(4, 3, 3, 3),
                                                                          grad_output=tensor(2, 4, 3, 3, seed=1), stride=1, padding=0, dilation=1,
                                                                          groups=1), lambda **kw: torch.nn.grad.conv2d_weight(**kw)),
    "conv.max_pool2d": Call(conv.max_pool2d, lambda: dict(input=tensor(2, 3, 6, 6), kernel_size=3, stride=2, padding=1, dilation=1),
                            lambda **kw: F.max_pool2d(**kw)),
    "conv.avg_pool2d": Call(conv.avg_pool2d, lambda: dict(input=tensor(2, 3, 6, 6), kernel_size=3, stride=2, padding=1),
                            lambda **kw: F.avg_pool2d(**kw)),
    "conv.adaptive_avg_pool2d": Call(conv.adaptive_avg_pool2d, lambda: dict(input=tensor(2, 3, 7, 6), output_size=(3, 2)),
                                     lambda **kw: F.adaptive_avg_pool2d(**kw)),
    "conv.receptive_field": Call(conv.receptive_field, lambda: dict(layers=[(3, 1), (2, 2), (3, 1, 2)])),
    "conv.layers.Conv2d": Call(lambda input, in_channels, out_channels, kernel_size, stride, padding:
                               layers.Conv2d(in_channels, out_channels, kernel_size, stride, padding).double()(input),
                               lambda: dict(input=tensor(2, 3, 6, 6), in_channels=3, out_channels=4, kernel_size=3, stride=1, padding=1)),
    "conv.layers.MaxPool2d": Call(lambda input, kernel_size, stride: layers.MaxPool2d(kernel_size, stride)(input),
                                  lambda: dict(input=tensor(2, 3, 6, 6), kernel_size=2, stride=2), lambda **kw: F.max_pool2d(**kw)),
    "conv.layers.small_cnn": Call(layers.small_cnn, lambda: dict(channels=(4, 8), n_classes=10, image_size=8)),
    "conv.augment.mixup": Call(augment.mixup, lambda: dict(x=tensor(6, 64), y=labels(6, 3), alpha=0.4, generator=torch.Generator().manual_seed(0))),
    "conv.augment.cutmix": Call(augment.cutmix, lambda: dict(x=tensor(6, 64), y=labels(6, 3), alpha=1.0, generator=torch.Generator().manual_seed(0))),
    "conv.augment.mixed_cross_entropy": Call(augment.mixed_cross_entropy, lambda: dict(logits=tensor(4, 3), targets_a=labels(4, 3),
                                                                                      targets_b=labels(4, 3, seed=1), lam=0.3)),
    "check.conv.conv2d_cases": Call(check_conv.conv2d_cases, lambda: dict(seed=0, n_random=2)),
    "check.conv.check_conv2d": Call(check_conv.check_conv2d, lambda: dict(fn=conv.conv2d)),
    "viz.conv.draw_convolution": Call(viz_conv.draw_convolution, lambda: dict(figure=figure(), image=tensor(8, 8), kernel_size=3, stride=1, padding=1,
                                                                              dilation=1, layers=2), checks="types"),
    "viz.conv.convolution_explorer": Call(viz_conv.convolution_explorer, lambda: dict(image=tensor(64), kernel_size=3, stride=1, padding=1, dilation=1,
                                                                                      layers=2), checks="types"),
    "viz.conv.draw_kernel": Call(viz_conv.draw_kernel, lambda: dict(figure=figure(), image=tensor(8, 8), kernel=tensor(3, 3, seed=1)), checks="types"),
    "viz.conv.kernel_explorer": Call(viz_conv.kernel_explorer, lambda: dict(images=tensor(3, 64), index=1, preset="Laplacian"), checks="types"),
    # ---------------------------------------------------------------------- distill
    "distill.soft_targets": Call(distill.soft_targets, lambda: dict(logits=tensor(2, 4), T=2.0), lambda logits, T: torch.softmax(logits / T, -1)),
    "distill.kd_loss": Call(distill.kd_loss, lambda: dict(student_logits=tensor(3, 4), teacher_logits=tensor(3, 4, seed=1), target=labels(3, 3),
                                                          T=2.0, alpha=0.5)),
    "distill.quantize_int8": Call(distill.quantize_int8, lambda: dict(x=tensor(6))),
    "distill.dequantize": Call(distill.dequantize, lambda: dict(q=distill.quantize_int8(tensor(6)))),
    "distill.magnitude_mask": Call(distill.magnitude_mask, lambda: dict(weight=tensor(3, 4), amount=0.5)),
    # --------------------------------------------------------------------- gradflow
    "activations.gradflow.DeepMLP": Call(lambda x, depth, width: _seeded(gradflow.DeepMLP, depth, width, in_features=3, dtype=torch.float64)(x),
                             lambda: dict(x=tensor(4, 3), depth=3, width=5)),
    "activations.gradflow.measure_flow": Call(gradflow.measure_flow, lambda: dict(model=_seeded(gradflow.DeepMLP, 3, 5, in_features=3, dtype=torch.float64),
                                                                      x=tensor(4, 3), y=tensor(4, 1, seed=1))),
    "activations.gradflow.gradient_flow": Call(gradflow.gradient_flow, lambda: dict(depth=3, width=8, batch=16, seed=1)),
    # ------------------------------------------------------------------------- init
    "activations.init.calculate_gain": Call(init.calculate_gain, lambda: dict(nonlinearity="leaky_relu", param=0.2),
                                lambda nonlinearity, param: torch.nn.init.calculate_gain(nonlinearity, param)),
    "activations.init.fan_in_and_fan_out": Call(init.fan_in_and_fan_out, lambda: dict(tensor=tensor(3, 4))),
    "activations.init.xavier_std": Call(init.xavier_std, lambda: dict(tensor=tensor(3, 4), gain=1.0)),
    "activations.init.kaiming_std": Call(init.kaiming_std, lambda: dict(tensor=tensor(3, 4), a=0.1, mode="fan_in", nonlinearity="leaky_relu")),
    "activations.init.zeros_": Call(init.zeros_, lambda: dict(tensor=tensor(3, 4)), in_place=("tensor",)),
    **{
        f"activations.init.{name}": Call(getattr(init, name), lambda: dict(tensor=tensor(3, 4), generator=torch.Generator().manual_seed(0)), in_place=("tensor",))
        for name in ("normal_", "xavier_uniform_", "xavier_normal_", "kaiming_uniform_", "kaiming_normal_",
                     "glorot_uniform_", "glorot_normal_", "he_uniform_", "he_normal_")
    },
    # -------------------------------------------------------------------- landscape
    "optim.landscape.ravine": Call(landscape.ravine, lambda: dict(x=tensor(3), y=tensor(3, seed=1), condition=25.0)),
    "optim.landscape.rosenbrock": Call(landscape.rosenbrock, lambda: dict(x=tensor(3), y=tensor(3, seed=1))),
    "optim.landscape.saddle": Call(landscape.saddle, lambda: dict(x=tensor(3), y=tensor(3, seed=1))),
    "optim.landscape.hessian": Call(landscape.hessian, lambda: dict(fn=lambda p: landscape.rosenbrock(p[0], p[1]), point=torch.tensor([0.5, 0.5], dtype=torch.float64))),
    "optim.landscape.classify_critical_point": Call(landscape.classify_critical_point, lambda: dict(H=torch.tensor([[2.0, 0.0], [0.0, -1.0]]), tol=1e-8)),
    "optim.landscape.linear_regression_problem": Call(landscape.linear_regression_problem, lambda: dict(n=50, seed=1)),
    "optim.landscape.minibatch_gradients": Call(landscape.minibatch_gradients, lambda: dict(x=tensor(30), y=tensor(30, seed=1), w=torch.tensor([0.5, 0.1]),
                                                                                        batch_size=4, n_batches=10)),
    "optim.landscape.sharp_flat": Call(landscape.sharp_flat, lambda: dict(x=tensor(5))),
    "optim.landscape.noisy_descent": Call(landscape.noisy_descent, lambda: dict(loss=landscape.sharp_flat, x0=1.0, lr=0.05, noise=0.1, steps=20, n_runs=10), nan_is_the_answer={"lr": "at lr = 1e300 the run diverges and its losses are NaN, as in torch"}),
    # ----------------------------------------------------------------------- losses
    "losses.mse": Call(losses.mse, lambda: dict(input=tensor(2, 3), target=tensor(2, 3, seed=1)), lambda input, target: F.mse_loss(input, target)),
    "losses.mae": Call(losses.mae, lambda: dict(input=tensor(2, 3), target=tensor(2, 3, seed=1)), lambda input, target: F.l1_loss(input, target)),
    "losses.rmse": Call(losses.rmse, lambda: dict(input=tensor(2, 3), target=tensor(2, 3, seed=1)),
                        lambda input, target: F.mse_loss(input, target).sqrt()),
    "losses.huber": Call(losses.huber, lambda: dict(input=tensor(2, 3), target=tensor(2, 3, seed=1), delta=0.5),
                         lambda input, target, delta: F.huber_loss(input, target, delta=delta)),
    "losses.smooth_l1": Call(losses.smooth_l1, lambda: dict(input=tensor(2, 3), target=tensor(2, 3, seed=1), beta=0.5),
                             lambda input, target, beta: F.smooth_l1_loss(input, target, beta=beta)),
    "losses.softplus": Call(losses.softplus, lambda: dict(x=tensor(6)), F.softplus),
    "losses.bce": Call(losses.bce, lambda: dict(input=tensor(6, low=0.05, high=0.95), target=tensor(6, seed=1, low=0, high=1)),
                       lambda input, target: F.binary_cross_entropy(input, target)),
    "losses.bce_with_logits": Call(losses.bce_with_logits, lambda: dict(input=tensor(6), target=tensor(6, seed=1, low=0, high=1), pos_weight=2.0),
                                   lambda input, target, pos_weight: F.binary_cross_entropy_with_logits(input, target, pos_weight=torch.tensor(pos_weight, dtype=input.dtype))),
    "losses.focal_loss": Call(losses.focal_loss, lambda: dict(logits=tensor(6), targets=torch.tensor([0.0, 1, 1, 0, 1, 0], dtype=torch.float64), gamma=2.0, alpha=0.25)),
    "losses.one_hot": Call(losses.one_hot, lambda: dict(target=labels(5, 3), num_classes=4), lambda target, num_classes: F.one_hot(target, num_classes)),
    "losses.cross_entropy": Call(losses.cross_entropy, lambda: dict(input=tensor(4, 3), target=labels(4, 3), label_smoothing=0.1),
                                 lambda input, target, label_smoothing: F.cross_entropy(input, target, label_smoothing=label_smoothing)),
    "losses.entropy": Call(losses.entropy, lambda: dict(p=probabilities(3, 4))),
    "losses.kl_divergence": Call(losses.kl_divergence, lambda: dict(p=probabilities(3, 4), q=probabilities(3, 4, seed=1))),
    "losses.hinge": Call(losses.hinge, lambda: dict(input=tensor(6), target=torch.tensor([1.0, -1, 1, -1, 1, -1], dtype=torch.float64), margin=1.0)),
    "losses.multi_class_hinge": Call(losses.multi_class_hinge, lambda: dict(input=tensor(4, 3), target=labels(4, 3), margin=1.0),
                                     lambda input, target, margin: F.multi_margin_loss(input, target, margin=margin),
                                     unlike_torch_on_nan="torch's kernel reads max(0, NaN) as 0 and drops a NaN score; dlcore keeps the NaN"),
    "losses.cosine_similarity": Call(losses.cosine_similarity, lambda: dict(a=tensor(2, 3), b=tensor(2, 3, seed=1), dim=1, eps=1e-8),
                                     lambda a, b, dim, eps: F.cosine_similarity(a, b, dim=dim, eps=eps)),
    # ----------------------------------------------------------------------- memory
    "optim.memory.training_memory": Call(memory.training_memory, lambda: dict(n_parameters=1000, optimizer="adamw", bytes_per_value=4, activation_values=10)),
    "optim.memory.mlp_saved_activations": Call(memory.mlp_saved_activations, lambda: dict(batch_size=8, widths=[4, 16, 2])),
    "optim.memory.saved_activation_bytes": Call(memory.saved_activation_bytes, lambda: dict(forward=lambda: torch.relu(tensor(4, 4).requires_grad_()).sum())),
    "optim.memory.measure_training_memory": Call(lambda: _measure(), lambda: dict()),
    # ---------------------------------------------------------------------- metrics
    "metrics.roc_auc_multiclass": Call(metrics.roc_auc_multiclass, lambda: dict(y_true=labels(9, 3), y_prob=probabilities(9, 3))),
    "metrics.confusion_matrix": Call(metrics.confusion_matrix, lambda: dict(y_true=labels(9, 3), y_pred=labels(9, 3, seed=1), sample_weight=tensor(9, low=0.1, high=1))),
    "metrics.accuracy": Call(metrics.accuracy, lambda: dict(y_true=labels(9, 3), y_pred=labels(9, 3, seed=1), sample_weight=tensor(9, low=0.1, high=1))),
    "metrics.precision_recall_fscore": Call(metrics.precision_recall_fscore, lambda: dict(y_true=labels(9, 3), y_pred=labels(9, 3, seed=1), beta=2.0,
                                                                                          average="macro", sample_weight=tensor(9, low=0.1, high=1))),
    **{
        f"metrics.{name}": Call(getattr(metrics, name), lambda: dict(y_true=labels(9, 3), y_pred=labels(9, 3, seed=1), labels=[0, 2], average="macro",
                                                                     zero_division=0, sample_weight=tensor(9, low=0.1, high=1)))
        for name in ("precision", "recall", "f1_score")
    },
    "metrics.fbeta_score": Call(metrics.fbeta_score, lambda: dict(y_true=labels(9, 2), y_pred=labels(9, 2, seed=1), beta=0.5)),
    **{
        f"metrics.{name}": Call(getattr(metrics, name), lambda: dict(**binary_scores(), sample_weight=tensor(8, low=0.1, high=1)))
        for name in ("counts_at_thresholds", "roc_curve", "roc_auc", "precision_recall_curve", "average_precision")
    },
    "metrics.roc_auc_pairs": Call(metrics.roc_auc_pairs, lambda: dict(**binary_scores(), chunk_size=4)),
    "metrics.roc_auc_ranks": Call(metrics.roc_auc_ranks, binary_scores),
    **{
        f"metrics.{name}": Call(getattr(metrics, name), lambda: dict(y_true=tensor(6), y_pred=tensor(6, seed=1), sample_weight=tensor(6, low=0.1, high=1)))
        for name in ("mean_squared_error", "mean_absolute_error", "root_mean_squared_error", "r2_score")
    },
    "metrics.expected_calibration_error": Call(metrics.expected_calibration_error, lambda: dict(y_true=labels(9, 3), y_prob=probabilities(9, 3), n_bins=5)),
    # ------------------------------------------------------------------------- norm
    "norm.batch_norm": Call(norm.batch_norm, lambda: dict(input=tensor(4, 3), running_mean=torch.zeros(3, dtype=torch.float64),
                                                          running_var=torch.ones(3, dtype=torch.float64), weight=tensor(3, seed=1), bias=tensor(3, seed=2),
                                                          training=True, momentum=0.1, eps=1e-5),
                            lambda **kw: F.batch_norm(**kw), in_place=("running_mean", "running_var")),
    "norm.layer_norm": Call(norm.layer_norm, lambda: dict(input=tensor(2, 4), normalized_shape=(4,), weight=tensor(4, seed=1), bias=tensor(4, seed=2), eps=1e-5),
                            lambda **kw: F.layer_norm(**kw)),
    "norm.instance_norm": Call(norm.instance_norm, lambda: dict(input=tensor(2, 3, 4), weight=tensor(3, seed=1), bias=tensor(3, seed=2), eps=1e-5),
                               lambda **kw: F.instance_norm(**kw)),
    "norm.group_norm": Call(norm.group_norm, lambda: dict(input=tensor(2, 4, 3), num_groups=2, weight=tensor(4, seed=1), bias=tensor(4, seed=2), eps=1e-5),
                            lambda **kw: F.group_norm(**kw)),
    "norm.rms_norm": Call(norm.rms_norm, lambda: dict(input=tensor(2, 4), normalized_shape=(4,), weight=tensor(4, seed=1), eps=1e-6),
                          lambda **kw: F.rms_norm(**kw)),
    "norm.BatchNorm": Call(lambda input, num_features, eps, momentum: norm.BatchNorm(num_features, eps, momentum).double()(input),
                           lambda: dict(input=tensor(4, 3), num_features=3, eps=1e-5, momentum=0.1)),
    "norm.LayerNorm": Call(lambda input, normalized_shape, eps: norm.LayerNorm(normalized_shape, eps).double()(input),
                           lambda: dict(input=tensor(2, 4), normalized_shape=4, eps=1e-5)),
    "norm.InstanceNorm": Call(lambda input, num_features, eps: norm.InstanceNorm(num_features, eps).double()(input),
                              lambda: dict(input=tensor(2, 3, 4), num_features=3, eps=1e-5)),
    "norm.GroupNorm": Call(lambda input, num_groups, num_channels, eps: norm.GroupNorm(num_groups, num_channels, eps).double()(input),
                           lambda: dict(input=tensor(2, 4, 3), num_groups=2, num_channels=4, eps=1e-5)),
    "norm.RMSNorm": Call(lambda input, normalized_shape, eps: norm.RMSNorm(normalized_shape, eps).double()(input),
                         lambda: dict(input=tensor(2, 4), normalized_shape=4, eps=1e-6)),
    # ------------------------------------------------------------------------ optim
    "optim.SGD": Call(_optimizer_step(optim.SGD), lambda: dict(params=_params(), lr=0.1, momentum=0.9, dampening=0.1, weight_decay=0.01), in_place=("params",)),
    "optim.Adagrad": Call(_optimizer_step(optim.Adagrad), lambda: dict(params=_params(), lr=0.1, lr_decay=0.01, weight_decay=0.01,
                                                                       initial_accumulator_value=0.1, eps=1e-10), in_place=("params",)),
    "optim.RMSprop": Call(_optimizer_step(optim.RMSprop), lambda: dict(params=_params(), lr=0.01, alpha=0.9, eps=1e-8, weight_decay=0.01, momentum=0.5), in_place=("params",)),
    "optim.Adam": Call(_optimizer_step(optim.Adam), lambda: dict(params=_params(), lr=0.01, betas=(0.9, 0.99), eps=1e-8, weight_decay=0.01), in_place=("params",)),
    "optim.AdamW": Call(_optimizer_step(optim.AdamW), lambda: dict(params=_params(), lr=0.01, betas=(0.9, 0.99), eps=1e-8, weight_decay=0.01), in_place=("params",)),
    "optim.sgd_step": Call(optim.sgd_step, lambda: dict(param=tensor(5), grad=tensor(5, seed=1), momentum_buffer=None, lr=0.1, momentum=0.9,
                                                        dampening=0.0, weight_decay=0.01), in_place=("param",)),
    "optim.adagrad_step": Call(optim.adagrad_step, lambda: dict(param=tensor(5), grad=tensor(5, seed=1), state_sum=torch.zeros(5, dtype=torch.float64),
                                                                step=1, lr=0.1, lr_decay=0.01, weight_decay=0.01, eps=1e-10),
                               in_place=("param", "state_sum")),
    "optim.rmsprop_step": Call(optim.rmsprop_step, lambda: dict(param=tensor(5), grad=tensor(5, seed=1), square_avg=torch.zeros(5, dtype=torch.float64),
                                                                lr=0.01, alpha=0.99, eps=1e-8, weight_decay=0.01),
                               in_place=("param", "square_avg")),
    "optim.adam_step": Call(optim.adam_step, lambda: dict(**_adam_state(), lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01),
                            in_place=("param", "exp_avg", "exp_avg_sq")),
    "optim.step_lr": Call(optim.step_lr, lambda: dict(step=25, lr=0.1, step_size=10, gamma=0.5)),
    "optim.cosine": Call(optim.cosine, lambda: dict(step=25, lr=0.1, total_steps=100, min_lr=0.001)),
    "optim.warmup_cosine": Call(optim.warmup_cosine, lambda: dict(step=25, lr=0.1, warmup_steps=10, total_steps=100, min_lr=0.001, start_factor=0.1)),
    "optim.one_cycle": Call(optim.one_cycle, lambda: dict(step=25, max_lr=0.1, total_steps=100, pct_start=0.3, div_factor=25.0, final_div_factor=1e4)),
    "optim.set_lr": Call(lambda lr: _set_lr(lr), lambda: dict(lr=0.05)),
    "optim.trajectory": Call(optim.trajectory, lambda: dict(fn=landscape.ravine, start=torch.tensor([-1.0, 1.0]), steps=20, lr=0.01)),
    # --------------------------------------------------------------- regularization
    "regularization.l2_penalty": Call(regularization.l2_penalty, lambda: dict(parameters=[tensor(3, 2), tensor(2, seed=1)], strength=0.5)),
    "regularization.l1_penalty": Call(regularization.l1_penalty, lambda: dict(parameters=[tensor(3, 2), tensor(2, seed=1)], strength=0.5)),
    "regularization.soft_threshold": Call(regularization.soft_threshold, lambda: dict(w=tensor(6), threshold=0.5),
                                          lambda w, threshold: F.softshrink(w, threshold)),
    "regularization.penalized_least_squares": Call(regularization.penalized_least_squares,
                                                   lambda: dict(X=tensor(20, 3), y=tensor(20, seed=1), l1=0.1, l2=0.1, max_iter=200, tol=1e-10)),
    "regularization.dropout": Call(regularization.dropout, lambda: dict(x=tensor(8), p=0.5, generator=torch.Generator().manual_seed(0))),
    "regularization.Dropout": Call(lambda x, p: _seeded(regularization.Dropout, p)(x), lambda: dict(x=tensor(8), p=0.5)),
    "regularization.EarlyStopping": Call(_early_stopping, lambda: dict(value=torch.tensor([3.0, 2.0, 2.5, 2.4, 1.0]), patience=2, min_delta=0.01)),
    "regularization.smooth_labels": Call(regularization.smooth_labels, lambda: dict(targets=labels(5, 3), num_classes=3, smoothing=0.1)),
    "regularization.clip_grad_norm_": Call(lambda parameters, max_norm, norm_type: regularization.clip_grad_norm_(_with_grads(parameters), max_norm, norm_type),
                                           lambda: dict(parameters=[tensor(3, 2), tensor(2, seed=1)], max_norm=1.0, norm_type=2.0),
                                           lambda parameters, max_norm, norm_type: torch.nn.utils.clip_grad_norm_(_with_grads(parameters), max_norm, norm_type)),
    "regularization.decay_weights_": Call(regularization.decay_weights_, lambda: dict(parameters=[tensor(3, 2), tensor(2, seed=1)], lr=0.1,
                                                                                      weight_decay=0.5), in_place=("parameters",)),
    "regularization.augment_images": Call(regularization.augment_images, lambda: dict(X=tensor(3, 16), height=4, width=4, max_shift=1, noise=0.1,
                                                                                      generator=torch.Generator().manual_seed(0))),
    # ------------------------------------------------------------------- robust, train
    "losses.robust.fit_line": Call(robust.fit_line, lambda: dict(x=tensor(20), y=2 * tensor(20) + 0.1 * tensor(20, seed=1), loss="huber", delta=1.0,
                                                          max_iterations=100, tol=1e-10)),
    "train.fit": Call(lambda X, targets, epochs, lr: train.fit(_sequential(), X, targets, F.cross_entropy, epochs=epochs, lr=lr, batch_size=8)["loss"],
                      lambda: dict(X=tensor(16, 4), targets=labels(16, 2), epochs=2, lr=0.01), nan_is_the_answer={"lr": "at lr = 1e300 the run diverges and its losses are NaN, as in torch"}),
    "train.mlp": Call(lambda widths, dropout: sum(p.numel() for p in train.mlp(widths, 8, 2, dropout=dropout).parameters()),
                      lambda: dict(widths=4, dropout=0.1)),
    "train.accuracy_of": Call(lambda X, y: train.accuracy_of(_sequential(), X, y), lambda: dict(X=tensor(16, 4), y=labels(16, 2))),
    # ------------------------------------------------------------------------ utils
    "book.start_chapter": Call(book.start_chapter, lambda: dict(release=__import__("dlcore").__version__, seed=3), checks="types"),
    "utils.device": Call(utils.device, lambda: dict()),
    "utils.timed": Call(lambda fn: utils.timed(fn, "cpu")[0], lambda: dict(fn=lambda: 1.5)),
    "utils.seed_everything": Call(lambda seed: utils.seed_everything(seed).random(), lambda: dict(seed=3)),
    "utils.show": Call(lambda obj: utils.show(obj).code, lambda: dict(obj=losses.mse)),
    "utils.Source": Call(lambda code, origin: repr(utils.Source(code, origin)), lambda: dict(code="x = 1", origin="here")),
    "utils.glue": Call(utils.glue, lambda: dict(name="bad_input_suite", value=0.5, digits=3)),
    "utils.glued": Call(lambda name: (utils.glue(name, 0.25), utils.glued(name))[1], lambda: dict(name="bad_input_suite_2")),
    "utils.below": Call(utils.below, lambda: dict(value=1e-14, bound=1e-12), errors=(AssertionError,)),  # the book's assert
    "utils.check_book_version": Call(utils.check_book_version, lambda: dict(book_version=__import__("dlcore").__version__)),
    # -------------------------------------------------------------------------- viz
    "viz.use_book_style": Call(viz.use_book_style, lambda: dict()),
    "viz.figure_png": Call(lambda figure: len(viz.figure_png(figure)) > 0, lambda: dict(figure=figure())),
    "viz.Explorer": Call(lambda value: viz.Explorer({"a": viz.slider("a", value, 0.0, 1.0, 0.1)}, lambda figure, a: viz.Reading(f"a = {a}", a=a)).reading["a"],
                         lambda: dict(value=0.5), checks="types"),
    "viz.Reading": Call(lambda html, value: viz.Reading(html, value=value)["value"], lambda: dict(html="x = 0.5", value=0.5)),
    "viz.slider": Call(lambda value, low, high, step: viz.slider("x", value, low, high, step).value, lambda: dict(value=0.5, low=0.0, high=1.0, step=0.1)),
    "activations.activation_and_slope": Call(activations.activation_and_slope, lambda: dict(name="elu", parameter=1.0, x=tensor(5))),
    "viz.activations.draw_activation": Call(viz_activations.draw_activation, lambda: dict(figure=figure(), name="elu", parameter=1.0, span=3.0), checks="types"),
    "viz.activations.activation_explorer": Call(viz_activations.activation_explorer, lambda: dict(name="elu"), checks="types"),
    "viz.activations.verdict": Call(viz_activations.verdict, lambda: dict(flow=gradflow.gradient_flow(3, 8, batch=16))),
    "viz.activations.draw_flow": Call(viz_activations.draw_flow, lambda: dict(figure=figure(), depth=3, activation="tanh", init_name="xavier", residual=False, width=8),
                                      checks="types"),
    "viz.activations.gradient_flow_explorer": Call(viz_activations.gradient_flow_explorer, lambda: dict(depth=3, activation="tanh"), checks="types"),
    "viz.activations.draw_approximation": Call(viz_activations.draw_approximation,
                                               lambda: dict(figure=figure(), x=torch.linspace(-2, 2, 20), y=torch.sin(torch.linspace(-2, 2, 20)), n_units=3, unit="relu"),
                                               checks="types"),
    "viz.activations.approximation_explorer": Call(viz_activations.approximation_explorer,
                                                   lambda: dict(x=torch.linspace(-2, 2, 20), y=torch.sin(torch.linspace(-2, 2, 20)), n_units=3), checks="types"),
    "viz.bayes.plot_population": Call(lambda counts, columns: viz_bayes.plot_population(figure().subplots(), counts, columns),
                                      lambda: dict(counts=bayes.natural_frequencies(0.1, 0.9, 0.9, 100), columns=10), checks="types"),
    "viz.bayes.plot_positives": Call(lambda counts: viz_bayes.plot_positives(figure().subplots(), counts),
                                     lambda: dict(counts=bayes.natural_frequencies(0.1, 0.9, 0.9, 100)), checks="types"),
    "viz.bayes.draw_natural_frequencies": Call(viz_bayes.draw_natural_frequencies, lambda: dict(figure=figure(), prevalence=0.1, sensitivity=0.9,
                                                                                                specificity=0.9, population=100), checks="types"),
    "viz.bayes.bayes_explorer": Call(viz_bayes.bayes_explorer, lambda: dict(prevalence=0.1, sensitivity=0.9, specificity=0.9, population=100), checks="types"),
    "viz.cluster.plot_clusters": Call(lambda X, labels: viz_cluster.plot_clusters(figure().subplots(), X, labels),
                                      lambda: dict(X=tensor(6, 2), labels=labels(6, 2)), checks="types"),
    "viz.cluster.draw_lloyd": Call(viz_cluster.draw_lloyd, lambda: dict(figure=figure(), X=_points(), run=_kmeans_run(), step=1), checks="types"),
    "viz.cluster.lloyd_explorer": Call(viz_cluster.lloyd_explorer, lambda: dict(X=_points(), k=3, seed=1), checks="types"),
    "cluster.k_sweep": Call(cluster.k_sweep, lambda: dict(X=_points(), ks=range(1, 4), n_init=1), checks="types"),
    "viz.cluster.draw_k": Call(viz_cluster.draw_k, lambda: dict(figure=figure(), X=_points(), sweep=cluster.k_sweep(_points(), range(1, 4), 1), k=2),
                               checks="types"),
    "viz.cluster.k_explorer": Call(viz_cluster.k_explorer, lambda: dict(X=_points(), k=2, ks=range(1, 4)), checks="types"),
    "viz.cluster.draw_shape": Call(viz_cluster.draw_shape, lambda: dict(figure=figure(), kind="moons", standardize=False, seed=1), checks="types"),
    "viz.cluster.shape_explorer": Call(viz_cluster.shape_explorer, lambda: dict(kind="moons"), checks="types"),
    "viz.distill.draw_temperature": Call(viz_distill.draw_temperature, lambda: dict(figure=figure(), image=torch.zeros(64), teacher_logits=tensor(4),
                                                                                    label=1, T=2.0), checks="types"),
    "viz.distill.temperature_explorer": Call(viz_distill.temperature_explorer, lambda: dict(images=torch.zeros(2, 64), teacher_logits=tensor(2, 4),
                                                                                            labels=labels(2, 2), index=1, T=2.0), checks="types"),
    "viz.distill.draw_sweep": Call(viz_distill.draw_sweep, lambda: dict(figure=figure(), temperatures=(1.0, 4.0), alphas=(0.5, 0.9),
                                                                        accuracy=np.array([[0.8, 0.85], [0.9, 0.7]]), alpha=0.5), checks="types"),
    "viz.distill.sweep_explorer": Call(viz_distill.sweep_explorer, lambda: dict(temperatures=(1.0, 4.0), alphas=(0.5, 0.9),
                                                                                accuracy=np.array([[0.8, 0.85], [0.9, 0.7]])), checks="types"),
    "distill.pruned_copy": Call(distill.pruned_copy, lambda: dict(model=_sequential(), amount=0.5)),
    "viz.distill.draw_pruning": Call(viz_distill.draw_pruning, lambda: dict(figure=figure(), model=_sequential(), X=tensor(10, 4), y=labels(10, 2),
                                                                            amount=0.5, curve=([0.0, 0.5], [0.6, 0.5])), checks="types"),
    "viz.distill.pruning_explorer": Call(viz_distill.pruning_explorer, lambda: dict(model=_sequential(), X=tensor(10, 4), y=labels(10, 2), amount=0.5),
                                         checks="types"),
    "viz.losses.draw_robust": Call(viz_losses.draw_robust, lambda: dict(figure=figure(), x=tensor(20), y=2 * tensor(20), outlier=3, shift=10.0, delta=1.0),
                                   checks="types"),
    "viz.losses.robust_explorer": Call(viz_losses.robust_explorer, lambda: dict(x=tensor(20), y=2 * tensor(20), outlier=3, shift=10.0, delta=1.0),
                                       checks="types"),
    "losses.loss_shares": Call(losses.loss_shares, lambda: dict(logits=tensor(8), targets=torch.tensor([0.0, 1, 1, 0, 1, 0, 1, 1], dtype=torch.float64),
                                                                        gamma=2.0, easy=0.5)),
    "viz.losses.draw_focal": Call(viz_losses.draw_focal, lambda: dict(figure=figure(), logits=tensor(8), targets=torch.tensor([0.0, 1, 1, 0, 1, 0, 1, 1], dtype=torch.float64),
                                                                      gamma=2.0), checks="types"),
    "viz.losses.focal_explorer": Call(viz_losses.focal_explorer, lambda: dict(logits=tensor(8), targets=torch.tensor([0.0, 1, 1, 0, 1, 0, 1, 1], dtype=torch.float64),
                                                                              gamma=2.0), checks="types"),
    "losses.binned_normal": Call(losses.binned_normal, lambda: dict(mean=4.0, std=1.0, bins=8)),
    "losses.information": Call(losses.information, lambda: dict(p=probabilities(1, 5)[0], q=probabilities(1, 5, seed=1)[0])),
    "viz.losses.draw_information": Call(viz_losses.draw_information, lambda: dict(figure=figure(), mean_p=4.0, std_p=1.0, mean_q=6.0, std_q=2.0), checks="types"),
    "viz.losses.information_explorer": Call(viz_losses.information_explorer, lambda: dict(mean_p=4.0, std_p=1.0, mean_q=6.0, std_q=2.0), checks="types"),
    "metrics.operating_point": Call(metrics.operating_point, lambda: dict(**binary_scores(), threshold=0.5, prevalence=0.2)),
    "viz.metrics.plot_confusion": Call(lambda point: viz_metrics.plot_confusion(figure().subplots(), point),
                                       lambda: dict(point=metrics.operating_point(**binary_scores(), threshold=0.5)), checks="types"),
    "viz.metrics.draw_threshold": Call(viz_metrics.draw_threshold, lambda: dict(figure=figure(), **binary_scores(), threshold=0.5), checks="types"),
    "viz.metrics.draw_prevalence": Call(viz_metrics.draw_prevalence, lambda: dict(figure=figure(), **binary_scores(), prevalence=0.2, threshold=0.5), checks="types"),
    "viz.metrics.threshold_explorer": Call(viz_metrics.threshold_explorer, lambda: dict(**binary_scores(), threshold=0.5), checks="types"),
    "viz.metrics.prevalence_explorer": Call(viz_metrics.prevalence_explorer, lambda: dict(**binary_scores(), prevalence=0.2, threshold=0.5), checks="types"),
    "norm.shared_statistics": Call(norm.shared_statistics, lambda: dict(kind="LayerNorm", n=2, c=3, s=4)),
    "norm.normalize": Call(norm.normalize, lambda: dict(kind="GroupNorm (2 groups)", x=tensor(2, 4, 3))),
    "viz.norm.draw_axes": Call(viz_norm.draw_axes, lambda: dict(figure=figure(), kind="LayerNorm"), checks="types"),
    "viz.norm.axes_explorer": Call(viz_norm.axes_explorer, lambda: dict(kind="LayerNorm"), checks="types"),
    "norm.batch_statistics": Call(norm.batch_statistics, lambda: dict(batch_size=4, batches=20, channels=2, seed=1)),
    "viz.norm.draw_batch_size": Call(viz_norm.draw_batch_size, lambda: dict(figure=figure(), batch_size=4), checks="types"),
    "viz.norm.batch_size_explorer": Call(viz_norm.batch_size_explorer, lambda: dict(batch_size=4), checks="types"),
    "norm.scaled_regression": Call(norm.scaled_regression, lambda: dict(scale=5.0, n=30, seed=1)),
    "norm.gradient_descent_path": Call(norm.gradient_descent_path, lambda: dict(X=tensor(30, 2), y=tensor(30, seed=1), steps=10)),
    "viz.norm.draw_scaling": Call(viz_norm.draw_scaling, lambda: dict(figure=figure(), scale=5.0, steps=10), checks="types"),
    "viz.norm.scaling_explorer": Call(viz_norm.scaling_explorer, lambda: dict(scale=5.0), checks="types"),
    "optim.landscape.race": Call(landscape.race, lambda: dict(surface="ravine", names=("SGD", "Adam"), lr_sgd=0.01, lr_adaptive=0.1, momentum=0.9, steps=20)),
    "viz.optim.draw_race": Call(viz_optim.draw_race, lambda: dict(figure=figure(), surface="ravine", names=("SGD", "Adam"), lr_sgd=0.01, lr_adaptive=0.1,
                                                                  momentum=0.9, steps=20), checks="types"),
    "viz.optim.race_explorer": Call(viz_optim.race_explorer, lambda: dict(surface="ravine", names=("SGD",), lr_sgd=0.01, steps=20), checks="types"),
    "optim.landscape.sgd_on_regression": Call(landscape.sgd_on_regression, lambda: dict(x=tensor(30), y=tensor(30, seed=1), batch_size=8, lr=0.05, epochs=1), nan_is_the_answer={"lr": "at lr = 1e300 the run diverges and its losses are NaN, as in torch"}),
    "viz.optim.draw_batch_cloud": Call(viz_optim.draw_batch_cloud, lambda: dict(figure=figure(), batch_size=8), checks="types"),
    "viz.optim.batch_explorer": Call(viz_optim.batch_explorer, lambda: dict(batch_size=8), checks="types"),
    "optim.schedule_curve": Call(optim.schedule_curve, lambda: dict(name="one-cycle", lr=0.1, total=100, fraction=0.3)),
    "viz.optim.draw_schedule": Call(viz_optim.draw_schedule, lambda: dict(figure=figure(), name="one-cycle", lr=0.1, total=100, fraction=0.3), checks="types"),
    "viz.optim.schedule_explorer": Call(viz_optim.schedule_explorer, lambda: dict(name="one-cycle", lr=0.1, total=100, fraction=0.3), checks="types"),
    "regularization.polynomial_data": Call(regularization.polynomial_data, lambda: dict(n_train=10, n_val=20, noise=0.2, seed=1)),
    "regularization.legendre_features": Call(regularization.legendre_features, lambda: dict(x=tensor(6, low=-1, high=1), degree=3)),
    "regularization.fit_polynomial": Call(regularization.fit_polynomial, lambda: dict(x=tensor(10, low=-1, high=1), y=tensor(10, seed=1), degree=3, lam=0.01)),
    "regularization.polynomial_errors": Call(regularization.polynomial_errors, lambda: dict(degrees=[1, 3], lam=0.01, seed=1)),
    "viz.regularization.draw_polynomial": Call(viz_regularization.draw_polynomial, lambda: dict(figure=figure(), degree=3, log_lambda=-3.0), checks="types"),
    "viz.regularization.polynomial_explorer": Call(viz_regularization.polynomial_explorer, lambda: dict(degree=3, log_lambda=-3.0), checks="types"),
    "regularization.sparse_regression": Call(regularization.sparse_regression, lambda: dict(n=20, d=4, seed=1)),
    "regularization.coefficient_paths": Call(regularization.coefficient_paths, lambda: dict(lambdas=np.array([0.01, 0.1, 1.0]), seed=1), checks="types"),
    "viz.regularization.draw_paths": Call(viz_regularization.draw_paths, lambda: dict(figure=figure(), paths=regularization.coefficient_paths(np.array([0.01, 0.1, 1.0])),
                                                                                    lambdas=np.array([0.01, 0.1, 1.0]), index=1), checks="types"),
    "viz.regularization.path_explorer": Call(viz_regularization.path_explorer, lambda: dict(paths=regularization.coefficient_paths(np.array([0.01, 0.1, 1.0])),
                                                                                            lambdas=np.array([0.01, 0.1, 1.0]), index=1), checks="types"),
    "viz.regularization.draw_dropout": Call(viz_regularization.draw_dropout, lambda: dict(figure=figure(), curves=_curves(), p=0.5), checks="types"),
    "viz.regularization.dropout_explorer": Call(viz_regularization.dropout_explorer, lambda: dict(curves=_curves(), p=0.5), checks="types"),
    # -------------------------------------------------------------------- sequences
    "sequences.attention_weights": Call(sequences.attention_weights, lambda: dict(query=tensor(2, 3, 4), key=tensor(2, 5, 4, seed=1), attn_mask=None,
                                                                                  is_causal=False, scale=None)),
    "sequences.scaled_dot_product_attention": Call(sequences.scaled_dot_product_attention,
                                                   lambda: dict(query=tensor(2, 3, 4), key=tensor(2, 5, 4, seed=1), value=tensor(2, 5, 3, seed=2),
                                                                attn_mask=None, is_causal=False, scale=0.5), lambda **kw: F.scaled_dot_product_attention(**kw)),
    "sequences.causal_mask": Call(sequences.causal_mask, lambda: dict(query_length=3, key_length=5)),
    "sequences.MultiheadAttention": Call(lambda query, embed_dim, num_heads: _seeded(sequences.MultiheadAttention, embed_dim, num_heads).double()(query, query, query)[0],
                                         lambda: dict(query=tensor(2, 3, 8), embed_dim=8, num_heads=2),
                                         lambda query, embed_dim, num_heads: _seeded(torch.nn.MultiheadAttention, embed_dim, num_heads,
                                                                                     batch_first=True).double()(query, query, query)[0]),
    "sequences.sinusoidal_positions": Call(sequences.sinusoidal_positions, lambda: dict(length=5, dim=8, base=10000.0)),
    "sequences.rotary_embedding": Call(sequences.rotary_embedding, lambda: dict(x=tensor(2, 5, 8), positions=torch.arange(5), base=10000.0)),
    "sequences.rnn.rnn_cell": Call(rnn.rnn_cell, lambda: dict(input=tensor(3, 4), hx=tensor(3, 5, seed=1), w_ih=tensor(5, 4, seed=2), w_hh=tensor(5, 5, seed=3),
                                                              b_ih=tensor(5, seed=4), b_hh=tensor(5, seed=5)),
                                   lambda input, hx, w_ih, w_hh, b_ih, b_hh: torch.rnn_tanh_cell(input, hx, w_ih, w_hh, b_ih, b_hh)),
    "sequences.rnn.lstm_gates": Call(lambda input, h, c, w_ih, w_hh: torch.stack(rnn.lstm_gates(input, (h, c), w_ih, w_hh)),
                                     lambda: dict(input=tensor(3, 4), h=tensor(3, 5, seed=1), c=tensor(3, 5, seed=6), w_ih=tensor(20, 4, seed=2),
                                                  w_hh=tensor(20, 5, seed=3))),
    "sequences.rnn.lstm_cell": Call(lambda input, h, c, w_ih, w_hh, b_ih: torch.stack(rnn.lstm_cell(input, (h, c), w_ih, w_hh, b_ih)),
                                    lambda: dict(input=tensor(3, 4), h=tensor(3, 5, seed=1), c=tensor(3, 5, seed=6), w_ih=tensor(20, 4, seed=2),
                                                 w_hh=tensor(20, 5, seed=3), b_ih=tensor(20, seed=4)),
                                    lambda input, h, c, w_ih, w_hh, b_ih: torch.stack(torch.lstm_cell(input, (h, c), w_ih, w_hh, b_ih))),
    "sequences.rnn.gru_gates": Call(lambda input, hx, w_ih, w_hh: torch.stack(rnn.gru_gates(input, hx, w_ih, w_hh)),
                                    lambda: dict(input=tensor(3, 4), hx=tensor(3, 5, seed=1), w_ih=tensor(15, 4, seed=2), w_hh=tensor(15, 5, seed=3))),
    "sequences.rnn.gru_cell": Call(rnn.gru_cell, lambda: dict(input=tensor(3, 4), hx=tensor(3, 5, seed=1), w_ih=tensor(15, 4, seed=2), w_hh=tensor(15, 5, seed=3),
                                                              b_ih=tensor(15, seed=4), b_hh=tensor(15, seed=5)),
                                   lambda input, hx, w_ih, w_hh, b_ih, b_hh: torch.gru_cell(input, hx, w_ih, w_hh, b_ih, b_hh)),
    **{f"sequences.rnn.{kind}": Call(lambda input, hidden_size, kind=kind: _seeded(getattr(rnn, kind), 4, hidden_size).double()(input)[0],
                                     lambda: dict(input=tensor(6, 2, 4), hidden_size=5),
                                     lambda input, hidden_size, kind=kind: _seeded(getattr(torch.nn, kind), 4, hidden_size).double()(input)[0])
       for kind in ("RNN", "LSTM", "GRU")},
    "sequences.rnn.initial_layer": Call(lambda kind, keep_bias, seed: rnn.initial_layer(kind, 3, 4, keep_bias=keep_bias, seed=seed).bias_hh_l0,
                                        lambda: dict(kind="LSTM", keep_bias=1.0, seed=2)),
    "sequences.rnn.gate_trace": Call(lambda input: rnn.gate_trace(rnn.initial_layer("LSTM", 3, 4), input)["h"], lambda: dict(input=tensor(6, 3))),
    "sequences.rnn.gradient_through_time": Call(lambda input: rnn.gradient_through_time(rnn.initial_layer("GRU", 3, 4), input), lambda: dict(input=tensor(6, 3))),
    "sequences.rnn.RecurrentTagger": Call(lambda tokens, vocab_size: _seeded(rnn.RecurrentTagger, vocab_size, 4, 5)(tokens),
                                          lambda: dict(tokens=labels(6, 5).reshape(2, 3), vocab_size=6)),
    "sequences.transformer.KVCache": Call(lambda keys, values: transformer.KVCache().extend(keys, values)[0],
                                          lambda: dict(keys=tensor(1, 2, 3, 4), values=tensor(1, 2, 3, 4, seed=1))),
    "sequences.transformer.SelfAttention": Call(lambda x, dim, num_heads: _seeded(transformer.SelfAttention, dim, num_heads).double()(x),
                                                lambda: dict(x=tensor(2, 3, 8), dim=8, num_heads=2)),
    "sequences.transformer.TransformerBlock": Call(lambda x, dim, num_heads, hidden: _seeded(transformer.TransformerBlock, dim, num_heads, hidden).double()(x),
                                                   lambda: dict(x=tensor(2, 3, 8), dim=8, num_heads=2, hidden=12)),
    "sequences.transformer.TinyTransformer": Call(lambda tokens, vocab_size, dim: _seeded(transformer.TinyTransformer, vocab_size, dim, 2, 1)(tokens),
                                                  lambda: dict(tokens=labels(6, 5).reshape(2, 3), vocab_size=6, dim=8)),
    "sequences.transformer.sequence_loss": Call(transformer.sequence_loss, lambda: dict(logits=tensor(2, 3, 5), targets=labels(6, 5).reshape(2, 3)),
                                                lambda logits, targets: F.cross_entropy(logits.flatten(0, 1), targets.flatten())),
    "sequences.transformer.train_sequence_model": Call(lambda steps, lr, batch_size: transformer.train_sequence_model(
        _seeded(transformer.TinyTransformer, 5, 8, 2, 1).double(), data.sorting_sequences(16, 2, 4), steps=steps, lr=lr, batch_size=batch_size),
        lambda: dict(steps=2, lr=0.01, batch_size=4), nan_is_the_answer={"lr": "at lr = 1e300 the run diverges and its losses are NaN, as in torch"}),
    "sequences.transformer.sequence_accuracy": Call(lambda n: transformer.sequence_accuracy(_seeded(transformer.TinyTransformer, 5, 8, 2, 1),
                                                                                            data.sorting_sequences(n, 2, 4)), lambda: dict(n=8)),
    "sequences.autograd.Scalar": Call(lambda value: ((autograd.Scalar(value) * 2.0).tanh() + 1.0).value, lambda: dict(value=0.5)),
    "data.sorting_sequences": Call(data.sorting_sequences, lambda: dict(n=4, length=3, vocab=5, seed=0)),
    "check.sequences.attention_cases": Call(check_sequences.attention_cases, lambda: dict(seed=0, n_random=2)),
    "check.sequences.check_attention": Call(check_sequences.check_attention, lambda: dict(fn=sequences.scaled_dot_product_attention)),
    "viz.sequences.attention_example": Call(viz_sequences.attention_example, lambda: dict(dim=8, mask="causal", seed=1)),
    "viz.sequences.draw_attention": Call(viz_sequences.draw_attention, lambda: dict(figure=figure(), dim=16, scaled=True, mask="padding", query=3), checks="types"),
    "viz.sequences.attention_explorer": Call(viz_sequences.attention_explorer, lambda: dict(dim=16, scaled=False, mask="none", query=2), checks="types"),
    "viz.sequences.draw_gates": Call(viz_sequences.draw_gates, lambda: dict(figure=figure(), kind="GRU", keep_bias=1.0, length=12), checks="types"),
    "viz.sequences.gate_explorer": Call(viz_sequences.gate_explorer, lambda: dict(kind="LSTM", keep_bias=1.0, length=20), checks="types"),
}

NOT_CALLED = {
    # Result types: NamedTuples that hold what a function returns; they are built by the functions above.
    **{name: "a result type (NamedTuple) returned by a function above" for name in (
        "activations.approximation.UnitFit", "bayes.DiagnosticTest", "bayes.BetaPosterior", "bayes.SimulatedTest", "cluster.KMeansResult", "data.Split",
        "distill.Quantized", "activations.gradflow.Flow", "optim.landscape.Surface", "metrics.PrecisionRecallFscore", "metrics.ThresholdCounts", "metrics.RocCurve",
        "metrics.PrecisionRecallCurve", "optim.Trajectory", "losses.robust.Line",
        "conv.ReceptiveField", "conv.augment.MixedBatch", "data.SequenceTask", "sequences.rnn.LSTMGates", "sequences.rnn.GRUGates",
    )},
    "chapters.Chapter": "a record of the chapter map, built once in dlcore.chapters and checked by tests/test_chapter_map.py",
    "norm.Normalize": "an autograd Function, the readable form of the layers' speed path; called through batch_norm, layer_norm, "
                      "instance_norm and group_norm, which validate their input",
    "metrics.UndefinedMetricWarning": "a warning class",
    **{f"viz.frames.{name}": "builds the HTML book's frames and the PDF's previews from explorers and files, when a chapter "
                             "is executed (scripts/execute_notebooks.py, scripts/build_pdf.py); tests/test_frames.py tests it"
       for name in ("Frame", "control_state", "render_frames", "sheets", "describe", "export_frames", "frames_script",
                    "read_frames_script", "export_previews")},
    "utils.BookVersionWarning": "a warning class",
    **{name: "a validator: its message names the caller's argument (name=...); exercised by every viz function that uses it"
       for name in ("viz.within", "viz.one_of")},
}

_CURVES = {}


def _curves():
    if not _CURVES:  # what chapter 6 trains, in miniature
        _CURVES.update({p: {"loss": [1.0, 0.5], "val_accuracy": [0.7, 0.8], "train_accuracy": 0.9} for p in (0.0, 0.5)})
    return dict(_CURVES)


def _seeded(cls, *args, **kwargs):
    torch.manual_seed(0)
    return cls(*args, **kwargs)


def _with_grads(parameters):
    """Fresh leaf copies whose gradients are the caller's values (the caller's tensors stay as they are)."""
    copies = []
    for p in parameters:
        q = torch.zeros_like(torch.as_tensor(p, dtype=torch.float64), requires_grad=True)
        q.grad = torch.as_tensor(p, dtype=torch.float64).detach().clone()
        copies.append(q)
    return copies


def _set_lr(lr):
    opt = optim.SGD([torch.zeros(2, requires_grad=True)], lr=0.1)
    optim.set_lr(opt, lr)
    return opt.param_groups[0]["lr"]


def _measure():
    model = torch.nn.Linear(4, 2)
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    x = torch.randn(3, 4)
    return memory.measure_training_memory(model, opt, lambda: model(x).square().sum())
