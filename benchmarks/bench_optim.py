"""dlcore.optim against torch.optim's single-tensor path (``foreach=False``): 50 steps of each optimizer.

    python benchmarks/bench_optim.py

BOOK.md's budget: an optimizer step within 1.3x of torch.optim's single-tensor path. The
parameters are those of an MLP 1024-1024-1024-10 (about 2.1 million numbers in 6 tensors)
with fixed gradients, so only the update is timed. torch's default on a GPU is the
``foreach`` path, which is faster than either; it is printed for reference there.
"""

import torch

from _timing import compare, header
from dlcore import optim

SHAPES = [(1024, 1024), (1024,), (1024, 1024), (1024,), (10, 1024), (10,)]
OPTIMIZERS = {
    "SGD (momentum 0.9, Nesterov)": ("SGD", dict(lr=0.01, momentum=0.9, nesterov=True)),
    "Adagrad": ("Adagrad", dict(lr=0.01)),
    "RMSprop (centred, momentum)": ("RMSprop", dict(lr=0.01, centered=True, momentum=0.9)),
    "Adam": ("Adam", dict(lr=1e-3)),
    "AdamW": ("AdamW", dict(lr=1e-3, weight_decay=0.01)),
}


def stepper(cls, hyper, device, steps=50):
    generator = torch.Generator().manual_seed(0)
    params = [torch.randn(s, generator=generator).to(device).requires_grad_(True) for s in SHAPES]
    for p in params:
        p.grad = torch.randn(p.shape, generator=generator).to(device) * 0.01
    opt = cls(params, **hyper)

    def run():
        for _ in range(steps):
            opt.step()
    return run


def main() -> None:
    devices = [torch.device("cpu")] + ([torch.device("cuda")] if torch.cuda.is_available() else [])
    for device in devices:
        sync = torch.cuda.synchronize if device.type == "cuda" else (lambda: None)
        header(f"50 optimizer steps on 2.1M parameters, {device.type}", "dlcore", "torch (1 tensor)")
        worst = 0.0
        for label, (name, hyper) in OPTIMIZERS.items():
            ratio = compare(label, stepper(getattr(optim, name), hyper, device),
                            stepper(getattr(torch.optim, name), dict(hyper, foreach=False), device), sync=sync)
            worst = max(worst, ratio)
        print(f"{'slowest ratio (budget 1.3x)':<44} {worst:34.2f}x")
        if device.type == "cuda":
            header("torch's default foreach path on the GPU, for reference", "dlcore", "torch foreach")
            compare("AdamW", stepper(optim.AdamW, dict(lr=1e-3), device),
                    stepper(torch.optim.AdamW, dict(lr=1e-3, foreach=True), device), sync=sync)


if __name__ == "__main__":
    main()
