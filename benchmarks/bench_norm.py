"""dlcore.norm layers against torch.nn's fused ones: forward + backward, float32, in training mode.

    python benchmarks/bench_norm.py

The budget in docs/DESIGN.md: at most 3x the fused built-ins. dlcore writes each
normalisation from reductions and element-wise operations that autograd differentiates
(so the book can show the formula); torch runs one kernel per direction.
"""

import torch
from torch import nn

from _timing import compare, devices, header
from dlcore import norm

LAYERS = {
    "LayerNorm(1024), x of 4096 x 1024": (lambda: norm.LayerNorm(1024), lambda: nn.LayerNorm(1024), (4096, 1024)),
    "RMSNorm(1024), x of 4096 x 1024": (lambda: norm.RMSNorm(1024), lambda: nn.RMSNorm(1024), (4096, 1024)),
    "BatchNorm(64), x of 64 x 64 x 32 x 32": (lambda: norm.BatchNorm(64), lambda: nn.BatchNorm2d(64), (64, 64, 32, 32)),
}


def forward_backward(layer: nn.Module, x: torch.Tensor, upstream: torch.Tensor):
    def run():
        x.grad = None
        layer.zero_grad(set_to_none=True)
        layer(x).backward(upstream)
    return run


def main() -> None:
    for device in devices():
        header(f"normalization, forward + backward, float32 ({device})", theirs="torch.nn")
        for label, (ours, theirs, shape) in LAYERS.items():
            generator = torch.Generator().manual_seed(0)
            x = torch.randn(shape, generator=generator).to(device).requires_grad_(True)
            upstream = torch.randn(shape, generator=generator).to(device)
            compare(f"{label} ({device})", forward_backward(ours().to(device), x, upstream),
                    forward_backward(theirs().to(device), x, upstream), device=device,
                    target=3.0 if device == "cpu" else None)


if __name__ == "__main__":
    main()
