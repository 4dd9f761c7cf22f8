"""Ground truth of synthetic data in sequence coordinates, and seqlets and attribution maps
scored against it."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import average_precision_score, roc_auc_score

from motifnet.errors import InputError
from motifnet.interpret.attribution_maps import ClassAttributions
from motifnet.interpret.ground_truth import position_mask, read_instances
from motifnet.interpret.seqlets import (
    attribution_scores,
    rank_auroc,
    rank_average_precision,
    separation,
    seqlet_scores,
)

COMPLEMENT = str.maketrans("ACGT", "TGCA")


def test_instances_land_on_the_bases_the_generator_embedded(tmp_path):
    """Regions on both strands: each instance, cut from the sequence the model sees, is the
    embedded motif read on one strand or the other."""
    from motifnet.data.synthetic import generate, jaspar_pool, write_synthetic

    pool = jaspar_pool({"MAX": "MA0058", "SRF": "MA0083", "YY1": "MA0095"}, "JASPAR2016")
    sequences, labels, embedded = generate(pool, 60, 120, 1, 3, seed=4)
    write_synthetic(pool, sequences, labels, embedded, tmp_path / "genome.fa",
                    tmp_path / "regions.bed", tmp_path / "motifs.bed", per_chromosome=20,
                    spacer=10, seed=4)
    regions = pd.read_csv(tmp_path / "regions.bed", sep="\t")
    assert set(regions["strand"]) == {"+", "-"}
    instances = read_instances(tmp_path / "regions.bed", tmp_path / "motifs.bed")
    bases_column = pd.read_csv(tmp_path / "motifs.bed", sep="\t")["bases"]
    assert len(instances) == len(bases_column) == len(embedded) > 60
    for (sequence, start, end, tf), bases in zip(instances.itertuples(index=False),
                                                 bases_column):
        text = sequences[int(sequence.removeprefix("seq"))][start:end].decode()
        assert text in (bases, bases[::-1].translate(COMPLEMENT)), (sequence, tf)


def test_an_instance_of_an_unlisted_region_is_refused(tmp_path):
    (tmp_path / "regions.bed").write_text("chr1\t0\t100\tseq0\t0\t+\n")
    (tmp_path / "motifs.bed").write_text("#header\nchr1\t5\t15\tMAX\t0\t+\tMA0058.3\tseq7\tACGT\n")
    with pytest.raises(InputError, match="region 'seq7'") as caught:
        read_instances(tmp_path / "regions.bed", tmp_path / "motifs.bed")
    assert caught.value.line == 2


INSTANCES = pd.DataFrame({"sequence": ["s0", "s0", "s1"], "start": [10, 50, 30],
                          "end": [20, 60, 40], "tf": ["a", "b", "a"]})


def test_seqlet_precision_and_recall_count_overlaps_with_embedded_motifs():
    seqlets = pd.DataFrame({
        "pattern": ["a.pos0", "a.pos0", "b.pos0", "a.pos0"],
        "class": ["a", "a", "b", "a"],
        "sequence": ["s0", "s0", "s0", "s1"],
        "core_start": [12, 80, 55, 41], "core_end": [18, 90, 58, 45]})
    scores = seqlet_scores(seqlets, INSTANCES, {"a": np.array(["s0", "s1"]),
                                                "b": np.array(["s0"])}, length=100)
    assert scores["n_seqlets"] == 4 and scores["precision"] == pytest.approx(2 / 4)
    # a: s0's instance found, s1's missed (41-45 lies past 30-40); b: found
    assert scores["instances"] == 3 and scores["recall"] == pytest.approx(2 / 3)
    assert 0.0 <= scores["precision_chance"] <= 1.0


def test_attribution_auroc_separates_own_motif_positions_from_background():
    x = np.zeros((2, 4, 100), np.float32)
    x[:, 0, :] = 1.0
    perfect = np.zeros((2, 4, 100), np.float32)
    perfect[0, 0, 10:20] = 1.0  # s0's own motif (a at 10-20); b's motif at 50-60 excluded
    perfect[1, 0, 30:40] = 1.0
    maps = ClassAttributions("a", np.array(["s0", "s1"]), x, perfect, "ism", "ism", "")
    aurocs, auprcs = separation(maps, INSTANCES)
    assert aurocs == [1.0, 1.0] and auprcs == [1.0, 1.0]
    backwards = ClassAttributions("a", maps.ids, x, 1.0 - perfect, "ism", "ism", "")
    assert attribution_scores([backwards], INSTANCES)["auroc"] == 0.0
    mask = position_mask(INSTANCES, np.array(["s1", "s0"]), 100)
    assert mask[0, 30:40].all() and mask[1, 50:60].all() and mask.sum() == 30


@pytest.mark.parametrize("seed", range(5))
def test_auroc_and_average_precision_equal_scikit_learns_with_ties(seed):
    rng = np.random.default_rng(seed)
    labels = rng.random(300) < 0.2
    labels[:2] = [True, False]
    # float16 sizes and rounding, as the maps are stored: many tied scores
    scores = np.round(rng.random(300) + labels * 0.3, 1).astype(np.float16)
    assert rank_auroc(labels, scores) == pytest.approx(roc_auc_score(labels, scores), abs=1e-12)
    assert rank_average_precision(labels, scores) == pytest.approx(
        average_precision_score(labels, scores), abs=1e-12)
