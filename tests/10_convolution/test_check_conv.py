"""dlcore.check.conv: the reference passes, wrong readers fail with a useful report."""

import torch
import torch.nn.functional as F

from dlcore.check.conv import check_conv2d


def by_im2col(x, w, b, stride, padding):
    n, _, h, wd = x.shape
    out_h, out_w = (h + 2 * padding - w.shape[2]) // stride + 1, (wd + 2 * padding - w.shape[3]) // stride + 1
    columns = F.unfold(x, w.shape[2:], padding=padding, stride=stride)
    return (w.reshape(w.shape[0], -1) @ columns + b[:, None]).reshape(n, -1, out_h, out_w)


def test_torch_and_an_im2col_reader_pass():
    assert check_conv2d(lambda x, w, b, stride, padding: F.conv2d(x, w, b, stride, padding))
    assert check_conv2d(by_im2col)


def test_a_true_convolution_a_forgotten_bias_and_a_wrong_output_size_fail(capsys):
    def flipped_kernel(x, w, b, stride, padding):  # the mathematician's convolution, not the frameworks'
        return by_im2col(x, w.flip(-1, -2), b, stride, padding)

    def no_bias(x, w, b, stride, padding):
        return by_im2col(x, w, torch.zeros_like(b), stride, padding)

    def ceil_size(x, w, b, stride, padding):  # ⌈…⌉ instead of ⌊…⌋ in the output size
        out = by_im2col(x, w, b, stride, padding)
        return out if (x.shape[2] + 2 * padding - w.shape[2]) % stride == 0 else F.pad(out, (0, 0, 0, 1))

    def ignores_stride(x, w, b, stride, padding):
        return by_im2col(x, w, b, 1, padding)

    for wrong in (flipped_kernel, no_bias, ceil_size, ignores_stride):
        assert not check_conv2d(wrong), wrong.__name__
    out = capsys.readouterr().out
    assert "one channel, a 2×2 kernel" in out and "stride 2" in out
