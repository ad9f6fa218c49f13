"""dlcore.book: the one call of every chapter's first cell."""

import warnings

import numpy as np
import pytest
import torch

import dlcore
from dlcore import utils


def test_start_chapter_checks_seeds_styles_and_reports_the_device(capsys):
    from dlcore import book

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the installed release: no warning
        chosen, rng = book.start_chapter(dlcore.__version__, seed=5)
    assert chosen == utils.device() and capsys.readouterr().out == f"Running on: {chosen.type}\n"
    assert rng.random() == np.random.default_rng(5).random()  # the generator seed_everything(5) returns
    first = torch.rand(3)
    book.start_chapter(dlcore.__version__, seed=5)
    assert torch.equal(torch.rand(3), first)
    with pytest.warns(utils.BookVersionWarning, match="executed with dlcore 0.0.1"):
        book.start_chapter("0.0.1")
    with pytest.raises(TypeError, match="release must be a version string"):
        book.start_chapter(0.1)
