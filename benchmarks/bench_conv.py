"""dlcore.conv against torch.nn.functional: convolution and max pooling, forward + backward, float32.

    python benchmarks/bench_conv.py

dlcore's conv2d stacks the input slices each kernel offset sees (im2col) and makes one
batched matrix product, so the book can show the equation autograd differentiates;
conv2d_by_offsets is Eq. (eq-conv2d) read literally, one small product per offset. torch
runs oneDNN's direct convolution on a CPU (cuDNN's chosen algorithm on a GPU) and a
fused pooling kernel. No budget applies: the ratio says what the readable version
costs, and no model should use it in place of torch's.
"""

import torch
import torch.nn.functional as F

from _timing import compare, devices, forward_backward, header
from dlcore import conv

CASES = {
    "conv2d 3x3, 64->64 ch, 32x64x32x32": ((32, 64, 32, 32), (64, 64, 3, 3), dict(padding=1)),
    "conv2d 3x3 /2, 32->64 ch, 32x32x64x64": ((32, 32, 64, 64), (64, 32, 3, 3), dict(stride=2, padding=1)),
    "conv2d 1x1, 256->64 ch, 32x256x16x16": ((32, 256, 16, 16), (64, 256, 1, 1), dict()),
}


def main() -> None:
    for device in devices():
        header(f"convolution and pooling, forward + backward, float32 ({device})", theirs="torch.nn.functional")
        generator = torch.Generator().manual_seed(0)
        for label, (input_shape, weight_shape, kwargs) in CASES.items():
            x = torch.randn(input_shape, generator=generator).to(device).requires_grad_(True)
            w = torch.randn(weight_shape, generator=generator).to(device).requires_grad_(True)
            compare(f"{label} ({device})", forward_backward(conv.conv2d, x, w, **kwargs),
                    forward_backward(F.conv2d, x, w, **kwargs), device=device, repeats=7)
        x = torch.randn(32, 64, 32, 32, generator=generator).to(device).requires_grad_(True)
        w = torch.randn(64, 64, 3, 3, generator=generator).to(device).requires_grad_(True)
        compare(f"conv2d_by_offsets 3x3, 64->64 ch ({device})", forward_backward(conv.conv2d_by_offsets, x, w, padding=1),
                forward_backward(F.conv2d, x, w, padding=1), device=device, repeats=7)
        compare(f"max_pool2d 2x2, 32x64x32x32 ({device})", forward_backward(conv.max_pool2d, x, kernel_size=2),
                forward_backward(F.max_pool2d, x, kernel_size=2), device=device, repeats=7)


if __name__ == "__main__":
    main()
