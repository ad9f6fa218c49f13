"""None"""

import random

import numpy as np
import pytest
import torch

from dlcore import bayes, utils


def test_device_falls_back_to_the_cpu_without_accelerators(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: False)
    assert utils.device() == torch.device("cpu")


def test_device_prefers_cuda_then_mps(monkeypatch):
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert utils.device() == torch.device("cuda")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert utils.device() == torch.device("mps")


def test_seed_everything_makes_every_generator_repeat():
    def draws():
        rng = utils.seed_everything(123)
        return random.random(), np.random.rand(), torch.rand(1).item(), rng.random()

    assert draws() == draws()
    first = draws()
    utils.seed_everything(124)
    assert torch.rand(1).item() != first[2]


@pytest.mark.parametrize("seed, error", [(-1, ValueError), (2**32, ValueError), (1.5, TypeError), (True, TypeError)])
def test_seed_everything_rejects_bad_seeds(seed, error):
    with pytest.raises(error, match="seed must"):
        utils.seed_everything(seed)


def test_show_returns_the_real_source_with_its_origin():
    source = utils.show(bayes.posterior)
    assert source.code.startswith("def posterior(likelihoods, priors)")
    assert "joint / evidence" in source.code
    assert source.origin.startswith("dlcore/bayes.py, lines ")
    assert repr(source).startswith("# dlcore/bayes.py")


def test_show_renders_self_contained_highlighted_html():
    html = utils.show(bayes.total_probability)._repr_html_()
    assert "<style" not in html and "class=" not in html.replace('class="dlcore-source"', "")
    assert 'style="color:' in html  # pygments' inline colours
    assert "total_probability" in html


def test_show_refuses_what_has_no_source():
    with pytest.raises(TypeError, match="show\\(\\) needs a Python function"):
        utils.show(42)


def test_glue_without_display_prints_nothing(capsys):
    utils.glue("answer", 42, display=False)
    assert capsys.readouterr().out == ""


def test_glue_stores_numpy_scalars_as_python_numbers(monkeypatch):
    import myst_nb

    stored = {}
    monkeypatch.setattr(myst_nb, "glue", lambda name, value, display: stored.update({name: value}))
    utils.glue("share", np.float64(44.5))
    assert type(stored["share"]) is float and repr(stored["share"]) == "44.5"


def test_check_book_version_is_silent_when_the_versions_match():
    import warnings

    import dlcore

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert utils.check_book_version(dlcore.__version__) is True


def test_check_book_version_names_both_versions_when_they_differ():
    import dlcore

    with pytest.warns(utils.BookVersionWarning, match=rf"executed with dlcore 0\.0\.1, but dlcore {dlcore.__version__} is installed"):
        assert utils.check_book_version("0.0.1") is False
    with pytest.raises(TypeError, match="book_version must be a version string"):
        utils.check_book_version(0.1)


def test_glue_rounds_floats_to_the_digits_the_prose_can_print(monkeypatch):
    import myst_nb

    stored = {}
    monkeypatch.setattr(myst_nb, "glue", lambda name, value, display: stored.update({name: value}))
    utils.glue("rounded", -1.2784999999999)  # a "nice" number computed inexactly
    utils.glue("float32", 0.2203486710, digits=4)
    utils.glue("count", 7)
    utils.glue("tiny", 4.2386513025e-19)
    utils.glue("infinite", float("inf"))
    assert stored == {"rounded": -1.2785, "float32": 0.2203, "count": 7, "tiny": 4.23865e-19, "infinite": float("inf")}
    assert type(stored["count"]) is int
    for digits in (0, 18, 2.0, True):
        with pytest.raises(ValueError, match="digits must be an int in \\[1, 17\\]"):
            utils.glue("x", 1.0, digits=digits)


def test_below_states_the_bound_and_refuses_what_breaks_it():
    assert utils.below(3.3e-16, 1e-14) == "below 1e-14"
    assert utils.below(torch.tensor(-2e-9), 1e-8) == "below 1e-8"
    assert utils.below(0.0, 0) == "exactly 0"
    assert utils.below(5, 1e3) == "below 1e3"
    with pytest.raises(AssertionError, match="gradient gap 2e-12 is over the bound 1e-12"):
        utils.below(2e-12, 1e-12, "gradient gap")
    with pytest.raises(AssertionError, match="difference nan is over the bound"):
        utils.below(float("nan"), 1.0)
    with pytest.raises(AssertionError, match="is over the bound 0"):
        utils.below(1e-300, 0)
    with pytest.raises(ValueError, match="bound must be >= 0"):
        utils.below(0.0, -1)


def test_glued_returns_what_the_prose_prints_and_names_what_is_missing():
    utils.glue("claim_demo", 0.123456789)
    assert utils.glued("claim_demo") == 0.123457
    with pytest.raises(KeyError, match="nothing has been glued under 'never_glued'"):
        utils.glued("never_glued")
