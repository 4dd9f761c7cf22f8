"""TF-MoDISco patterns: a motif carrying the contributions, planted on both strands, becomes a
pattern whose trimmed PFM is the motif and whose seqlet cores lie on the planted sites (read on
their strand); maps without a motif give no patterns and empty, valid files."""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd
import pytest

from motifnet.data.onehot import encode
from motifnet.interpret.attribution_maps import ClassAttributions, class_path, write_summary
from motifnet.interpret.patterns import (
    PATTERN_COLUMNS,
    SEQLET_COLUMNS,
    PatternOutputs,
    class_note,
    find_model_patterns,
    read_pattern_table,
    read_record,
    read_seqlets,
    scaled_settings,
)
from motifnet.motifs.meme import read_meme

LENGTH = 200  # patterns are 50 nt wide: seqlets near the ends of short sequences are dropped
MOTIF = "TTGACGCAAT"
REVCOMP = MOTIF[::-1].translate(str.maketrans("ACGT", "TGCA"))
SETTINGS = {"max_seqlets": 2000, "window": 20, "flank": 5, "seqlet_fdr": 0.05,
            "min_seqlets": 100, "min_pattern_seqlets": 20, "leiden_runs": 2}


def planted_maps(n: int = 300, seed: int = 0) -> tuple[ClassAttributions, np.ndarray]:
    """Maps where MOTIF (forward in even rows, reverse complement in odd rows) carries the
    contributions; and where it starts."""
    rng = np.random.default_rng(seed)
    seqs, starts = [], rng.integers(0, LENGTH - len(MOTIF), size=n)
    for i, start in enumerate(starts):
        seq = "".join(rng.choice(list("ACGT"), LENGTH))
        site = MOTIF if i % 2 == 0 else REVCOMP
        seqs.append(seq[:start] + site + seq[start + len(site):])
    x = encode(seqs)
    contribution = rng.normal(0, 0.02, size=(n, LENGTH))
    for i, start in enumerate(starts):
        contribution[i, start:start + len(MOTIF)] += 1.0
    hypothetical = x * contribution[:, None, :]
    ids = np.array([f"seq{i}" for i in range(n)])
    return ClassAttributions("TF/1", ids, x, hypothetical, "deep_lift_shap", "deep_lift_shap",
                             ""), starts


def write_maps(folder, maps: ClassAttributions) -> None:
    maps.save(class_path(folder, maps.class_name))
    write_summary(folder, {"method": maps.method, "requested": maps.method, "fallback": "",
                           "n_sequences": len(maps.ids), "classes": [maps.class_name],
                           "skipped": []})


def run(tmp_path, maps):
    write_maps(tmp_path / "attributions", maps)
    table = find_model_patterns(tmp_path / "attributions", SETTINGS, 0.5,
                                PatternOutputs(tmp_path / "modisco", tmp_path / "patterns.tsv",
                                               tmp_path / "seqlets.tsv",
                                               tmp_path / "patterns.meme"))
    return table


def consensus(pfm: np.ndarray) -> str:
    return "".join("ACGT"[i] for i in pfm.argmax(axis=1))


def test_a_planted_motif_becomes_a_pattern_with_its_seqlets_on_the_sites(tmp_path):
    maps, starts = planted_maps()
    table = run(tmp_path, maps)
    assert list(read_pattern_table(tmp_path / "patterns.tsv").columns) == PATTERN_COLUMNS
    main = table.iloc[0]
    assert main["class"] == "TF/1" and main["pattern"] == "TF_1.pos0" and main["sign"] == "+"
    assert main["n_seqlets"] > 120
    (query, *_) = read_meme(tmp_path / "patterns.meme")
    assert query.id == "TF_1.pos0" and query.width == main["query_end"] - main["query_start"]
    assert MOTIF in consensus(query.pfm) or REVCOMP in consensus(query.pfm)
    seqlets = read_seqlets(tmp_path / "seqlets.tsv")
    assert list(seqlets.columns) == SEQLET_COLUMNS
    mine = seqlets[seqlets["pattern"] == "TF_1.pos0"]
    row = mine["sequence"].str.removeprefix("seq").astype(int).to_numpy()
    site_start = starts[row]
    on_site = (mine["core_start"] < site_start + len(MOTIF)) & (site_start < mine["core_end"])
    assert on_site.mean() > 0.95
    # each core, read on its seqlet's strand, spells the query's consensus
    letters = np.array(list("ACGT"))[maps.x.argmax(axis=1)]
    complement = str.maketrans("ACGT", "TGCA")
    spelled = []
    for r, start, end, strand in zip(row, mine["core_start"], mine["core_end"], mine["strand"]):
        text = "".join(letters[r, start:end])
        spelled.append(text if strand == "+" else text[::-1].translate(complement))
    site = MOTIF if MOTIF in consensus(query.pfm) else REVCOMP
    at = consensus(query.pfm).index(site)
    assert np.mean([text[at:at + len(site)] == site for text in spelled]) > 0.95
    assert set(mine["strand"]) == {"+", "-"}
    assert (tmp_path / "modisco" / "TF_1.h5").exists()


