import gzip
import hashlib

import pandas as pd
import pytest

from motifnet.data.download import verify_sha256
from motifnet.data.extract import getfasta
from motifnet.data.genome import prepare_genome
from motifnet.errors import InputError

FASTA = ">chrA\nACGTACGTAC\nACGTAC\n>chrB\nNNNNACGT\n"


def test_plain_and_gzipped_fasta_are_indexed(tmp_path):
    plain = tmp_path / "g.fa"
    plain.write_text(FASTA)
    packed = tmp_path / "g.fa.gz"
    packed.write_bytes(gzip.compress(FASTA.encode()))
    for source, name in [(plain, "a.fa"), (packed, "b.fa")]:
        fai = prepare_genome(source, tmp_path / name)
        assert [line.split("\t")[:2] for line in fai.read_text().splitlines()] == [
            ["chrA", "16"], ["chrB", "8"]]


def test_not_fasta_is_refused_and_nothing_left(tmp_path):
    bad = tmp_path / "genome.txt"
    bad.write_text("chr1\t0\t100\nchr1\t5\t10\n")
    with pytest.raises(InputError, match="not a FASTA") as error:
        prepare_genome(bad, tmp_path / "out.fa")
    assert str(bad) in str(error.value)
    assert not (tmp_path / "out.fa").exists() and not (tmp_path / "out.fa.fai").exists()


def test_truncated_gzip(tmp_path):
    bad = tmp_path / "g.fa.gz"
    bad.write_bytes(gzip.compress((FASTA * 2000).encode())[:100])
    with pytest.raises(InputError, match="cannot decompress"):
        prepare_genome(bad, tmp_path / "out.fa")
    assert not (tmp_path / "out.fa").exists()


def test_checksum_mismatch_removes_file(tmp_path):
    path = tmp_path / "g.fa"
    path.write_text(FASTA)
    verify_sha256(path, hashlib.sha256(FASTA.encode()).hexdigest())
    with pytest.raises(InputError, match="sha256 mismatch"):
        verify_sha256(path, "0" * 64)
    assert not path.exists()


@pytest.mark.parametrize("packed", [False, True])
def test_windows_line_endings_are_normalised(tmp_path, packed):
    """A CRLF genome (plain or gzipped) is prepared with Unix line ends, so that bedtools
    extracts the right bases from it."""
    crlf = FASTA.replace("\n", "\r\n").encode()
    source = tmp_path / ("g.fa.gz" if packed else "g.fa")
    source.write_bytes(gzip.compress(crlf) if packed else crlf)
    dest = tmp_path / "genome.fa"
    fai = prepare_genome(source, dest)
    assert not dest.is_symlink() and b"\r" not in dest.read_bytes()
    assert [line.split("\t")[:5] for line in fai.read_text().splitlines()] == [
        ["chrA", "16", "6", "10", "11"], ["chrB", "8", "30", "8", "9"]]
    frame = pd.DataFrame({"chrom": ["chrA", "chrB"], "start": [8, 2], "end": [14, 8],
                          "strand": ["+", "-"]})
    assert getfasta(dest, frame) == ["ACACGT", "ACGTNN"]


def test_windows_line_endings_beyond_the_probe(tmp_path):
    """Carriage returns that start after the first megabyte are found through the index."""
    first = ">chrA\n" + "ACGTACGTAC\n" * 120_000
    second = ">chrB\r\n" + "ACGT\r\n" * 3
    source = tmp_path / "g.fa"
    source.write_bytes((first + second).encode())
    fai = prepare_genome(source, tmp_path / "genome.fa")
    assert fai.read_text().splitlines()[1].split("\t")[3:5] == ["4", "5"]
    assert b"\r" not in (tmp_path / "genome.fa").read_bytes()


def test_duplicate_chromosome_name_says_where(tmp_path):
    source = tmp_path / "g.fa"
    source.write_text(FASTA + ">chrA\nACGT\n")
    with pytest.raises(InputError) as error:
        prepare_genome(source, tmp_path / "genome.fa")
    message = str(error.value)
    assert f"{source}, line 6" in message
    assert "chromosome name 'chrA' is used by more than one record (headers at lines 1, 6)" in (
        message)
    assert "equal lengths" not in message
    assert not (tmp_path / "genome.fa").exists() and not (tmp_path / "genome.fa.fai").exists()
