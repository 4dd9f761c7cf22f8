"""Regression tasks: numeric targets from every source (bad values named or dropped), their
transform and encoding, training with MSE and Poisson losses, metrics, the summary and the
choice of sequences to attribute."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
import torch
from scipy.stats import pearsonr, spearmanr
from sklearn.metrics import mean_squared_error, r2_score

from motifnet.data.encoded import EncodedSplit, encode_dataset, load_dataset
from motifnet.data.imported import import_sequences
from motifnet.data.intervals import load_intervals
from motifnet.data.synthetic import Instance, instance_counts, target_values
from motifnet.data.table import read_table, write_table
from motifnet.errors import InputError
from motifnet.interpret.attribution import chosen_rows
from motifnet.report.summary import summary_row
from motifnet.train.job import check_targets
from motifnet.train.loop import fit, predict
from motifnet.train.metrics import compute_metrics, mean_pearson

from planted import CPU, Tiny, planted, settings

torch.set_num_threads(1)


def write(path, text):
    path.write_text(text)
    return str(path)


BED = "#chrom\tstart\tend\tname\tscore\tstrand\texpr\tatac\n"


def bed_rows(values):
    return "".join(f"chr1\t{10 * i}\t{10 * i + 5}\tr{i}\t0\t+\t{a}\t{b}\n"
                   for i, (a, b) in enumerate(values))


def test_bed_label_columns_are_numeric_targets(tmp_path):
    path = write(tmp_path / "t.bed", BED + bed_rows([(1.5, 0), (2, "3e-1"), (-0.25, 7)]))
    result = load_intervals({"bed": path, "label_columns": [7, 8]}, "regression")
    assert result.classes == ["expr", "atac"]
    assert result.y.dtype == np.float32
    np.testing.assert_allclose(result.y, [[1.5, 0], [2, 0.3], [-0.25, 7]])


@pytest.mark.parametrize("value,message", [
    ("high", "non-numeric value 'high' in target column 'atac'"),
    (".", "missing value in target column 'atac'"),
    ("nan", "non-numeric value 'nan' in target column 'atac'"),
])
def test_a_bad_target_names_file_line_and_column(tmp_path, value, message):
    path = write(tmp_path / "t.bed", BED + bed_rows([(1, 2), (1, value), (3, 4)]))
    with pytest.raises(InputError, match=message) as error:
        load_intervals({"bed": path, "label_columns": [7, 8]}, "regression")
    assert f"{path}, line 3" in str(error.value)
    assert "max_dropped_fraction" in str(error.value)


def test_bad_targets_are_dropped_and_listed_within_the_allowed_fraction(tmp_path):
    rows = [(i, i) for i in range(9)] + [("n/a", 1)]
    path = write(tmp_path / "t.bed", BED + bed_rows(rows))
    result = load_intervals({"bed": path, "label_columns": [7, 8]}, "regression", 0.1)
    assert len(result.y) == 9 and list(result.frame["id"]) == [f"r{i}" for i in range(9)]
    assert list(result.dropped["id"]) == ["r9"]
    assert result.dropped["reason"].iloc[0] == "non-numeric value 'n/a' in target column 'expr'"
    assert result.dropped["source"].iloc[0] == f"{path}:11"
    with pytest.raises(InputError, match="1 of 10 rows"):
        load_intervals({"bed": path, "label_columns": [7, 8]}, "regression", 0.05)


def test_class_files_cannot_hold_targets(tmp_path):
    path = write(tmp_path / "a.bed", "chr1\t0\t5\n")
    with pytest.raises(InputError, match="label columns"):
        load_intervals({"classes": {"a": path, "b": path}}, "regression")


def test_fasta_and_tsv_targets(tmp_path):
    fasta = write(tmp_path / "s.fa", ">a label=1.5\nACGTACGT\n>b label=x\nACGTACGA\n"
                  ">c label=0\nACGTACGC\n")
    with pytest.raises(InputError, match="non-numeric value 'x' in target column 'label'") \
            as error:
        import_sequences({"fasta": fasta}, "regression", 8, "pad", 0.0)
    assert f"{fasta}, line 3" in str(error.value)
    table, dropped, _ = import_sequences({"fasta": fasta}, "regression", 8, "pad", 0.5)
    assert list(table["id"]) == ["a", "c"] and list(table["y:label"]) == [1.5, 0.0]
    assert list(table["sequence"]) == ["ACGTACGT", "ACGTACGC"]
    assert list(dropped["id"]) == ["b"] and "non-numeric" in dropped["reason"].iloc[0]
    tsv = write(tmp_path / "s.tsv", "id\tsequence\tk562\thepg2\na\tACGT\t0.5\t2\n"
                "b\tACGA\t\t1\n")
    with pytest.raises(InputError, match="missing value in target column 'k562'") as error:
        import_sequences({"tsv": tsv, "label_columns": ["k562", "hepg2"]}, "regression", 4,
                         "pad", 0.0)
    assert f"{tsv}, line 3" in str(error.value)
    table, _, _ = import_sequences({"tsv": tsv, "label_columns": ["k562", "hepg2"]},
                                   "regression", 4, "pad", 0.5)
    assert list(table.columns[-2:]) == ["y:k562", "y:hepg2"]


def table_file(tmp_path, values, sequences=None):
    n = len(values)
    frame = pd.DataFrame({"id": [f"s{i}" for i in range(n)], "chrom": ".", "start": 0,
                          "end": 8, "strand": "+", "split": "",
                          "sequence": sequences or ["ACGTNCGT"] * n})
    for k, column in enumerate(np.asarray(values, dtype=float).T):
        frame[f"y:t{k}"] = column
    path = tmp_path / "sequences.tsv.gz"
    write_table(path, frame)
    return path


def encode(tmp_path, path, **options):
    splits = [tmp_path / f"{name}.npz" for name in ("train", "val", "test")]
    info = encode_dataset(path, splits, tmp_path / "encoding.json", dataset="d",
                          task=options.pop("task", "regression"),
                          split={"method": "random",
                                 "fractions": {"train": 0.6, "val": 0.2, "test": 0.2}},
                          dtype="float32", sources={"intervals": [], "genome": None}, **options)
    return info, load_dataset(splits, tmp_path / "encoding.json")[1]


def test_targets_are_encoded_as_floats_and_the_transform_is_recorded(tmp_path):
    values = [[v, 2 * v] for v in np.linspace(0, 9, 10)]
    path = table_file(tmp_path, values)
    assert read_table(path, "regression").y.dtype == np.float32
    info, splits = encode(tmp_path, path, transform="log1p")
    assert info["transform"] == "log1p" and info["unknown"] == "zero"
    assert set(info["counts"]["train"]["per_target"]["t0"]) == {"mean", "sd", "min", "max"}
    got = np.concatenate([s.y for s in splits.values()])
    np.testing.assert_allclose(np.sort(got[:, 1]), np.log1p(2 * np.linspace(0, 9, 10)),
                               rtol=1e-6)
    info, _ = encode(tmp_path, path)
    assert info["transform"] == "none"


def test_log1p_of_a_negative_target_names_the_sequence(tmp_path):
    path = table_file(tmp_path, [[1.0]] * 4 + [[-2.0]] + [[1.0]] * 5)
    with pytest.raises(InputError, match="target 't0' of sequence 's4' is -2") as error:
        encode(tmp_path, path, transform="log1p")
    assert "datasets.d.transform" in str(error.value)
    assert not (tmp_path / "encoding.json").exists()


def test_unknown_bases_uniform_are_recorded_and_encoded(tmp_path):
    path = table_file(tmp_path, [[1.0]] * 10)
    info, splits = encode(tmp_path, path, unknown="uniform")
    assert info["unknown"] == "uniform"
    np.testing.assert_array_equal(splits["train"].x[0, :, 4], [0.25] * 4)
    _, splits = encode(tmp_path, path)
    np.testing.assert_array_equal(splits["train"].x[0, :, 4], [0] * 4)


def test_regression_metrics_are_scipys_and_scikit_learns():
    rng = np.random.default_rng(0)
    y = rng.normal(size=(200, 2))
    pred = y + rng.normal(scale=0.5, size=y.shape)
    pred[:, 1] = pred[:, 1] * 2
    metrics = compute_metrics(y, pred, "regression", ["a", "b"])
    for k, name in enumerate("ab"):
        one = metrics["per_target"][name]
        assert one["pearson"] == pytest.approx(pearsonr(y[:, k], pred[:, k]).statistic)
        assert one["spearman"] == pytest.approx(spearmanr(y[:, k], pred[:, k]).statistic)
        assert one["r2"] == pytest.approx(r2_score(y[:, k], pred[:, k]))
        assert one["mse"] == pytest.approx(mean_squared_error(y[:, k], pred[:, k]))
    assert metrics["pearson"] == pytest.approx(np.mean(
        [metrics["per_target"][n]["pearson"] for n in "ab"]))
    assert "auroc" not in metrics and metrics["task"] == "regression"
    constant = compute_metrics(np.c_[y[:, 0], np.ones(200)], pred, "regression", ["a", "b"])
    assert constant["per_target"]["b"]["pearson"] is None
    assert constant["pearson"] == pytest.approx(metrics["per_target"]["a"]["pearson"])
    assert math.isnan(mean_pearson(np.ones((5, 1)), np.arange(5.0)[:, None]))


def valued(n=600, length=60, seed=1):
    """Random sequences, half with MOTIF planted; target = 1 + 3 x (MOTIF present) plus a
    little noise (positive, so also a Poisson rate)."""
    x, present = planted(n, length, seed)
    noise = np.random.default_rng(seed).uniform(-0.2, 0.2, size=present.shape)
    y = (1 + 3 * present + noise).astype(np.float32)
    cut = np.split(np.arange(n), [int(n * 0.7), int(n * 0.85)])
    return {name: EncodedSplit(x[rows], y[rows], np.arange(n)[rows].astype(str))
            for name, rows in zip(("train", "val", "test"), cut)}


@pytest.mark.parametrize("loss", ["mse", "poisson"])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_fit_learns_a_value_and_selects_on_pearson(loss, seed):
    torch.manual_seed(seed)  # the model's initial weights, whatever ran before
    data = valued()
    cfg = settings(epochs=8, loss=loss)
    result = fit(Tiny(), data["train"], data["val"], "regression", cfg, CPU)
    assert set(result.history[0]) == {"epoch", "train_loss", "val_loss", "val_pearson", "lr",
                                      "seconds"}
    best = max(row["val_pearson"] for row in result.history)
    assert result.history[result.best_epoch - 1]["val_pearson"] == best
    model = Tiny()
    model.load_state_dict(result.best_state)
    prediction = predict(model, data["test"].x, "regression", loss=loss)
    assert pearsonr(prediction[:, 0], data["test"].y[:, 0]).statistic > 0.8
    if loss == "poisson":  # predictions are rates (exp of the log-rate outputs)
        assert (prediction > 0).all()


def test_poisson_refuses_negative_targets():
    data = valued(60)
    check_targets(data, ["copies"], "poisson", "encoding.json")
    data["val"].y[3, 0] = -1
    with pytest.raises(InputError, match="loss poisson takes targets >= 0") as error:
        check_targets(data, ["copies"], "poisson", "encoding.json")
    assert f"'{data['val'].ids[3]}' (val split)" in str(error.value)
    assert "training.loss" in str(error.value)
    check_targets(data, ["copies"], "mse", "encoding.json")


def test_summary_leaves_classification_columns_empty():
    metrics = {"task": "regression", "pearson": 0.9, "spearman": 0.8, "r2": 0.7, "mse": 0.1,
               "n_parameters": 5}
    row = summary_row("d", "a", {"model": "m"}, metrics, None)
    assert row["test_pearson"] == 0.9 and row["test_mse"] == 0.1
    assert row["test_auroc"] is None and row["accuracy"] is None
    classifier = summary_row("d", "a", {"model": "m"}, {"auroc": 0.9}, None)
    assert "test_pearson" not in classifier


def test_attribution_takes_each_targets_top_quarter():
    y = np.c_[np.arange(8.0), np.zeros(8)]
    y[7, 1] = 3
    chosen = chosen_rows(y, "regression")
    assert chosen[:, 0].tolist() == [False] * 6 + [True] * 2
    assert chosen[:, 1].tolist() == [False] * 7 + [True]
    assert chosen_rows(np.array([[1], [0]], np.uint8), "binary")[:, 0].tolist() == [True, False]


def test_synthetic_values_are_instances_times_effect_plus_noise():
    instances = [Instance(0, 1, 0, "+", b"A"), Instance(0, 9, 0, "-", b"A"),
                 Instance(1, 3, 1, "+", b"A")]
    counts = instance_counts(instances, 3, 2)
    assert counts.tolist() == [[2, 0], [0, 1], [0, 0]]
    spec = {"effects": {"B": 3.0}, "default_effect": 0.5, "noise_sd": 0.0, "seed": 1}
    assert target_values(counts, ["A", "B"], spec).tolist() == [[1, 0], [0, 3], [0, 0]]
    noisy = target_values(counts, ["A", "B"], {**spec, "noise_sd": 0.1})
    assert 0 < np.abs(noisy - [[1, 0], [0, 3], [0, 0]]).max() < 1
    with pytest.raises(InputError, match="not among the motifs"):
        target_values(counts, ["A", "B"], {**spec, "effects": {"C": 1.0}})


def test_metrics_json_of_a_regression_is_json_ready():
    y = np.c_[np.arange(5.0)]
    json.dumps(compute_metrics(y, y, "regression", ["t"]))
