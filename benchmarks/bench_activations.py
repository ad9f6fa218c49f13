"""dlcore.activations against torch.nn.functional: forward + backward on 10^6 floats.

    python benchmarks/bench_activations.py

dlcore writes each activation from elementary operations (so the book can show the
formula autograd differentiates); torch runs one fused kernel per direction. The
ratio says what that clarity costs; no budget applies (docs/DESIGN.md sets none for
activations), and no model should use these in place of torch's.
"""

import torch
import torch.nn.functional as F

from _timing import compare, devices, header
from dlcore import activations

N = 10**6

PAIRS = {
    "sigmoid": (activations.sigmoid, torch.sigmoid),
    "tanh": (activations.tanh, torch.tanh),
    "relu": (activations.relu, F.relu),
    "gelu": (activations.gelu, F.gelu),
    "gelu (tanh)": (lambda x: activations.gelu(x, approximate="tanh"), lambda x: F.gelu(x, approximate="tanh")),
    "silu": (activations.silu, F.silu),
    "softmax (1000 rows of 1000)": (lambda x: activations.softmax(x.view(1000, 1000)), lambda x: F.softmax(x.view(1000, 1000), dim=-1)),
}


def forward_backward(fn, x):
    def run():
        x.grad = None
        fn(x).sum().backward()
    return run


def main() -> None:
    torch.manual_seed(0)
    for device in devices():
        x = (torch.randn(N, device=device) * 5).requires_grad_(True)
        header(f"activations, forward + backward, n = {N:,} float32 ({device})", theirs="torch")
        for name, (ours, theirs) in PAIRS.items():
            compare(f"{name} ({device})", forward_backward(ours, x), forward_backward(theirs, x), device=device)


if __name__ == "__main__":
    main()
