"""dlcore.sequences against torch: attention and the LSTM, forward + backward, float32.

    python benchmarks/bench_sequences.py

dlcore's scaled_dot_product_attention writes the (L × S) weights matrix out, as Eq.
(eq-attention) reads; torch's dispatches to a fused kernel (FlashAttention-style on a GPU,
a blocked one on a CPU) that never stores it whole. dlcore's LSTM runs its cell in a
Python loop, one small matrix product per step and layer; torch's calls one fused routine
(cuDNN on a GPU) for the whole sequence. No budget applies: the ratios say what the
readable versions cost.
"""

import torch
import torch.nn.functional as F

from _timing import compare, devices, forward_backward, header
from dlcore import sequences
from dlcore.sequences import rnn

ATTENTION = {  # (batch, heads, length, head width)
    "attention, 8 heads, L=256, d=64": (8, 8, 256, 64),
    "attention, 8 heads, L=1024, d=64": (2, 8, 1024, 64),
}


def main() -> None:
    for device in devices():
        header(f"attention and the LSTM, forward + backward, float32 ({device})", theirs="torch")
        generator = torch.Generator().manual_seed(0)
        for label, (batch, heads, length, width) in ATTENTION.items():
            q, k, v = (torch.randn(batch, heads, length, width, generator=generator).to(device).requires_grad_(True) for _ in range(3))
            for causal in (False, True):
                compare(f"{label}{', causal' if causal else ''} ({device})",
                        forward_backward(sequences.scaled_dot_product_attention, q, k, v, is_causal=causal),
                        forward_backward(F.scaled_dot_product_attention, q, k, v, is_causal=causal), device=device, repeats=7)
        x = torch.randn(32, 100, 64, generator=generator).to(device).requires_grad_(True)
        torch.manual_seed(0)
        ours = rnn.LSTM(64, 128, num_layers=2, batch_first=True).to(device)
        theirs = torch.nn.LSTM(64, 128, num_layers=2, batch_first=True).to(device)
        theirs.load_state_dict(ours.state_dict())
        compare(f"LSTM 2 layers, 64->128, batch 32, L=100 ({device})", forward_backward(ours, x), forward_backward(theirs, x),
                device=device, repeats=5)


if __name__ == "__main__":
    main()
