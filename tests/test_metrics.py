"""Test-set metrics, by hand and against scikit-learn."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import f1_score, precision_score, recall_score, roc_auc_score

from motifnet.train.metrics import compute_metrics


def test_binary_metrics_hand_made():
    y = np.array([[1], [1], [1], [0], [0], [0], [0], [1]])
    prob = np.array([[0.9], [0.8], [0.3], [0.6], [0.2], [0.1], [0.4], [0.7]])
    m = compute_metrics(y, prob, "binary", ["pos"])
    # calls: 1 1 0 1 0 0 0 1 -> tp 3, fn 1, fp 1, tn 3
    assert m["confusion_matrix"]["matrix"] == [[3, 1], [1, 3]]
    assert m["accuracy"] == pytest.approx(6 / 8)
    assert m["precision"] == pytest.approx(3 / 4)
    assert m["recall"] == pytest.approx(3 / 4)
    assert m["specificity"] == pytest.approx(3 / 4)
    assert m["f1"] == pytest.approx(3 / 4)
    # positives outrank negatives in 15 of 16 pairs (0.3 < 0.4 and 0.6)
    assert m["auroc"] == pytest.approx(14 / 16)
    assert m["auroc"] == pytest.approx(roc_auc_score(y[:, 0], prob[:, 0]))


def test_multiclass_and_multilabel_metrics_agree_with_sklearn():
    rng = np.random.default_rng(0)
    prob = rng.dirichlet(np.ones(3), size=60)
    truth = np.where(rng.random(60) < 0.6, prob.argmax(1), rng.integers(0, 3, 60))
    y = np.eye(3, dtype=np.uint8)[truth]
    m = compute_metrics(y, prob, "multiclass", ["a", "b", "c"])
    guess = prob.argmax(1)
    assert m["accuracy"] == pytest.approx((guess == truth).mean())
    assert m["f1"] == pytest.approx(f1_score(truth, guess, average="macro"))
    assert m["precision"] == pytest.approx(precision_score(truth, guess, average="macro"))
    assert m["recall"] == pytest.approx(recall_score(truth, guess, average="macro"))
    assert m["auroc"] == pytest.approx(roc_auc_score(truth, prob, multi_class="ovr",
                                                     average="macro"))
    assert np.array(m["confusion_matrix"]["matrix"]).sum() == 60

    labels = np.array([[1, 0], [0, 0], [1, 0], [0, 0]])
    scores = np.array([[0.8, 0.1], [0.3, 0.7], [0.6, 0.2], [0.7, 0.4]])
    ml = compute_metrics(labels, scores, "multilabel", ["x", "never"])
    assert ml["per_class"]["never"]["auroc"] is None
    assert ml["auroc"] == pytest.approx(roc_auc_score(labels[:, 0], scores[:, 0]))
    assert ml["subset_accuracy"] == pytest.approx(2 / 4)
