"""dlcore on a CUDA device against torch on the same device (skipped where there is none).

CI has no GPU; these run wherever one is lent (`python -m pytest tests/test_cuda.py`),
and prove that the code paths that take a ``device`` work there too.
"""

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from sklearn import metrics as sk

from dlcore import activations, cluster, distill, losses, metrics, norm, optim, regularization
from dlcore.activations import gradflow, init
from dlcore.optim import memory
from dlcore.activations.approximation import fit_hidden_units

pytestmark = pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
CUDA = torch.device("cuda")
TIGHT = dict(rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("name,ours,theirs", [
    ("sigmoid", activations.sigmoid, torch.sigmoid), ("tanh", activations.tanh, torch.tanh),
    ("relu", activations.relu, F.relu), ("elu", activations.elu, F.elu), ("gelu", activations.gelu, F.gelu),
    ("gelu_tanh", lambda x: activations.gelu(x, approximate="tanh"), lambda x: F.gelu(x, approximate="tanh")),
    ("silu", activations.silu, F.silu), ("softmax", activations.softmax, lambda x: F.softmax(x, -1)),
    ("log_softmax", activations.log_softmax, lambda x: F.log_softmax(x, -1)), ("glu", activations.glu, F.glu),
])
def test_activations_on_cuda_equal_torchs_values_and_gradients(name, ours, theirs):
    x = torch.cat([torch.linspace(-60, 60, 1200, dtype=torch.float64), torch.tensor([1e4, -1e4, 0.0, 1e-12])]).to(CUDA)
    results = []
    for fn in (ours, theirs):
        x_ = x.clone().requires_grad_(True)
        y = fn(x_)
        y.backward(torch.linspace(-1, 1, y.numel(), dtype=y.dtype, device=CUDA).reshape(y.shape))
        results.append((y.detach(), x_.grad))
    (y, g), (y_ref, g_ref) = results
    assert y.device.type == "cuda" and torch.isfinite(y).all() and torch.isfinite(g).all()
    torch.testing.assert_close(y, y_ref, **TIGHT)
    torch.testing.assert_close(g, g_ref, **TIGHT)


def test_swiglu_runs_on_cuda_in_bfloat16():
    block = activations.SwiGLU(64, 172).to(CUDA, torch.bfloat16)
    x = torch.randn(8, 64, device=CUDA, dtype=torch.bfloat16)
    expected = block.down_proj(F.silu(block.gate_proj(x)) * block.up_proj(x))
    out = block(x)
    assert out.dtype == torch.bfloat16 and out.device.type == "cuda"
    torch.testing.assert_close(out, expected, rtol=2e-2, atol=1e-2)  # bf16 keeps 8 bits: roundings differ


@pytest.mark.parametrize("name", ["xavier_uniform_", "xavier_normal_", "kaiming_uniform_", "kaiming_normal_"])
def test_init_on_cuda_draws_what_torch_draws(name):
    ours, theirs = torch.empty(256, 128, device=CUDA), torch.empty(256, 128, device=CUDA)
    getattr(init, name)(ours, generator=torch.Generator(device=CUDA).manual_seed(5))
    getattr(torch.nn.init, name)(theirs, generator=torch.Generator(device=CUDA).manual_seed(5))
    assert torch.equal(ours, theirs)


def test_measure_flow_on_cuda_matches_the_cpu_in_float64():
    torch.manual_seed(2)
    model = gradflow.DeepMLP(20, 32, activation="tanh", init_name="xavier", dtype=torch.float64)
    x, y = torch.randn(64, 32, dtype=torch.float64), torch.randn(64, 1, dtype=torch.float64)
    on_cpu = gradflow.measure_flow(model, x, y)
    on_gpu = gradflow.measure_flow(model.to(CUDA), x.to(CUDA), y.to(CUDA))
    torch.testing.assert_close(on_gpu.grad_norms, on_cpu.grad_norms, rtol=1e-9, atol=1e-12)


def test_gradient_flow_builds_on_the_device_and_shows_the_same_regimes():
    model = gradflow.DeepMLP(3, 8, device=CUDA)
    assert all(p.device.type == "cuda" for p in model.parameters())
    healthy = gradflow.gradient_flow(30, 64, activation="relu", init_name="he", device=CUDA)
    vanishing = gradflow.gradient_flow(30, 64, activation="sigmoid", init_name="xavier", device=CUDA)
    assert 0.1 < healthy.grad_norms[0] / healthy.grad_norms[-1] < 10
    assert vanishing.grad_norms[0] < 1e-10 * vanishing.grad_norms[-1]


def test_hidden_unit_fit_on_cuda():
    x = torch.linspace(-3, 3, 200, dtype=torch.float64)
    y = torch.sin(2 * x)
    on_gpu = fit_hidden_units(x.to(CUDA), y.to(CUDA), 12)
    assert on_gpu.rmse == pytest.approx(fit_hidden_units(x, y, 12).rmse, rel=1e-6)


def test_roc_auc_ranks_on_cuda_equals_sklearn_with_ties():
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 2, 100_000)
    scores = np.round(rng.normal(size=labels.size) + labels, 2)
    ours = metrics.roc_auc_ranks(torch.from_numpy(labels).to(CUDA), torch.from_numpy(scores).to(CUDA))
    assert ours == pytest.approx(sk.roc_auc_score(labels, scores), abs=1e-12)


