"""MEME format: writer read back by our reader, Biopython and memelite; errors; JASPAR export."""

from __future__ import annotations

import gzip

import numpy as np
import pytest

from motifnet.errors import InputError
from motifnet.motifs.database import (
    export_jaspar,
    families_path,
    import_meme,
    jaspar_choices,
    read_families,
)
from motifnet.motifs.meme import Motif, read_meme, read_meme_file, write_meme

RNG = np.random.default_rng(7)


def _motifs() -> list[Motif]:
    out = []
    for i, width in enumerate((6, 11, 19)):
        pfm = RNG.dirichlet(np.ones(4) * 0.4, size=width)
        out.append(Motif(f"MA{i:04d}.1", f"TF{i}::X", pfm, nsites=1000 + i, url=f"https://x/{i}"))
    out.append(Motif("filter_7", "", RNG.dirichlet(np.ones(4), size=5), nsites=0))
    return out


def test_round_trip_with_our_reader(tmp_path):
    motifs = _motifs()
    path = tmp_path / "db.meme"
    write_meme(path, motifs, background=(0.3, 0.2, 0.2, 0.3))
    back, background = read_meme_file(path)
    assert background == pytest.approx((0.3, 0.2, 0.2, 0.3))
    assert [m.id for m in back] == [m.id for m in motifs]
    assert [m.name for m in back] == [m.name for m in motifs]
    assert [m.nsites for m in back] == [m.nsites for m in motifs]
    assert [m.url for m in back] == [m.url for m in motifs]
    for a, b in zip(motifs, back):
        np.testing.assert_allclose(a.pfm, b.pfm, atol=2e-6)


def test_round_trip_with_biopython_and_memelite(tmp_path):
    from Bio import motifs as bio_motifs
    from memelite.io import read_meme as memelite_read

    motifs = _motifs()
    path = tmp_path / "db.meme"
    write_meme(path, motifs)
    with open(path) as handle:
        record = bio_motifs.parse(handle, "minimal")
    assert [m.name for m in record] == [m.id for m in motifs]
    for ours, theirs in zip(motifs, record):
        assert theirs.num_occurrences == ours.nsites
        # Biopython turns probabilities into counts: round(p x nsites).
        bio = np.array([theirs.counts[b] for b in "ACGT"]).T
        np.testing.assert_allclose(bio, np.round(ours.pfm * ours.nsites), atol=1)

    lite = memelite_read(str(path))
    assert list(lite) == [f"{m.id} {m.name}".strip() for m in motifs]
    for ours, pwm in zip(motifs, lite.values()):
        np.testing.assert_allclose(pwm.T, ours.pfm, atol=2e-6)


def test_names_with_spaces_are_joined(tmp_path):
    path = tmp_path / "db.meme"
    write_meme(path, [Motif("m1", "two words", np.full((3, 4), 0.25))])
    assert read_meme(path)[0].name == "two_words"


def test_failed_write_leaves_no_file(tmp_path):
    path = tmp_path / "db.meme"
    bad = Motif("bad", "", np.full((3, 4), 0.5))  # rows sum to 2
    with pytest.raises(ValueError, match="summing to 1"):
        write_meme(path, [_motifs()[0], bad])
    assert not path.exists()
    assert list(tmp_path.iterdir()) == []


MEME_OUTPUT = """\
********************************************************************************
MEME - Motif discovery tool
********************************************************************************
MEME version 5.5.8 (Release date: ...)

ALPHABET= ACGT

Background letter frequencies (from file dataset with add-one prior applied):
A 0.300 C 0.200 G 0.200 T 0.300
********************************************************************************
MOTIF GGATTA MEME-1\twidth =   4  sites =   7  llr = 50  E-value = 1.2e-003
********************************************************************************
	Motif GGATTA MEME-1 position-specific scoring matrix
--------------------------------------------------------------------------------
log-odds matrix: alength= 4 w= 4 n= 120 bayes= 4.1 E= 1.2e-003
  -10   -10   178   -10
  -10   -10   178   -10
  161   -10   -10   -10
  -10   -10   -10   161
--------------------------------------------------------------------------------
	Motif GGATTA MEME-1 position-specific probability matrix
--------------------------------------------------------------------------------
letter-probability matrix: alength= 4 w= 4 nsites= 7 E= 1.2e-003
  0.000000  0.000000  1.000000  0.000000
  0.000000  0.142857  0.857143  0.000000
  1.000000  0.000000  0.000000  0.000000
  0.000000  0.000000  0.000000  1.000000
--------------------------------------------------------------------------------
"""


def test_reads_meme_suite_output(tmp_path):
    path = tmp_path / "meme.txt"
    path.write_text(MEME_OUTPUT)
    motifs, background = read_meme_file(path)
    assert background == pytest.approx((0.3, 0.2, 0.2, 0.3))
    (motif,) = motifs
    assert (motif.id, motif.name, motif.nsites, motif.width) == ("GGATTA", "MEME-1", 7, 4)
    assert motif.pfm[1, 2] == pytest.approx(0.857143)


def test_reads_gzip_and_missing_width(tmp_path):
    text = (
        "MEME version 4\n\nALPHABET= ACGT\n\nMOTIF a\nletter-probability matrix:\n"
        "0.25 0.25 0.25 0.25\n1 0 0 0\n\nMOTIF b\nletter-probability matrix: w= 1\n0 0 0 1\n"
    )
    path = tmp_path / "db.meme.gz"
    with gzip.open(path, "wt") as handle:
        handle.write(text)
    a, b = read_meme(path)
    assert (a.width, b.width, a.nsites) == (2, 1, 20)


