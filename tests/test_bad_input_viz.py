"""The bad-input suite of ``test_bad_input.py`` on the pictures and widgets of ``dlcore.viz``
(a file of its own so that the two halves run on two test workers)."""

import pytest
from test_bad_input import cases, check_spoiled


@pytest.mark.parametrize("name, arg, label", list(cases(pictures=True)))
def test_a_spoiled_argument_of_a_picture_is_refused_by_name_or_handled(name, arg, label):
    check_spoiled(name, arg, label)