@pytest.mark.parametrize("name,ours,theirs", [
    ("bce_with_logits", lambda x, y: losses.bce_with_logits(x, y, pos_weight=3.0),
     lambda x, y: F.binary_cross_entropy_with_logits(x, y, pos_weight=torch.tensor(3.0, dtype=x.dtype, device=x.device))),
    ("focal gamma 0", lambda x, y: losses.focal_loss(x, y, gamma=0.0), F.binary_cross_entropy_with_logits),
    ("huber", lambda x, y: losses.huber(x, y, 0.5), lambda x, y: F.huber_loss(x, y, delta=0.5)),
])
def test_binary_losses_on_cuda_equal_torchs(name, ours, theirs):
    generator = torch.Generator().manual_seed(0)
    x = torch.cat([torch.randn(100, generator=generator, dtype=torch.float64) * 5, torch.tensor([1e4, -1e4])]).to(CUDA)
    y = torch.cat([torch.randint(0, 2, (100,), generator=generator).double(), torch.tensor([0.0, 1.0])]).to(CUDA)
    results = []
    for fn in (ours, theirs):
        x_ = x.clone().requires_grad_(True)
        value = fn(x_, y)
        value.backward()
        results.append((value.detach(), x_.grad))
    torch.testing.assert_close(results[0][0], results[1][0], **TIGHT)
    torch.testing.assert_close(results[0][1], results[1][1], **TIGHT)


def test_cross_entropy_on_cuda_equals_torchs_with_smoothing_and_weights():
    generator = torch.Generator().manual_seed(1)
    logits = (torch.randn(64, 10, generator=generator, dtype=torch.float64) * 8).to(CUDA)
    target = torch.randint(0, 10, (64,), generator=generator).to(CUDA)
    weight = torch.rand(10, generator=generator, dtype=torch.float64).to(CUDA)
    ours = losses.cross_entropy(logits, target, weight=weight, label_smoothing=0.1)
    torch.testing.assert_close(ours, F.cross_entropy(logits, target, weight=weight, label_smoothing=0.1), **TIGHT)


