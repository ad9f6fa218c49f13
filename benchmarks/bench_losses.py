"""dlcore.losses.cross_entropy against torch.nn.functional.cross_entropy: forward + backward, float32.

    python benchmarks/bench_losses.py

The budget: at most 3x the fused built-in. dlcore's cross-entropy is log-softmax, a
gather and a mean, each differentiated by autograd; torch fuses log-softmax with its
backward and picks the target entries in one NLL kernel.
"""

import torch
import torch.nn.functional as F

from _timing import compare, devices, header
from dlcore import losses

CASES = {
    "4096 samples x 1000 classes": (4096, 1000, 0.0),
    "4096 samples x 1000 classes, label smoothing 0.1": (4096, 1000, 0.1),
    "65536 samples x 10 classes": (65536, 10, 0.0),
}


def forward_backward(loss, logits, target, smoothing):
    def run():
        logits.grad = None
        loss(logits, target, label_smoothing=smoothing).backward()
    return run


def main() -> None:
    for device in devices():
        header(f"cross-entropy from logits, forward + backward, float32 ({device})", theirs="F.cross_entropy")
        for label, (n, classes, smoothing) in CASES.items():
            generator = torch.Generator().manual_seed(0)
            logits = (3 * torch.randn(n, classes, generator=generator)).to(device).requires_grad_(True)
            target = torch.randint(classes, (n,), generator=generator).to(device)
            compare(f"{label} ({device})", forward_backward(losses.cross_entropy, logits, target, smoothing),
                    forward_backward(F.cross_entropy, logits, target, smoothing), device=device,
                    target=3.0 if device == "cpu" else None)


if __name__ == "__main__":
    main()
