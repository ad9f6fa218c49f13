"""dlcore.check.regularization: the reference passes, wrong readers fail with a useful report."""

import torch

from dlcore.check.regularization import check_dropout
from dlcore.regularization import dropout


def test_dropout_checker_passes_torch_and_dlcore_and_fails_the_classic_mistakes(capsys):
    assert check_dropout(lambda x, p, training: torch.nn.functional.dropout(x, p, training))
    assert check_dropout(lambda x, p, training: dropout(x, p, training))
    assert "the mean is kept" in capsys.readouterr().out

    def no_rescale(x, p, training):
        return x * (torch.rand_like(x) >= p) if training else x

    def drops_in_eval(x, p, training):
        return x * (torch.rand_like(x) >= p) / (1 - p)

    def drops_one_minus_p(x, p, training):
        return x * (torch.rand_like(x) < p) / p if training and p > 0 else x

    assert not check_dropout(no_rescale)
    assert "x / (1 - p)" in capsys.readouterr().out
    assert not check_dropout(drops_in_eval)
    assert "evaluation mode" in capsys.readouterr().out
    assert not check_dropout(drops_one_minus_p)
    assert not check_dropout(lambda x, p, training: 1 / 0)
    assert "ZeroDivisionError" in capsys.readouterr().out


def test_dropout_that_zeroes_its_input_in_place_fails(capsys):
    def in_place_dropout(x, p, training=True):
        if not training:
            return x
        mask = torch.rand_like(x) >= p
        x[~mask] = 0
        return x.div_(1 - p) if p < 1 else x

    assert not check_dropout(in_place_dropout)
    assert "changed in place" in capsys.readouterr().out


def test_dropout_checker_passes_torch_after_the_reader_seeds_torch_with_0():
    """The checker's data come from a generator seeded 0: a reader's torch.manual_seed(0)
    must not make torch's own dropout mask follow the same numbers and fail the mean."""
    torch.manual_seed(0)
    assert check_dropout(lambda x, p, training: torch.nn.functional.dropout(x, p, training))
