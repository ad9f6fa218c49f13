"""The small Transformer: its block is the book's parts put together, the KV cache decodes exactly as
recomputation does, and the training helpers train any token model alike."""

import pytest
import torch

from dlcore import data, norm
from dlcore.activations import SwiGLU
from dlcore.sequences import causal_mask, rotary_embedding, scaled_dot_product_attention, transformer
from dlcore.sequences.transformer import KVCache, SelfAttention, TinyTransformer, TransformerBlock


def randn(*shape, seed=0):
    return torch.randn(shape, generator=torch.Generator().manual_seed(seed), dtype=torch.float64)


def test_the_pre_ln_block_is_the_equation():
    torch.manual_seed(0)
    block = TransformerBlock(16, 4, 24, norm="layer", rope=False).double()
    x = randn(2, 5, 16)
    a = block.attn
    heads = [p(block.norm1(x)).unflatten(-1, (4, 4)).transpose(1, 2) for p in (a.q_proj, a.k_proj, a.v_proj)]
    attended = a.o_proj(torch.nn.functional.scaled_dot_product_attention(*heads, is_causal=True).transpose(1, 2).flatten(-2))
    h = x + attended
    expected = h + block.ffn(torch.nn.functional.layer_norm(h, (16,), block.norm2.weight, block.norm2.bias))
    torch.testing.assert_close(block(x), expected)
    assert isinstance(block.ffn, SwiGLU) and isinstance(block.norm1, norm.LayerNorm)
    assert isinstance(TransformerBlock(16, 4).norm1, norm.RMSNorm)


def test_the_post_ln_block_normalises_after_the_residual_sum():
    torch.manual_seed(0)
    block = TransformerBlock(8, 2, prenorm=False, rope=False).double()
    x = randn(1, 4, 8)
    h = block.norm1(x + block.attn(x))
    torch.testing.assert_close(block(x), block.norm2(h + block.ffn(h)))


@pytest.mark.parametrize("positions", ["rope", "sinusoidal", "none"])
@pytest.mark.parametrize("prenorm", [True, False])
def test_decoding_with_the_kv_cache_equals_recomputing_everything(positions, prenorm):
    torch.manual_seed(1)
    model = TinyTransformer(12, 16, 4, 2, positions=positions, prenorm=prenorm).double().eval()
    tokens = torch.randint(0, 12, (3, 9), generator=torch.Generator().manual_seed(2))
    full = model(tokens)
    cache = model.new_cache()
    pieces = [model(tokens[:, :4], cache)] + [model(tokens[:, t:t + 1], cache) for t in range(4, 9)]
    torch.testing.assert_close(torch.cat(pieces, dim=1), full, rtol=1e-10, atol=1e-12)
    assert [len(c) for c in cache] == [9, 9]
    prompt = tokens[:, :3]
    assert torch.equal(model.generate(prompt, 6), model.generate(prompt, 6, use_cache=False))


def test_a_causal_model_cannot_see_the_future():
    torch.manual_seed(0)
    model = TinyTransformer(10, 16, 2, 2).double()
    tokens = torch.randint(0, 10, (1, 8), generator=torch.Generator().manual_seed(0))
    changed = tokens.clone()
    changed[0, 5:] = (changed[0, 5:] + 1) % 10
    torch.testing.assert_close(model(tokens)[:, :5], model(changed)[:, :5])


def test_rope_attention_depends_on_relative_positions_only():
    """The same five tokens placed at positions 100..104 attend to each other exactly as at 0..4."""
    torch.manual_seed(0)
    attention = SelfAttention(8, 2, causal=False).double()
    x = randn(1, 5, 8)
    torch.testing.assert_close(attention(x, KVCache()), attention(x))
    q, k, v = (attention._heads(p(x)) for p in (attention.q_proj, attention.k_proj, attention.v_proj))
    far = torch.arange(100, 105)
    moved = scaled_dot_product_attention(rotary_embedding(q, far), rotary_embedding(k, far), v)
    torch.testing.assert_close(moved, scaled_dot_product_attention(rotary_embedding(q), rotary_embedding(k), v))


def test_the_causal_mask_of_a_cached_step_is_bottom_right_aligned():
    """The pitfall the cache hides: is_causal=True with one query would let it see only key 0."""
    q, k, v = randn(1, 1, 4), randn(1, 6, 4, seed=1), randn(1, 6, 2, seed=2)
    right = scaled_dot_product_attention(q, k, v, attn_mask=causal_mask(1, 6))
    wrong = scaled_dot_product_attention(q, k, v, is_causal=True)
    torch.testing.assert_close(right, scaled_dot_product_attention(q, k, v))
    torch.testing.assert_close(wrong, v[:, :1])


@pytest.mark.parametrize("call, message", [
    (lambda: TinyTransformer(10)(torch.zeros(2, 3)), "tokens"),
    (lambda: TinyTransformer(10)(torch.full((2, 3), 10)), r"\[0, 10\)"),
    (lambda: TinyTransformer(10)(torch.zeros(2, 3, dtype=torch.long), cache=[KVCache()]), "cache"),
    (lambda: TinyTransformer(10, positions="learned"), "positions"),
    (lambda: TransformerBlock(10, 3), "must divide"),
    (lambda: TransformerBlock(12, 2, norm="batch"), "norm"),
    (lambda: SelfAttention(12, 4), "even"),
    (lambda: TransformerBlock(8, 2, prenorm=1), "prenorm"),
])
def test_bad_configurations_and_inputs_are_refused_by_name(call, message):
    with pytest.raises((ValueError, TypeError), match=message):
        call()


def test_training_sorts_short_sequences_and_scores_only_the_asked_positions():
    task = data.sorting_sequences(512, 3, 4, seed=0)
    torch.manual_seed(0)
    model = TinyTransformer(5, 16, 2, 1)
    before = transformer.sequence_accuracy(model, task)
    losses = transformer.train_sequence_model(model, task, steps=150, lr=1e-2, batch_size=64)
    tokens, sequences = transformer.sequence_accuracy(model, task)
    assert len(losses) == 150 and losses[-1] < losses[0] / 3
    assert tokens > max(before[0], 0.9) and 0 <= sequences <= tokens <= 1


def test_the_accuracy_ignores_unasked_positions():
    task = data.sorting_sequences(20, 4, 5, seed=1)

    class Oracle(torch.nn.Module):  # answers the targets, whatever it reads
        def __init__(self):
            super().__init__()
            self.w = torch.nn.Parameter(torch.zeros(1))

        def forward(self, tokens):
            rows = {tuple(t.tolist()): i for i, t in enumerate(task.tokens)}
            answers = task.targets[[rows[tuple(t.tolist())] for t in tokens]].clamp_min(0)
            return torch.nn.functional.one_hot(answers, 6).float()

    assert transformer.sequence_accuracy(Oracle(), task) == (1.0, 1.0)
    with pytest.raises(TypeError, match="task"):
        transformer.sequence_accuracy(Oracle(), (task.tokens, task.targets[:, :3]))
