"""Trials beside Koo & Eddy's values: the table and the figure."""

import json

import pandas as pd
import pytest

from motifnet.report.summary import summary_row
from motifnet.report.trials import plot_trials, trial_points, trials

from test_summary import layer_score, row


def test_paper_values_only_beside_synthetic_data():
    real = [row("cnn-25", 1, 0.97, {"conv1": layer_score(0.5, 0.0)}, synthetic=False,
                dataset="ctcf_peaks")]
    table = trials(pd.DataFrame(real))
    assert "paper_fraction_ground_truth" not in table and "paper_auroc" not in table


def test_trials_give_mean_and_sd_per_architecture_beside_the_paper():
    rows = [row("cnn-1", seed, 0.90 + 0.02 * seed,
                {"conv1": layer_score(0.2, 0.0), "conv2": layer_score(0.9, 0.7 + 0.1 * seed)})
            for seed in (1, 2)]
    rows += [row("cnn-25", seed, 0.97, {"conv1": layer_score(1.0, 0.9)}) for seed in (1, 2, 3)]
    table = trials(pd.DataFrame(rows)).set_index("architectures")
    cnn1 = table.loc["cnn-1_t1,cnn-1_t2"]
    assert cnn1["trials"] == 2
    assert cnn1["test_auroc"] == "0.930 +/- 0.010"
    assert cnn1["conv2_fraction_ground_truth"] == "0.850 +/- 0.050"
    assert cnn1["paper_fraction_ground_truth"].startswith("0.007")
    cnn25 = table.loc["cnn-25_t1,cnn-25_t2,cnn-25_t3"]
    assert cnn25["fraction_ground_truth"] == "0.900 +/- 0.000"
    assert cnn25["conv2_fraction_ground_truth"] == ""
    assert cnn25["paper_fraction_ground_truth"] == "0.980 +/- 0.027"
    assert json.loads(cnn25["params"]) == {"variant": "cnn-25"}


def test_architectures_trained_differently_are_not_trials_of_each_other():
    plain = row("cnn-25", 1, 0.97, {"conv1": layer_score(1.0, 0.9)})
    spec = {"model": "koo_cnn", "params": {"variant": "cnn-25"},
            "training": {"rc_augment": True, "threads": 8}}
    augmented = summary_row("koo_synthetic", "cnn-25_rc", spec, {"auroc": 0.98}, None)
    assert json.loads(augmented["training"]) == {"rc_augment": True}
    assert len(trials(pd.DataFrame([plain, augmented]))) == 2


def test_trial_points_and_paper_values_feed_the_figure(tmp_path):
    rows = [row(variant, seed, 0.95, {"conv1": layer_score(0.5, 0.1 * seed)})
            for variant in ("cnn-2", "cnn-25") for seed in (1, 2)]
    points, paper = trial_points(pd.DataFrame(rows))
    assert set(points["label"]) == {"cnn-2", "cnn-25"} and len(points) == 8
    fractions = points[points["metric"] == "fraction of filters ground truth"]
    assert sorted(fractions["value"]) == pytest.approx([0.1, 0.1, 0.2, 0.2])
    reference = paper.set_index(["label", "metric"])
    assert reference.loc[("cnn-25", "fraction of filters ground truth"), "value"] == 0.98
    assert reference.loc[("cnn-2", "fraction of filters ground truth"), "relation"] == "<="
    assert ("cnn-25", "test AUROC") not in reference.index  # the paper gives a range
    plot_trials(points, paper, tmp_path / "trials.png")
    assert (tmp_path / "trials.png").read_bytes()[:4] == b"\x89PNG"


def test_the_paper_stands_beside_its_own_counts_after_ours_and_caps_are_counted():
    rows = [row("cnn-4", seed, 0.95, {"conv1": layer_score(0.4, 0.1)}) for seed in (1, 2)]
    rows[0]["stopped"] = "stopped at the cap, still improving"
    rows[1]["stopped"] = "at the cap, plateaued"
    table = trials(pd.DataFrame(rows))
    columns = list(table.columns)
    for ours, paper in (("test_auroc", "paper_auroc"),
                        ("fraction_significant", "paper_fraction_any_jaspar"),
                        ("fraction_ground_truth_significant", "paper_fraction_ground_truth")):
        assert columns.index(paper) == columns.index(ours) + 1, (ours, columns)
    # best match, best match by family, any hit: side by side
    assert columns.index("fraction_ground_truth_any_hit") == \
        columns.index("fraction_ground_truth_family") + 1 == \
        columns.index("fraction_ground_truth") + 2
    first = table.iloc[0]
    assert first["fraction_ground_truth_family"] == "0.150 +/- 0.000"
    assert first["fraction_ground_truth_significant"] == "0.300 +/- 0.000"
    assert first["paper_fraction_any_jaspar"].startswith("<= 0.453")
    assert first["paper_fraction_ground_truth"].startswith("<= 0.127")
    assert first["fraction_ground_truth_any_hit"] == "0.200 +/- 0.000"
    assert first["still_improving_at_cap"] == "1/2"