def test_kmeans_on_cuda_equals_the_cpu_from_the_same_start():
    from sklearn.datasets import make_blobs

    X, _ = make_blobs(20_000, centers=6, n_features=5, cluster_std=2.0, random_state=0)
    start = X[:6]
    on_cpu = cluster.kmeans(X, 6, init=start)
    on_gpu = cluster.kmeans(X, 6, init=start, device=CUDA)
    assert on_gpu.centers.device.type == "cuda"
    assert torch.equal(on_gpu.labels.cpu(), on_cpu.labels) and on_gpu.n_iter == on_cpu.n_iter
    torch.testing.assert_close(on_gpu.centers.cpu(), on_cpu.centers, rtol=1e-10, atol=1e-10)
    assert on_gpu.inertia == pytest.approx(on_cpu.inertia, rel=1e-10)
    seeded = cluster.kmeans_plus_plus(X, 6, seed=1, device=CUDA)
    assert seeded.device.type == "cuda" and seeded.shape == (6, 5)
    distances = cluster.pairwise_distances(torch.from_numpy(X[:500]).to(CUDA), metric="cosine")
    torch.testing.assert_close(distances.cpu(), cluster.pairwise_distances(X[:500], metric="cosine"), rtol=1e-9, atol=1e-9)
    labels = on_cpu.labels[:2000]
    assert cluster.silhouette_score(torch.from_numpy(X[:2000]).to(CUDA), labels.to(CUDA)) == pytest.approx(
        cluster.silhouette_score(X[:2000], labels), abs=1e-9)


@pytest.mark.parametrize("ours,theirs,shape", [
    (lambda: norm.BatchNorm(6), lambda: torch.nn.BatchNorm2d(6), (8, 6, 5, 5)),
    (lambda: norm.GroupNorm(3, 6), lambda: torch.nn.GroupNorm(3, 6), (4, 6, 5, 5)),
    (lambda: norm.LayerNorm(16), lambda: torch.nn.LayerNorm(16), (4, 7, 16)),
    (lambda: norm.RMSNorm(16), lambda: torch.nn.RMSNorm(16), (4, 7, 16)),
])
def test_norm_layers_on_cuda_equal_torchs(ours, theirs, shape):
    a, b = ours().to(CUDA, torch.float64), theirs().to(CUDA, torch.float64)
    b.load_state_dict(a.state_dict())
    for step in range(3):
        x = (torch.randn(*shape, generator=torch.Generator().manual_seed(step), dtype=torch.float64) * 3 + step).to(CUDA)
        xa, xb = x.clone().requires_grad_(True), x.clone().requires_grad_(True)
        ya, yb = a(xa), b(xb)
        ya.sum().backward(), yb.sum().backward()
        torch.testing.assert_close(ya, yb, rtol=1e-9, atol=1e-9)
        torch.testing.assert_close(xa.grad, xb.grad, rtol=1e-9, atol=1e-9)
    for p, q in zip(a.buffers(), b.buffers()):
        torch.testing.assert_close(p.double(), q.double(), rtol=1e-9, atol=1e-9)


def test_kd_loss_and_quantization_on_cuda():
    generator = torch.Generator().manual_seed(0)
    s, t = (torch.randn(32, 10, generator=generator, dtype=torch.float64).to(CUDA) for _ in range(2))
    y = torch.randint(0, 10, (32,), generator=generator).to(CUDA)
    reference = 0.9 * 16 * F.kl_div(F.log_softmax(s / 4, 1), F.softmax(t / 4, 1), reduction="batchmean") + 0.1 * F.cross_entropy(s, y)
    torch.testing.assert_close(distill.kd_loss(s, t, y, 4.0, 0.9), reference, **TIGHT)
    x = torch.randn(1000, generator=generator).to(CUDA)
    q = distill.quantize_int8(x)
    assert q.values.device.type == "cuda" and (distill.dequantize(q) - x).abs().max().item() <= q.scale / 2 + 1e-6


