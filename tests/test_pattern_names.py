"""Naming TF-MoDISco patterns: the filters' calibrated call (TomTom, shuffled null), scores with
ground truth, learned.json merged from both paths, and no patterns handled as an empty result."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from motifnet.interpret.attribution_maps import write_summary
from motifnet.io import write_json
from motifnet.interpret.pattern_names import PatternFiles, name_patterns
from motifnet.interpret.patterns import PATTERN_COLUMNS, SEQLET_COLUMNS
from motifnet.motifs.meme import Motif, read_meme, write_meme
from motifnet.motifs.naming import NamingOutputs, merge_learned
from motifnet.report.summary import summary_row

from conftest import REPO

TARGETS = REPO / "tests/data/tomtom_reference/targets.meme"
TOMTOM = {"engine": "builtin", "dist": "pearson", "min_overlap": 5, "evalue_threshold": 0.1,
          "fdr": 0.05, "min_ic": 4.0, "null_shuffles": 10, "null_seed": 0}
TRUTH = {"CEBPB": "MA0466", "SRF": "MA0083", "YY1": "MA0095"}


def write_patterns(folder, patterns: list[tuple[str, str, np.ndarray]]) -> None:
    """patterns.tsv, patterns.meme, an empty seqlets.tsv, an attribution summary and a
    TF-MoDISco record for (class, id, pfm) patterns used whole as queries (ids with ``neg``
    lower their class's output)."""
    table = pd.DataFrame([{"class": c, "pattern": i, "sign": "-" if "neg" in i else "+",
                           "n_seqlets": 50,
                           "width": len(p), "ic_bits": 0.0, "query_start": 0,
                           "query_end": len(p)} for c, i, p in patterns], columns=PATTERN_COLUMNS)
    table.to_csv(folder / "patterns.tsv", sep="\t", index=False)
    write_meme(folder / "patterns.meme", [Motif(i, "", p, 50) for _, i, p in patterns])
    pd.DataFrame(columns=SEQLET_COLUMNS).to_csv(folder / "seqlets.tsv", sep="\t", index=False)
    (folder / "attributions").mkdir()
    write_summary(folder / "attributions", {
        "method": "deep_lift_shap", "requested": "deep_lift_shap", "fallback": "",
        "n_sequences": 10, "classes": sorted({c for c, _, _ in patterns}), "skipped": []})
    (folder / "modisco").mkdir()
    write_json(folder / "modisco" / "modisco.json", {
        c: {"n_sequences": 10, "n_patterns": 1, "scaled": False, "settings": {},
            "note": f"{c}: 10 sequences (< 200: small set)"}
        for c in sorted({c for c, _, _ in patterns})})


def name(folder, ground_truth=TRUTH) -> dict:
    return name_patterns(PatternFiles(folder / "patterns.meme", folder / "patterns.tsv",
                                      folder / "seqlets.tsv", folder / "attributions",
                                      folder / "modisco"),
                         TARGETS, TOMTOM, ground_truth,
                         NamingOutputs(folder / "pattern_tomtom.tsv",
                                       folder / "pattern_names.tsv", folder / "patterns.json"))


def test_patterns_are_named_by_the_calibrated_call_and_scored_on_ground_truth(tmp_path):
    database = {m.id: m for m in read_meme(TARGETS)}
    rng = np.random.default_rng(0)
    patterns = [("CEBPB", "CEBPB.pos0", database["MA0466.4"].pfm),
                ("SRF", "SRF.pos0", database["MA0083.3"].pfm),
                ("YY1", "YY1.pos0", database["MA0083.3"].pfm),  # YY1's class learned SRF
                ("YY1", "YY1.pos1", np.full((12, 4), 0.25))]
    patterns += [("SRF", f"SRF.pos{k}", rng.dirichlet(np.full(4, 0.3), size=12))
                 for k in range(1, 4)]
    write_patterns(tmp_path, patterns)
    scores = name(tmp_path)
    names = pd.read_csv(tmp_path / "pattern_names.tsv", sep="\t").set_index("pattern")
    assert list(names.columns[:2]) == ["class", "sign"]
    assert names.loc["CEBPB.pos0", "named"] and names.loc["SRF.pos0", "named"]
    assert names.loc["CEBPB.pos0", "ground_truth"] == "CEBPB"
    assert not names.loc["YY1.pos1", "named"]  # uniform: never compared, never named
    assert scores["n_patterns"] == 7 and scores["not_compared"] == ["YY1.pos1"]
    truth = scores["ground_truth"]
    assert truth["recovered"] == ["CEBPB", "SRF"] and "YY1" in truth["missing"]
    assert truth["recovered_by_own_class"] == ["CEBPB", "SRF"]
    assert scores["null_shuffled"]["n_shuffles"] == 10
    assert scores["method"] == "deep_lift_shap" and scores["patterns_per_class"]["SRF"] == 4
    assert "seqlets" not in scores  # no ground-truth files: nothing to score seqlets against


def test_no_patterns_give_empty_valid_outputs(tmp_path):
    write_patterns(tmp_path, [])
    scores = name(tmp_path)
    assert scores["n_patterns"] == 0 and scores["n_named"] == 0
    assert scores["ground_truth"]["recovered"] == []
    assert pd.read_csv(tmp_path / "pattern_names.tsv", sep="\t").empty
    assert json.loads((tmp_path / "patterns.json").read_text())["fraction_named"] == 0.0


def test_learned_json_holds_the_filter_scores_and_the_attribution_scores(tmp_path):
    (tmp_path / "filters.json").write_text(json.dumps({"engine": "builtin", "layers": {
        "conv1": {"n_filters": 2, "n_named": 1}}}))
    (tmp_path / "patterns.json").write_text(json.dumps({"method": "ism", "n_patterns": 3,
                                                        "ground_truth": {"recovered": ["A"]}}))
    both = merge_learned(tmp_path / "filters.json", tmp_path / "patterns.json",
                         tmp_path / "learned.json")
    assert both["layers"]["conv1"]["n_named"] == 1 and both["attribution"]["n_patterns"] == 3
    alone = merge_learned(None, tmp_path / "patterns.json", tmp_path / "gru.json")
    assert alone["layers"] == {} and alone["attribution"]["method"] == "ism"
    row = summary_row("d", "gru", {"model": "bigru_attention"}, {"auroc": 0.9}, alone)
    assert "motif_layer" not in row and row["attribution_method"] == "ism"
    assert row["attribution_patterns"] == 3 and row["attribution_n_tfs_recovered"] == 1


def test_each_class_has_its_named_motifs_and_a_lowering_pattern_is_marked(tmp_path):
    """A binary task whose label 0 is a class: both classes' patterns named per class, with
    E-values; a negative pattern of the positive class named too, marked as lowering it."""
    database = {m.id: m for m in read_meme(TARGETS)}
    write_patterns(tmp_path, [("CEBPB", "CEBPB.pos0", database["MA0466.4"].pfm),
                              ("CEBPB", "CEBPB.neg0", database["MA0095.4"].pfm),
                              ("SRF", "SRF.pos0", database["MA0083.3"].pfm)])
    scores = name(tmp_path)
    per_class = scores["named_per_class"]
    assert [(t["tf"], t["sign"]) for t in per_class["CEBPB"]] == [("CEBPB", "+"), ("Yy1", "-")] \
        or [(t["tf"], t["sign"]) for t in per_class["CEBPB"]] == [("Yy1", "-"), ("CEBPB", "+")]
    assert [t["tf"] for t in per_class["SRF"]] == ["SRF"]
    assert all(t["best_e_value"] < 0.1 for top in per_class.values() for t in top)
    row = summary_row("d", "a", {"model": "m"}, {}, {"layers": {}, "attribution": scores})
    assert "SRF: SRF(1, E=" in row["attribution_named_per_class"]
    assert "Yy1(1, E=" in row["attribution_named_per_class"]
    assert ", lowers)" in row["attribution_named_per_class"]
    assert row["attribution_note"] == ("CEBPB: 10 sequences (< 200: small set); "
                                       "SRF: 10 sequences (< 200: small set)")
