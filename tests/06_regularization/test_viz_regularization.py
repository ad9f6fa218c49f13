"""Drive chapter 6's widgets through their controls, as a reader would."""

import numpy as np

from dlcore.regularization import coefficient_paths, polynomial_errors
from dlcore.viz.regularization import dropout_explorer, path_explorer, polynomial_explorer


def test_high_degrees_overfit_without_a_penalty_and_lambda_cures_it():
    train_err, val_err = polynomial_errors(range(16), lam=0.0)
    assert train_err[15] < train_err[3] and val_err[15] > 10 * val_err[3]
    assert polynomial_errors([15], lam=1e-3)[1][0] < val_err[15] / 10
    explorer = polynomial_explorer(degree=15, log_lambda=-9)
    wild = explorer.reading["val_rmse"]
    explorer.controls["log_lambda"].value = -3.0
    assert explorer.reading["val_rmse"] < wild / 10
    explorer.controls["degree"].value = 0
    assert explorer.reading["train_rmse"] > 0.5  # a constant underfits


def test_l1_paths_have_exact_zeros_and_l2_paths_none():
    lambdas = np.logspace(-3, 1, 12)
    paths = coefficient_paths(lambdas)
    assert (paths["L1"][-1] == 0).all() and (paths["L1"][0] != 0).sum() >= 10
    assert (paths["L2"] != 0).all()
    explorer = path_explorer(paths, lambdas, index=0)
    few = explorer.reading["l1_zeros"]
    explorer.controls["index"].value = 8
    assert explorer.reading["l1_zeros"] > few and explorer.reading["l2_zeros"] == 0


def test_dropout_explorer_reads_the_precomputed_curves():
    curves = {0.0: {"loss": [1.2, 0.4, 0.1], "val_accuracy": [0.70, 0.80, 0.82], "train_accuracy": 1.0},
              0.5: {"loss": [1.5, 0.8, 0.5], "val_accuracy": [0.65, 0.80, 0.84], "train_accuracy": 0.97}}
    explorer = dropout_explorer(curves, p=0.5)
    assert explorer.reading["final_loss"] == curves[0.5]["loss"][-1]
    explorer.controls["p"].value = 0.0
    assert explorer.readout.value.startswith("dropout 0:") and explorer.reading["best_val_accuracy"] == 0.82
    assert len(curves[0.0]["val_accuracy"]) == 3
