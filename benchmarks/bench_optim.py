"""One optimizer step of dlcore.optim against torch.optim, on the parameters of a 5-million-parameter MLP.

    python benchmarks/bench_optim.py

The budget in docs/DESIGN.md: within 1.3x of torch.optim's single-tensor path (``foreach=False``),
which runs the same update one parameter tensor at a time, as dlcore does. torch's
``foreach=True`` path (its default on a GPU) updates all tensors in a few fused
multi-tensor kernels; it is timed too, for reference. The gradients are fixed, so only
the update is timed.
"""

import torch
from torch import nn

from _timing import compare, devices, header
from dlcore import optim

STEPS = 10  # steps per timed call; times are reported per step
OPTIMIZERS = {
    "SGD (momentum 0.9)": ("SGD", dict(lr=0.01, momentum=0.9)),
    "SGD (momentum 0.9, Nesterov)": ("SGD", dict(lr=0.01, momentum=0.9, nesterov=True)),
    "Adagrad": ("Adagrad", dict(lr=0.01)),
    "RMSprop (centred, momentum)": ("RMSprop", dict(lr=0.01, centered=True, momentum=0.9)),
    "Adam": ("Adam", dict(lr=1e-3)),
    "AdamW": ("AdamW", dict(lr=1e-3, weight_decay=0.01)),
}


def mlp_parameters(device: str) -> list[torch.Tensor]:
    """1000-2000-1500-10: 5,018,510 parameters in 6 tensors, each with a fixed random gradient."""
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(1000, 2000), nn.ReLU(), nn.Linear(2000, 1500), nn.ReLU(), nn.Linear(1500, 10)).to(device)
    params = list(model.parameters())
    for p in params:
        p.grad = torch.randn_like(p) * 0.01
    return params


def stepper(cls, hyper, device):
    opt = cls(mlp_parameters(device), **hyper)

    def run():
        for _ in range(STEPS):
            opt.step()
    return run


def main() -> None:
    count = sum(p.numel() for p in mlp_parameters("cpu"))
    for device in devices():
        for foreach in (False, True):
            path = "foreach" if foreach else "1 tensor"
            header(f"one optimizer step, MLP of {count:,} parameters, float32 ({device}), torch {path}",
                   "dlcore", f"torch ({path})")
            for label, (name, hyper) in OPTIMIZERS.items():
                compare(f"{label} ({device})", stepper(getattr(optim, name), hyper, device),
                        stepper(getattr(torch.optim, name), dict(hyper, foreach=foreach), device),
                        device=device, calls=STEPS, target=None if foreach else 1.3)


if __name__ == "__main__":
    main()
