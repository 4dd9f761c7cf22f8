"""The synthetic generator: every ground-truth motif lies at its recorded coordinates."""

import numpy as np
import pandas as pd
import pytest
from pyfaidx import Fasta

from motifnet.data import synthetic
from motifnet.data.genome import index_fasta
from motifnet.errors import InputError

COMPLEMENT = str.maketrans("ACGT", "TGCA")
KOO = {"Arid3": "MA0151", "CEBPB": "MA0466", "SP1": "MA0079", "SRF": "MA0083"}


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    out = tmp_path_factory.mktemp("synthetic")
    pool = synthetic.jaspar_pool(KOO, "JASPAR2016")
    seqs, labels, instances = synthetic.generate(pool, 400, 200, 1, 5, seed=7)
    synthetic.write_synthetic(pool, seqs, labels, instances, out / "g.fa", out / "r.bed",
                            out / "m.bed", per_chromosome=150, spacer=30, seed=7)
    index_fasta(out / "g.fa")
    return pool, seqs, labels, out


def read(path):
    return pd.read_csv(path, sep="\t")


def test_motifs_lie_at_recorded_coordinates(generated):
    pool, _, _, out = generated
    genome = Fasta(str(out / "g.fa"))
    motifs = read(out / "m.bed")
    assert len(motifs) > 400
    for row in motifs.itertuples():
        seq = str(genome[row._1][row.start:row.end])
        if row.strand == "-":
            seq = seq.translate(COMPLEMENT)[::-1]
        assert seq == row.bases
        assert row.matrix_id.split(".")[0] == KOO[row.name]


def test_labels_match_embedded_motifs(generated):
    pool, seqs, labels, out = generated
    regions = read(out / "r.bed")
    motifs = read(out / "m.bed")
    names = [m.name for m in pool]
    assert list(regions.columns[6:]) == names
    present = motifs.groupby("region")["name"].apply(set)
    for row in regions.itertuples(index=False):
        expected = {n for n, v in zip(names, row[6:]) if v == 1}
        assert present[row.name] == expected
        assert 1 <= len(expected) <= 5


def test_motifs_are_spaced_from_each_other_and_the_ends(generated):
    _, _, _, out = generated
    regions = read(out / "r.bed").set_index("name")
    motifs = read(out / "m.bed")
    for region, group in motifs.groupby("region"):
        start = regions.loc[region, "start"]
        spans = sorted(zip(group["start"] - start, group["end"] - start))
        assert spans[0][0] >= 1 and spans[-1][1] <= 199
        assert all(b[0] - a[1] >= 1 for a, b in zip(spans, spans[1:]))


def test_region_sequences_round_trip_with_strand(generated):
    _, seqs, _, out = generated
    genome = Fasta(str(out / "g.fa"))
    regions = read(out / "r.bed")
    for row, seq in zip(regions.itertuples(index=False), seqs):
        text = str(genome[row._0][row.start:row.end])
        if row.strand == "-":
            text = text.translate(COMPLEMENT)[::-1]
        assert text == seq.decode()


def test_seeded_and_reproducible():
    pool = synthetic.jaspar_pool(KOO, "JASPAR2016")
    a = synthetic.generate(pool, 50, 200, 1, 5, seed=3)
    b = synthetic.generate(pool, 50, 200, 1, 5, seed=3)
    assert a[0] == b[0] and np.array_equal(a[1], b[1])


def test_bad_release_and_id():
    with pytest.raises(InputError, match="unknown JASPAR release"):
        synthetic.jaspar_pool(KOO, "JASPAR1999")
    with pytest.raises(InputError, match="MA9999"):
        synthetic.jaspar_pool({"X": "MA9999"}, "JASPAR2016")


def test_background_chromosomes_and_motif_peaks(generated, tmp_path):
    pool, seqs, labels, out = generated
    _, _, instances = synthetic.generate(pool, 400, 200, 1, 5, seed=7)
    synthetic.write_synthetic(pool, seqs, labels, instances, tmp_path / "g.fa",
                              tmp_path / "r.bed", tmp_path / "m.bed", per_chromosome=150,
                              spacer=30, seed=7, background=2)
    index_fasta(tmp_path / "g.fa")
    with_background = Fasta(str(tmp_path / "g.fa"))
    same = Fasta(str(out / "g.fa"))
    assert list(with_background.keys()) == [*same.keys(), "chrB1", "chrB2"]
    assert str(with_background["chr2"]) == str(same["chr2"])  # regions untouched
    assert len(with_background["chrB1"]) == 150 * 230 + 30
    assert (tmp_path / "m.bed").read_text() == (out / "m.bed").read_text()
    peaks = synthetic.motif_peaks(out / "m.bed", out / "g.fa.fai", "SP1", 100)
    motifs = read(out / "m.bed")
    sp1 = motifs[motifs["name"] == "SP1"]
    assert len(peaks) == len(sp1)
    assert sorted(peaks["summit"]) == sorted((sp1["start"] + sp1["end"]) // 2)
    assert ((peaks["end"] - peaks["start"]) <= 100).all()
    with pytest.raises(InputError, match="no motif instance of 'CTCF'"):
        synthetic.motif_peaks(out / "m.bed", out / "g.fa.fai", "CTCF", 100)
