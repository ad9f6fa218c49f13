"""Installing dlcore in Colab must leave Colab's own packages alone: every dependency range
in pyproject.toml admits the version recorded in requirements/colab.txt."""

import sys
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
from check_colab_env import recorded  # noqa: E402  (the one reader of requirements/colab.txt)

COLAB = {canonicalize_name(name): version for name, version in recorded().items()}
# The installed package's metadata is pyproject.toml's [project] table (an editable install).
DEPENDENCIES = [r for r in map(Requirement, metadata.requires("dlcore")) if r.marker is None]


def test_the_dependencies_are_those_of_pyproject():
    assert len(DEPENDENCIES) == 7 and "torch" in {r.name for r in DEPENDENCIES}


def test_colab_python_is_supported():
    assert COLAB["python"] in SpecifierSet(metadata.metadata("dlcore")["Requires-Python"])


@pytest.mark.parametrize("requirement", DEPENDENCIES, ids=str)
def test_dependency_range_admits_colabs_version(requirement):
    name = canonicalize_name(requirement.name)
    assert name in COLAB, f"record Colab's {requirement.name} in requirements/colab.txt"
    version = COLAB[name].split("+")[0]
    assert requirement.specifier.contains(version, prereleases=True), f"{requirement} would replace Colab's {name} {version}"


def test_the_check_would_catch_a_range_that_excludes_colab():
    assert not Requirement("ipywidgets>=8").specifier.contains(COLAB["ipywidgets"])
