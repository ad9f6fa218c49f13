"""The benchmark harness and the stored run the appendix shows (no timing is asserted here:
budgets are measured by `make bench`, never in a test)."""

import importlib
import json
import math
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BENCHMARKS = ROOT / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

import _timing  # noqa: E402
import run_all  # noqa: E402

STORED = json.loads((BENCHMARKS / "results" / "cpu.json").read_text())


def test_every_benchmark_script_is_run_by_make_bench():
    scripts = sorted(p.stem for p in BENCHMARKS.glob("bench_*.py"))
    assert sorted(run_all.SCRIPTS) == scripts
    for name in scripts:
        assert callable(importlib.import_module(name).main)


def test_compare_records_medians_ratio_and_verdict():
    _timing.RESULTS.clear()
    _timing.header("a section", "mine", "yours")
    ratio = _timing.compare("row", lambda: sum(range(2000)), lambda: None, repeats=3, target=1.0, calls=2)
    (row,) = _timing.RESULTS
    assert row["section"] == "a section" and row["ours"] == "mine" and row["theirs"] == "yours"
    assert row["ratio"] == ratio == pytest.approx(row["ours_ms"] / row["theirs_ms"])
    assert row["target"] == 1.0 and row["repeats"] == 3
    _timing.RESULTS.clear()


def _rows(section_start, name):
    return [r for r in STORED["rows"] if r["section"].startswith(section_start) and r["name"] == name]


@pytest.mark.parametrize("section,name,target", [
    ("k-means, n = 100,000, d = 32, k = 64", "kmeans (cpu) vs KMeans(lloyd)", 1.5),
    ("ranking metrics, n = 1,000,000", "roc_auc vs roc_auc_score", 1.0),
    ("ranking metrics, n = 1,000,000", "average_precision vs average_precision_score", 1.0),
    ("normalization", "LayerNorm(1024), x of 4096 x 1024 (cpu)", 3.0),
    ("normalization", "BatchNorm(64), x of 64 x 64 x 32 x 32 (cpu)", 3.0),
    ("normalization", "RMSNorm(1024), x of 4096 x 1024 (cpu)", 3.0),
    ("cross-entropy", "4096 samples x 1000 classes (cpu)", 3.0),
])
def test_the_stored_run_has_every_row_the_budgets_name(section, name, target):
    (row,) = _rows(section, name)
    assert row["target"] == target


@pytest.mark.parametrize("optimizer", ["SGD (momentum 0.9) (cpu)", "Adam (cpu)", "AdamW (cpu)"])
def test_the_stored_run_times_each_optimizer_against_both_torch_paths(optimizer):
    rows = _rows("one optimizer step, MLP of 5,018,510 parameters", optimizer)
    assert sorted(r["theirs"] for r in rows) == ["torch (1 tensor)", "torch (foreach)"]
    assert [r["target"] for r in rows if r["theirs"] == "torch (1 tensor)"] == [1.3]


def test_stored_rows_are_consistent():
    assert STORED["machine"]["torch_threads"] >= 1 and STORED["rows"]
    for row in STORED["rows"]:
        assert row["ours_ms"] > 0 and row["theirs_ms"] > 0
        assert math.isclose(row["ratio"], row["ours_ms"] / row["theirs_ms"], rel_tol=1e-9)