@pytest.mark.parametrize("name, hyper", [
    ("SGD", dict(lr=0.05, momentum=0.9, nesterov=True, weight_decay=1e-3)), ("Adagrad", dict(lr=0.1, lr_decay=1e-3)),
    ("RMSprop", dict(lr=0.01, centered=True, momentum=0.5)), ("Adam", dict(lr=0.01, amsgrad=True, weight_decay=0.1)),
    ("AdamW", dict(lr=0.01, weight_decay=0.1)),
])
@pytest.mark.parametrize("dtype", [torch.float64, torch.float32])
def test_optimizers_on_cuda_follow_torchs_single_tensor_path(name, hyper, dtype):
    generator = torch.Generator().manual_seed(0)
    start = torch.randn(64, 10, generator=generator, dtype=dtype).to(CUDA)
    X = torch.randn(256, 64, generator=generator, dtype=dtype).to(CUDA)
    y = torch.randint(0, 10, (256,), generator=generator).to(CUDA)
    weights = []
    for cls, extra in ((getattr(optim, name), {}), (getattr(torch.optim, name), {"foreach": False})):
        W = start.clone().requires_grad_(True)
        opt = cls([W], **hyper, **extra)
        for _ in range(200):
            opt.zero_grad()
            F.cross_entropy(X @ W, y).backward()
            opt.step()
        assert W.device.type == "cuda"
        weights.append(W.detach())
    torch.testing.assert_close(weights[0], weights[1], rtol=0, atol=1e-9 if dtype == torch.float64 else 1e-5)


def test_training_memory_is_measured_on_cuda_too():
    model = torch.nn.Sequential(torch.nn.Linear(32, 64), torch.nn.ReLU(), torch.nn.Linear(64, 4)).to(CUDA)
    X = torch.randn(16, 32, device=CUDA)
    measured = memory.measure_training_memory(model, optim.AdamW(model.parameters()), lambda: model(X).square().mean())
    predicted = memory.training_memory(sum(p.numel() for p in model.parameters()), "adamw", 4,
                                       memory.mlp_saved_activations(16, [32, 64, 4]))
    assert measured["optimizer_state"] == predicted["optimizer_state"]
    assert measured["activations"] == predicted["activations"] + 16 * 4 * 4


def test_dropout_clipping_and_augmentation_on_cuda():
    x = torch.ones(200_000, device=CUDA, dtype=torch.float64)
    out = regularization.dropout(x, 0.3)
    assert out.device.type == "cuda" and abs((out == 0).double().mean().item() - 0.3) < 0.01
    assert torch.equal(regularization.dropout(x, 0.3, training=False), x)
    params = [torch.zeros(5, 3, device=CUDA, requires_grad=True) for _ in range(2)]
    twins = [torch.zeros(5, 3, device=CUDA, requires_grad=True) for _ in range(2)]
    for p, q in zip(params, twins):
        p.grad = torch.randn(5, 3, device=CUDA) * 4
        q.grad = p.grad.clone()
    torch.testing.assert_close(regularization.clip_grad_norm_(params, 1.0), torch.nn.utils.clip_grad_norm_(twins, 1.0))
    images = regularization.augment_images(torch.rand(10, 64, device=CUDA), max_shift=1, noise=0.1, flip=True)
    assert images.device.type == "cuda" and images.shape == (10, 64)