HEADER = "MEME version 4\n\nALPHABET= ACGT\n\n"


@pytest.mark.parametrize(
    "body, line, message",
    [
        (
            "MOTIF m1\nletter-probability matrix: w= 2\n0.25 0.25 0.25 x\n0.25 0.25 0.25 0.25\n",
            7,
            "not a number",
        ),
        (
            "MOTIF m1\nletter-probability matrix: w= 2\n0.25 0.25 0.5\n0.25 0.25 0.25 0.25\n",
            7,
            "3 columns",
        ),
        (
            "MOTIF m1\nletter-probability matrix: w= 3\n0.25 0.25 0.25 0.25\n\nMOTIF m2\n",
            8,
            "declares w= 3 but has 1",
        ),
        ("MOTIF m1\nletter-probability matrix: w= 1\n0.5 0.5 0.5 0.5\n", 7, "sums to 2"),
        ("MOTIF m1\nletter-probability matrix: w= 1\n1 0 0 0\n0 1 0 0\n", 8, "w= 1 but has more"),
        ("MOTIF m1\nletter-probability matrix: w= 0\n\n", 6, "w= 0, a motif needs"),
        (
            "MOTIF m1\nletter-probability matrix: w= x\n0.25 0.25 0.25 0.25\n",
            6,
            "'w= x' is not a number",
        ),
        (
            "MOTIF m1\nletter-probability matrix: alength= 20 w= 1\n0.25 0.25 0.25 0.25\n",
            6,
            "alength= 20",
        ),
        (
            "MOTIF m1\nMOTIF m2\nletter-probability matrix: w= 1\n1 0 0 0\n",
            5,
            "no letter-probability",
        ),
        (
            "MOTIF m1\nletter-probability matrix: w= 1\n1 0 0 0\n" * 2,
            8,
            "duplicate motif id 'm1'",
        ),
    ],
)
def test_errors_name_file_and_line(tmp_path, body, line, message):
    path = tmp_path / "bad.meme"
    path.write_text(HEADER + body)
    with pytest.raises(InputError, match=message) as info:
        read_meme(path)
    assert f"{path}, line {line}:" in str(info.value)


def test_empty_database_and_wrong_alphabet(tmp_path):
    empty = tmp_path / "empty.meme"
    empty.write_text(HEADER)
    with pytest.raises(InputError, match="empty motif database"):
        read_meme(empty)
    protein = tmp_path / "protein.meme"
    protein.write_text("MEME version 4\n\nALPHABET= ACDEFGHIKLMNPQRSTVWY\n")
    with pytest.raises(InputError, match="not DNA"):
        read_meme(protein)
    with pytest.raises(InputError, match="file not found"):
        read_meme(tmp_path / "missing.meme")


def test_export_jaspar_2024_core_vertebrates(tmp_path):
    path = tmp_path / "jaspar.meme"
    motifs = export_jaspar(path)
    assert len(motifs) == 879  # anchors: JASPAR2024 CORE vertebrates, latest versions
    back = {m.id: m for m in read_meme(path)}
    assert len(back) == 879
    ctcf = back["MA0139.2"]
    assert ctcf.name == "CTCF" and ctcf.width == 15 and ctcf.nsites > 0
    assert ctcf.url == "https://jaspar.elixir.no/matrix/MA0139.2/"
    np.testing.assert_allclose(ctcf.pfm.sum(axis=1), 1.0, atol=1e-5)
    # the motifs' JASPAR families beside the MEME file; a dimer's shared family once
    assert families_path(path) == tmp_path / "jaspar.families.tsv"
    families = read_families(path)
    assert families["MA0466.4"] == families["MA0838.1"] == {"CEBP-related"}  # CEBPB, CEBPG
    assert families["MA0477.3"] == {"Fos-related"} and families["MA0491.3"] == {"Jun-related"}
    assert families["MA0059.2"] == {"bHLH-ZIP"}  # MAX::MYC
    assert set(families) <= set(back) and len(families) > 850


def test_export_jaspar_refuses_unknown_choices(tmp_path):
    collections, taxa = jaspar_choices("JASPAR2024")
    assert "CORE" in collections and "vertebrates" in taxa
    with pytest.raises(InputError, match=r"unknown JASPAR release 'JASPAR2099'.*JASPAR2024"):
        export_jaspar(tmp_path / "x.meme", release="JASPAR2099")
    with pytest.raises(InputError, match=r"collection 'COREX'.*CORE"):
        export_jaspar(tmp_path / "x.meme", collection="COREX")
    with pytest.raises(InputError, match=r"taxonomic group 'vertebrate'.*vertebrates"):
        export_jaspar(tmp_path / "x.meme", taxon="vertebrate")
    assert not (tmp_path / "x.meme").exists()


def test_import_meme_validates_and_rewrites(tmp_path):
    src = tmp_path / "meme.txt"
    src.write_text(MEME_OUTPUT)
    dest = tmp_path / "db.meme"
    (motif,) = import_meme(src, dest)
    motifs, background = read_meme_file(dest)
    assert motifs[0].id == motif.id == "GGATTA"
    assert background == pytest.approx((0.3, 0.2, 0.2, 0.3))
    assert families_path(dest).is_file() and read_families(dest) == {}  # families unknown
    bad = tmp_path / "bad.meme"
    bad.write_text(HEADER)
    with pytest.raises(InputError, match="empty motif database"):
        import_meme(bad, tmp_path / "never.meme")
    assert not (tmp_path / "never.meme").exists()