def test_maps_without_a_motif_give_no_patterns_and_empty_valid_files(tmp_path, caplog):
    rng = np.random.default_rng(3)
    x = encode(["".join(rng.choice(list("ACGT"), LENGTH)) for _ in range(150)])
    noise = x * rng.normal(0, 0.01, size=(150, 1, LENGTH))
    maps = ClassAttributions("c", np.arange(150).astype(str), x, noise, "ism", "ism", "")
    with caplog.at_level(logging.INFO):
        table = run(tmp_path, maps)
    assert table.empty and "TF-MoDISco found no patterns in any class" in caplog.text
    record = read_record(tmp_path / "modisco")["c"]
    assert record["n_patterns"] == 0 and record["scaled"]  # tried again, scaled, in vain
    assert record["settings"]["min_seqlets"] == 37
    assert record["note"].startswith("c: 150 sequences (< 200: small set); no patterns with")
    assert list(read_pattern_table(tmp_path / "patterns.tsv").columns) == PATTERN_COLUMNS
    assert read_seqlets(tmp_path / "seqlets.tsv").empty
    assert "MOTIF" not in (tmp_path / "patterns.meme").read_text()


@pytest.mark.parametrize("scale,missing", [(0.0, "positive or negative"), (1.0, "negative")])
def test_flat_or_one_signed_maps_give_no_patterns_and_say_why(tmp_path, scale, missing):
    """All-zero maps (a model that learned nothing) and maps without a negative window
    (saliency of a monotone model) leave TF-MoDISco no null to threshold against."""
    maps, _ = planted_maps(n=120)
    maps.hypothetical = np.abs(maps.hypothetical) * scale
    table = run(tmp_path, maps)
    assert table.empty and read_seqlets(tmp_path / "seqlets.tsv").empty
    record = read_record(tmp_path / "modisco")["TF/1"]
    assert record["n_patterns"] == 0 and not record["scaled"]
    assert f"the attribution maps have no {missing} contributions" in record["note"]


@pytest.mark.parametrize("trim_ic,window", [(0.5, True), (0.0, False)])
def test_the_query_is_trimmed_as_filter_pfms_are(trim_ic, window):
    from motifnet.interpret.patterns import Pattern

    pfm = np.full((30, 4), 0.25)
    pfm[10:16] = np.eye(4)[[0, 1, 2, 3, 0, 1]] * 0.97 + 0.0075
    pattern = Pattern("p", "c", "+", pfm, pfm - 0.25, pd.DataFrame())
    assert pattern.query_window(trim_ic) == ((7, 19) if window else (0, 30))
    assert Pattern("u", "c", "+", np.full((30, 4), 0.25), pfm, pd.DataFrame()).query_window(
        0.5) is None


def test_a_small_set_finds_its_motif_with_the_seqlet_minimums_scaled_and_says_so(tmp_path):
    """60 sequences give about 60 seqlets: below modisco-lite's configured metacluster minimum
    (100) nothing is looked for; scaled to the set (20, 10), the planted motif is found."""
    maps, _ = planted_maps(60, seed=5)
    table = run(tmp_path, maps)
    record = read_record(tmp_path / "modisco")["TF/1"]
    assert record["scaled"] and record["n_sequences"] == 60
    assert record["settings"] | {"min_seqlets": 100, "min_pattern_seqlets": 20} == SETTINGS
    assert (record["settings"]["min_seqlets"], record["settings"]["min_pattern_seqlets"]) == (
        20, 10)
    assert len(table) >= 1 and table.iloc[0]["sign"] == "+"
    (query, *_) = read_meme(tmp_path / "patterns.meme")
    assert MOTIF in consensus(query.pfm) or REVCOMP in consensus(query.pfm)
    assert record["note"].startswith("TF/1: 60 sequences (< 200: small set); found pattern")


def test_large_sets_keep_the_configured_settings():
    assert scaled_settings(SETTINGS, 5000) == SETTINGS
    assert scaled_settings(SETTINGS, 200)["min_seqlets"] == 50
    assert class_note("A", 500, 3, None) == ""
    assert class_note("A", 500, 0, None) == "A: TF-MoDISco found no pattern"
