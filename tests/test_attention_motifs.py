"""Seed 004's attention recipe on planted motifs, its named call (real TomTom, shuffled null),
and attention scored against embedded motifs beside chance and attribution."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from motifnet.interpret.attention_maps import ClassAttention, class_path, write_summary
from motifnet.interpret.attention_motifs import (
    AttentionMotifFiles,
    AttentionMotifOutputs,
    attention_motifs,
    cut_windows,
    hit_scores,
    hit_summary,
    oriented,
    recurring_windows,
    revcomp,
    window_pfm,
)
from motifnet.interpret.attribution_maps import ClassAttributions
from motifnet.interpret.attribution_maps import write_summary as write_attribution_summary
from motifnet.models.attention_windows import AttentionGeometry, Window
from motifnet.motifs.meme import read_meme

from conftest import REPO

TARGETS = REPO / "tests/data/tomtom_reference/targets.meme"
TOMTOM = {"engine": "builtin", "dist": "pearson", "min_overlap": 5, "evalue_threshold": 0.1,
          "fdr": 0.05, "min_ic": 4.0, "null_shuffles": 10, "null_seed": 0}
LENGTH = 60
STRIDE1 = AttentionGeometry(Window(5, 1, 2), LENGTH, LENGTH)


def onehot(indices: np.ndarray) -> np.ndarray:
    """(n, 4, L) from base indices (n, L)."""
    return np.eye(4, dtype=np.float32)[indices].transpose(0, 2, 1)


def planted(pfm: np.ndarray, n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """``n`` random sequences, each with one instance sampled from ``pfm`` at a random place
    (every other one reverse-complemented): sequences and instance starts."""
    rng = np.random.default_rng(seed)
    bases = rng.integers(0, 4, (n, LENGTH))
    starts = rng.integers(0, LENGTH - len(pfm), n)
    for i, start in enumerate(starts):
        site = [rng.choice(4, p=row / row.sum()) for row in pfm]
        bases[i, start:start + len(pfm)] = site if i % 2 == 0 else [3 - b for b in site[::-1]]
    return onehot(bases), starts


def peaked(centres: np.ndarray, positions: int = LENGTH, seed: int = 1) -> np.ndarray:
    """Attention weights with their maximum at ``centres``."""
    weights = np.random.default_rng(seed).uniform(0, 0.5, (len(centres), positions))
    weights[np.arange(len(centres)), centres] = 5.0
    return weights / weights.sum(axis=1, keepdims=True)


def test_windows_are_cut_around_the_maximum_and_turned_to_one_strand():
    x = onehot(np.random.default_rng(0).integers(0, 4, (3, LENGTH)))
    windows = cut_windows(x, peaked(np.array([30, 0, 59])), STRIDE1, 10)
    assert np.array_equal(windows[0], x[0][:, 26:36])  # 4 bases left of 30, 5 right
    assert np.array_equal(windows[1], x[1][:, :10]) and np.array_equal(windows[2], x[2][:, 50:])
    site = onehot(np.array([[0, 0, 1, 2, 3, 3, 3, 1]]))[0]
    mixed = np.stack([site, revcomp(site[None])[0], site, revcomp(site[None])[0]])
    assert np.array_equal(window_pfm(oriented(mixed)), site.T)
    assert not np.array_equal(window_pfm(mixed), site.T)  # cut as is, the strands blur


def test_recurring_windows_count_a_window_and_its_reverse_complement_together():
    a = onehot(np.array([[0, 0, 1, 2]]))[0]
    b = onehot(np.array([[3, 3, 3, 3]]))[0]
    c = onehot(np.array([[1, 2, 1, 2]]))[0]
    found = recurring_windows(np.stack([b, a, revcomp(a[None])[0], b, a, c]), 3)
    assert [copies for copies, _ in found] == [3, 2]  # c is seen once: not recurring
    assert np.array_equal(found[1][1], b.T)
    mixed = found[0][1]  # a twice, its reverse complement once: frequencies, not one-hot
    assert np.allclose(mixed.sum(axis=1), 1) and mixed.max() < 1


def instances_of(starts: np.ndarray, ids: np.ndarray, tf: str, width: int) -> pd.DataFrame:
    return pd.DataFrame({"sequence": ids, "start": starts, "end": starts + width, "tf": tf})


def test_hits_beside_chance_and_attribution():
    ids = np.array([f"seq{i}" for i in range(4)])
    starts = np.array([10, 20, 30, 40])
    instances = instances_of(starts, ids, "A", 10)
    on = peaked(starts + 5)
    off = peaked((starts + 25) % LENGTH)
    maps = ClassAttention("A", ids, np.concatenate([on[:3], off[3:]]), on[0], on[1], 4, 0,
                          ids[:0], np.zeros(0), np.zeros(0), np.zeros((0, 4, LENGTH)),
                          np.zeros((0, LENGTH)))
    x = onehot(np.zeros((4, LENGTH), dtype=int))
    hypothetical = np.zeros((4, 4, LENGTH), dtype=np.float32)
    hypothetical[:, 0, :] = off * 10  # attribution peaks away from every motif
    attributions = ClassAttributions("A", ids, x, hypothetical, "deep_lift_shap",
                                     "deep_lift_shap", "")
    scores = hit_scores(maps, STRIDE1, instances, attributions)
    assert scores["on_own_motif"] == 0.75 and scores["on_any_motif"] == 0.75
    assert np.isclose(scores["chance_own"], 10 / LENGTH)
    assert scores["attribution_on_own_motif"] == 0.0 and scores["attribution_sequences"] == 4
    other = hit_scores(maps, STRIDE1, instances.assign(tf="B"), None)
    assert other["on_own_motif"] == 0.0 and other["on_any_motif"] == 0.75
    assert (scores["attention_only"], scores["attribution_only"]) == (3, 0)
    summary = hit_summary({"A": scores, "B": other}, "deep_lift_shap")
    assert summary["on_own_motif"] == 0.375
    # 3 hits of 8 at a pooled chance of 1/12 (B has no motif) pass at 0.05; 3 discordant
    # pairs do not
    assert "attention does better than chance (binomial p = 0.024)" in summary["verdict"]
    assert ("no differently from the maximum of the deep_lift_shap maps of the same sequences "
            "(0%; McNemar p = 0.25)") in summary["verdict"]
    many = {f"A{i}": scores for i in range(5)}
    assert "and better than the maximum" in hit_summary(many, "ism")["verdict"]
    worse = hit_summary({"B": other}, None)
    assert "no better than chance" in worse["verdict"] and "ism" not in worse["verdict"]
    misses = {f"B{i}": other | {"chance_own": 0.5} for i in range(5)}
    assert "worse than chance" in hit_summary(misses, None)["verdict"]


def write_class(folder, name: str, x: np.ndarray, weights: np.ndarray, ids: np.ndarray) -> None:
    logits = np.linspace(5, 1, len(x))
    ClassAttention(name, ids, weights, weights.mean(axis=0), weights.mean(axis=0), len(x),
                   len(x), ids, logits, np.ones(len(x)), x, weights
                   ).save(class_path(folder, name))


def test_attention_motifs_are_named_and_scored_on_ground_truth(tmp_path):
    database = {m.id: m for m in read_meme(TARGETS)}
    cebpb = database["MA0466.4"].pfm
    x, starts = planted(cebpb, 60)
    ids = np.array([f"seq{i}" for i in range(60)])
    folder = tmp_path / "attention"
    folder.mkdir()
    write_class(folder, "CEBPB", x, peaked(starts + len(cebpb) // 2), ids)
    noise = np.random.default_rng(3).integers(0, 4, (60, LENGTH))
    write_class(folder, "YY1", onehot(noise), peaked(np.full(60, 30)), ids)
    write_summary(folder, {"model": "attention_net", "classes": ["CEBPB", "YY1"],
                           "geometry": {"width": 5, "stride": 1, "offset": 2,
                                        "positions": LENGTH, "length": LENGTH}})
    regions = pd.DataFrame({"chrom": "chr1", "start": np.arange(60) * 100,
                            "end": np.arange(60) * 100 + LENGTH, "name": ids, "score": 0,
                            "strand": "+"})
    regions.to_csv(tmp_path / "regions.bed", sep="\t", header=False, index=False)
    width = len(cebpb)
    motifs = pd.DataFrame({"chrom": "chr1", "start": regions["start"] + starts,
                           "end": regions["start"] + starts + width, "name": "CEBPB",
                           "score": 0, "strand": "+", "matrix_id": "MA0466.4", "region": ids})
    motifs.to_csv(tmp_path / "motifs.bed", sep="\t", header=False, index=False)
    truth = {"CEBPB": "MA0466", "YY1": "MA0095"}
    out = {name: str(tmp_path / name) for name in ("a.meme", "a.tsv", "names.tsv", "a.json")}
    files = AttentionMotifFiles(str(folder), truth=(str(tmp_path / "regions.bed"),
                                                    str(tmp_path / "motifs.bed")))
    scores = attention_motifs(files, TARGETS, {"width": width, "recurring": 3}, TOMTOM, truth,
                              AttentionMotifOutputs(*out.values()))
    names = pd.read_csv(out["names.tsv"], sep="\t").set_index("motif")
    assert names.loc["CEBPB_aligned", "named"]
    assert names.loc["CEBPB_aligned", "ground_truth"] == "CEBPB"
    assert names.loc["CEBPB_aligned", "sequences"] == 60
    assert not names.loc["YY1_aligned", "named"]  # random windows name nothing
    assert set(names["kind"]) <= {"aligned", "recurring"}
    truth_scores = scores["ground_truth"]
    assert truth_scores["recovered"] == ["CEBPB"] and truth_scores["recovered_aligned"] == [
        "CEBPB"]
    assert truth_scores["recovered_by_own_class"] == ["CEBPB"]
    assert scores["null_shuffled"]["fraction_named"] <= 0.05
    hits = scores["max_attention"]
    assert hits["per_class"]["CEBPB"]["on_own_motif"] == 1.0
    assert hits["per_class"]["YY1"]["on_own_motif"] == 0.0  # YY1 was never embedded
    assert hits["chance_own"] < 0.5 and "attribution_on_own_motif" not in hits
    assert json.loads(Path(out["a.json"]).read_text())["max_attention"]["verdict"] == hits["verdict"]
    assert [m.id for m in read_meme(out["a.meme"])][:1] == ["CEBPB_aligned"]


def test_attribution_maps_are_scored_on_the_same_sequences(tmp_path):
    """Where attribution ran, its maps of the same sequences stand beside attention."""
    ids = np.array(["s0", "s1"])
    folder = tmp_path / "attributions"
    folder.mkdir()
    hypothetical = np.zeros((2, 4, LENGTH), dtype=np.float32)
    hypothetical[:, :, 12] = 1.0
    x = onehot(np.zeros((2, LENGTH), dtype=int))
    ClassAttributions("A", ids, x, hypothetical, "ism", "deep_lift_shap", "GRU").save(
        folder / "A.npz")
    write_attribution_summary(folder, {"method": "ism", "classes": ["A"]})
    maps = ClassAttention("A", ids, peaked(np.array([40, 40])), np.zeros(LENGTH),
                          np.zeros(LENGTH), 2, 0, ids[:0], np.zeros(0), np.zeros(0),
                          np.zeros((0, 4, LENGTH)), np.zeros((0, LENGTH)))
    from motifnet.interpret.attribution_maps import load_classes

    attributed = load_classes(folder)[0]
    scores = hit_scores(maps, STRIDE1, instances_of(np.array([10, 10]), ids, "A", 5),
                        attributed)
    assert scores["on_own_motif"] == 0.0 and scores["attribution_on_own_motif"] == 1.0
    assert "(100%; McNemar p = 0.5)" in hit_summary({"A": scores}, "ism")["verdict"]
    assert "worse than the maximum of the ism maps" in hit_summary(
        {f"A{i}": scores for i in range(4)}, "ism")["verdict"]


def test_learned_json_and_the_summary_carry_the_attention_scores(tmp_path):
    from motifnet.motifs.naming import merge_learned
    from motifnet.report.summary import summary_row

    hits = hit_summary({"A": {"sequences": 10, "on_own_motif": 0.1, "on_any_motif": 0.2,
                              "chance_own": 0.3, "chance_any": 0.4,
                              "attribution_sequences": 10, "attribution_on_own_motif": 0.8,
                              "attribution_on_any_motif": 0.9, "attribution_chance_own": 0.3,
                              "attention_only": 0, "attribution_only": 7}}, "deep_lift_shap")
    (tmp_path / "attention.json").write_text(json.dumps({
        "n_motifs": 4, "fraction_named": 0.25, "null_shuffled": {"fraction_named": 0.0},
        "ground_truth": {"recovered": ["A"], "recovered_aligned": [],
                         "recovered_by_own_class": ["A"]}, "max_attention": hits}))
    (tmp_path / "patterns.json").write_text(json.dumps({"method": "deep_lift_shap"}))
    learned = merge_learned(None, tmp_path / "patterns.json", tmp_path / "learned.json",
                            attention_path=tmp_path / "attention.json")
    assert learned["attention"]["n_motifs"] == 4 and learned["attribution"]
    row = summary_row("d", "att", {"model": "attention_net"}, {"auroc": 0.9}, learned)
    assert row["attention_motifs"] == 4 and row["attention_n_tfs_recovered"] == 1
    assert row["attention_n_tfs_recovered_aligned"] == 0
    assert (row["attention_max_on_motif"], row["attention_max_on_motif_chance"],
            row["attribution_max_on_motif"]) == (0.1, 0.3, 0.8)
    assert row["attention_verdict"] == (
        "the maximum attention falls on an embedded motif of the class in 10% of positives; "
        "a uniform mask would in 30%, so attention does no better than chance (binomial p = "
        "0.15), and worse than the maximum of the deep_lift_shap maps of the same sequences "
        "(80%; McNemar p = 0.016)")
