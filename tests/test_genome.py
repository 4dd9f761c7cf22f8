import gzip
import hashlib

import pytest

from motifnet.data.download import verify_sha256
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