@pytest.mark.parametrize("name", ["conv2d", "conv2d_by_offsets", "conv_transpose2d", "max_pool2d", "avg_pool2d", "adaptive_avg_pool2d"])
def test_convolution_and_pooling_on_cuda_equal_torchs_values_and_gradients(name):
    from dlcore import conv

    generator = torch.Generator().manual_seed(0)
    x = torch.randn(4, 6, 11, 9, generator=generator, dtype=torch.float64).to(CUDA)
    w = torch.randn(8, 3, 3, 2, generator=generator, dtype=torch.float64).to(CUDA)
    calls = {
        "conv2d": (lambda f, x: f(x, w, stride=2, padding=1, dilation=(1, 2), groups=2), conv.conv2d, F.conv2d),
        "conv2d_by_offsets": (lambda f, x: f(x, w, padding="same", groups=2), conv.conv2d_by_offsets, F.conv2d),
        "conv_transpose2d": (lambda f, x: f(x, w[:6], stride=2, padding=1, output_padding=1, groups=2), conv.conv_transpose2d,
                             F.conv_transpose2d),
        "max_pool2d": (lambda f, x: f(x, 3, 2, 1), conv.max_pool2d, F.max_pool2d),
        "avg_pool2d": (lambda f, x: f(x, 3, 2, 1), conv.avg_pool2d, F.avg_pool2d),
        "adaptive_avg_pool2d": (lambda f, x: f(x, (4, 3)), conv.adaptive_avg_pool2d, F.adaptive_avg_pool2d),
    }
    call, ours, theirs = calls[name]
    results = []
    for fn in (ours, theirs):
        x_ = x.clone().requires_grad_(True)
        y = call(fn, x_)
        y.backward(torch.ones_like(y))
        results.append((y.detach(), x_.grad))
    (y, g), (y_ref, g_ref) = results
    assert y.device.type == "cuda"
    torch.testing.assert_close(y, y_ref, **TIGHT)
    torch.testing.assert_close(g, g_ref, **TIGHT)


@pytest.mark.parametrize("causal", [False, True])
def test_attention_and_multihead_attention_on_cuda_equal_torchs(causal):
    from dlcore import sequences

    generator = torch.Generator().manual_seed(0)
    q, k, v = (torch.randn(2, 4, 9, 8, generator=generator, dtype=torch.float64).to(CUDA).requires_grad_(True) for _ in range(3))
    ours = sequences.scaled_dot_product_attention(q, k, v, is_causal=causal)
    ref = F.scaled_dot_product_attention(q, k, v, is_causal=causal)
    grads, ref_grads = torch.autograd.grad(ours.sum(), (q, k, v)), torch.autograd.grad(ref.sum(), (q, k, v))
    assert ours.device.type == "cuda"
    torch.testing.assert_close(ours, ref, **TIGHT)
    for a, b in zip(grads, ref_grads):
        torch.testing.assert_close(a, b, **TIGHT)
    torch.manual_seed(0)
    theirs = torch.nn.MultiheadAttention(16, 4, batch_first=True).double().to(CUDA)
    mine = sequences.MultiheadAttention(16, 4).double().to(CUDA)
    mine.load_state_dict(theirs.state_dict())
    x = torch.randn(3, 7, 16, generator=generator, dtype=torch.float64).to(CUDA)
    mask = ~sequences.causal_mask(7, device=CUDA) if causal else None
    torch.testing.assert_close(mine(x, x, x, attn_mask=mask)[0], theirs(x, x, x, attn_mask=mask)[0], **TIGHT)


@pytest.mark.parametrize("kind", ["RNN", "LSTM", "GRU"])
def test_recurrent_layers_on_cuda_equal_torchs(kind):
    from dlcore.sequences import rnn

    torch.manual_seed(0)
    theirs = getattr(torch.nn, kind)(5, 8, num_layers=2, batch_first=True).double().to(CUDA)
    ours = getattr(rnn, kind)(5, 8, num_layers=2, batch_first=True).double().to(CUDA)
    ours.load_state_dict(theirs.state_dict())
    x = torch.randn(3, 11, 5, dtype=torch.float64).to(CUDA)
    out, ref = ours(x)[0], theirs(x)[0]
    torch.testing.assert_close(out, ref, **TIGHT)
    out.sum().backward()
    ref.sum().backward()
    for p, q in zip(ours.parameters(), theirs.parameters()):
        torch.testing.assert_close(p.grad, q.grad, **TIGHT)


def test_the_transformer_decodes_on_cuda_with_the_cache_as_without():
    from dlcore.sequences import transformer

    torch.manual_seed(0)
    model = transformer.TinyTransformer(12, 32, 4, 2).double().to(CUDA).eval()
    prompt = torch.randint(0, 12, (2, 4)).to(CUDA)
    assert torch.equal(model.generate(prompt, 8), model.generate(prompt, 8, use_cache=False))
