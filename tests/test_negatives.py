"""Negatives for peak sets: GC matching per chromosome, exclusions, exact dinucleotide
shuffles, flank windows, and genomes too small or too N-rich to give what is asked."""

from collections import Counter

import numpy as np
import pandas as pd
import pytest

from motifnet.data.extract import getfasta, read_chrom_sizes
from motifnet.data.gc import gc_fraction, ks_statistic
from motifnet.data.genome import chromosome_codes, index_fasta
from motifnet.data.negatives import (
    GCMatching,
    dinucleotide_shuffle,
    flank_windows,
    gc_matched,
    shuffled,
)
from motifnet.errors import InputError

LENGTH = 200


def dinucleotides(sequence):
    return Counter(zip(sequence, sequence[1:]))


def test_dinucleotide_shuffle_keeps_every_dinucleotide_count_exactly():
    rng = np.random.default_rng(0)
    for n in [3, 4, 9, 50, 200, 1000]:
        for _ in range(100):
            s = "".join(rng.choice(list("ACGTNacgt"), n, p=[.2, .15, .15, .2, .05,
                                                            .07, .06, .06, .06]))
            out = dinucleotide_shuffle(s, rng)
            assert dinucleotides(out) == dinucleotides(s)
            assert out[0] == s[0] and out[-1] == s[-1] and len(out) == n
    s = "".join(rng.choice(list("ACGT"), 200))
    assert dinucleotide_shuffle(s, rng) != s
    assert dinucleotide_shuffle("AC", rng) == "AC"


def test_shuffled_negatives_keep_the_positive_id_and_place():
    positives = pd.DataFrame({"id": ["CTCF:chr1:500"], "chrom": ["chr1"], "start": [400],
                              "end": [600], "sequence": ["ACGTTGCA" * 25]})
    out = shuffled(positives, 2, seed=3)
    assert out["id"].tolist() == ["CTCF:chr1:500:shuffle1", "CTCF:chr1:500:shuffle2"]
    assert (out["chrom"] == "chr1").all() and (out["start"] == 400).all()
    assert all(dinucleotides(s) == dinucleotides(positives["sequence"][0])
               for s in out["sequence"])
    again = shuffled(positives, 2, seed=3)
    assert again["sequence"].tolist() == out["sequence"].tolist()


@pytest.fixture(scope="module")
def genome(tmp_path_factory):
    """Five chromosomes of different GC content (0.35 to 0.65), one with a run of N."""
    out = tmp_path_factory.mktemp("genome")
    rng = np.random.default_rng(1)
    with open(out / "g.fa", "w") as handle:
        for i, gc in enumerate([0.35, 0.42, 0.5, 0.58, 0.65]):
            size = 400_000
            # GC varying along the chromosome, so each chromosome holds many GC bins
            local = np.clip(gc + 0.1 * np.sin(np.arange(size) / 7000), 0.05, 0.95)
            draw = rng.random(size)
            at = rng.random(size) < 0.5
            bases = np.where(draw < local, np.where(at, "G", "C"), np.where(at, "A", "T"))
            if i == 2:
                bases[100_000:160_000] = "N"
            seq = "".join(bases)
            handle.write(f">chr{i + 1}\n")
            handle.writelines(seq[j:j + 60] + "\n" for j in range(0, size, 60))
    index_fasta(out / "g.fa")
    return out / "g.fa"


def peaks_on(genome, n, seed):
    """Positive windows (and peaks slightly wider) at random, more on GC-rich chromosomes."""
    sizes = read_chrom_sizes(f"{genome}.fai")
    rng = np.random.default_rng(seed)
    chroms = rng.choice(list(sizes), n, p=[0.1, 0.15, 0.2, 0.25, 0.3])
    starts = rng.integers(1000, 390_000, n)
    positives = pd.DataFrame({"chrom": chroms, "start": starts, "end": starts + LENGTH})
    peaks = positives.assign(start=positives["start"] - 50, end=positives["end"] + 50)
    positives["sequence"] = getfasta(genome, positives.assign(strand="."))
    keep = ~positives["sequence"].str.contains("N")
    return positives[keep].reset_index(drop=True), peaks[keep].reset_index(drop=True)


def draw(genome, positives, peaks, blacklist=None, **options):
    settings = dict(length=LENGTH, ratio=1, exclude_flank=500, max_n_fraction=0.1,
                    gc_bin_width=0.01, seed=1) | options
    return gc_matched(positives, gc_fraction(positives["sequence"].tolist()), fasta=genome,
                      fai=f"{genome}.fai", sizes=read_chrom_sizes(f"{genome}.fai"), peaks=peaks,
                      blacklist=blacklist, settings=GCMatching(**settings))


def overlaps(a, b, flank=0):
    for chrom, group in a.groupby("chrom"):
        other = b[b["chrom"] == chrom]
        for start, end in zip(group["start"], group["end"]):
            if ((other["start"] - flank < end) & (other["end"] + flank > start)).any():
                return True
    return False


def test_gc_matched_per_chromosome_and_far_from_peaks(genome):
    positives, peaks = peaks_on(genome, 150, seed=2)
    blacklist = pd.DataFrame({"chrom": ["chr4"], "start": [200_000], "end": [300_000]})
    drawn = draw(genome, positives, peaks, blacklist)
    negatives = drawn.frame
    # chromosome-stratified: each chromosome gives as many negatives as it has positives, but
    # for the rare positive whose chromosome lacks free windows of its GC content
    record = drawn.record
    assert record["drawn"] == record["asked"] == len(positives)
    assert record["same_chromosome_and_bin"] >= 0.97 * len(positives)
    assert record["same_chromosome_and_bin"] + record["other_chromosome"] == len(positives)
    per_chrom = negatives["chrom"].value_counts() - positives["chrom"].value_counts()
    assert per_chrom.abs().max() <= 2
    sequences = getfasta(genome, negatives.assign(strand="."))
    assert np.allclose(gc_fraction(sequences), drawn.record["gc"])
    positive_gc = gc_fraction(positives["sequence"].tolist())
    assert ks_statistic(positive_gc, gc_fraction(sequences)) <= 0.05
    assert not overlaps(negatives, peaks, flank=500)
    assert not overlaps(negatives, positives, flank=500)
    assert not overlaps(negatives, blacklist)
    assert max(s.upper().count("N") for s in sequences) <= 0.1 * LENGTH
    assert not negatives.duplicated(["chrom", "start"]).any()
    again = draw(genome, positives, peaks, blacklist)
    assert again.frame.equals(negatives)  # seeded
    other = draw(genome, positives, peaks, blacklist, seed=2)
    assert not other.frame.equals(negatives)


def test_uniform_random_negatives_are_not_gc_matched(genome):
    """The baseline the matching is for: uniform windows differ in GC from GC-rich peaks."""
    positives, _ = peaks_on(genome, 600, seed=2)
    rng = np.random.default_rng(0)
    sizes = read_chrom_sizes(f"{genome}.fai")
    chroms = rng.choice(list(sizes), len(positives))
    codes = {c: chromosome_codes(genome, f"{genome}.fai", c) for c in sizes}
    uniform = []
    while len(uniform) < len(positives):
        chrom = chroms[len(uniform)]
        start = int(rng.integers(0, sizes[chrom] - LENGTH))
        window = codes[chrom][start:start + LENGTH].tobytes().decode()
        if "N" not in window:
            uniform.append(window)
    assert ks_statistic(gc_fraction(positives["sequence"].tolist()),
                        gc_fraction(uniform)) > 0.1


def test_chromosome_codes_match_getfasta(genome):
    codes = chromosome_codes(genome, f"{genome}.fai", "chr2")
    frame = pd.DataFrame({"chrom": ["chr2"], "start": [12345], "end": [12545], "strand": ["."]})
    assert codes[12345:12545].tobytes().decode() == getfasta(genome, frame)[0]
    assert len(codes) == 400_000


def test_too_small_a_genome_says_how_many_it_could_give(genome):
    positives, peaks = peaks_on(genome, 300, seed=4)
    asked = 100 * len(positives)
    with pytest.raises(InputError, match=rf"gives \d+ of the {asked} GC-matched negatives") as err:
        draw(genome, positives, peaks, ratio=100)
    assert "lower negatives.ratio (this genome gave" in str(err.value)


def test_positives_of_a_gc_content_no_window_has_are_named_with_the_fix(genome):
    positives, peaks = peaks_on(genome, 300, seed=4)
    # two all-GC positives: no 200-bp window of this genome is near GC 1.0, at any ratio
    extreme = positives.head(2).assign(sequence="GC" * (LENGTH // 2))
    positives = pd.concat([positives, extreme], ignore_index=True)
    for ratio, missing in ((1, 2), (2, 4)):  # a lower or higher ratio: the same bin is short
        with pytest.raises(InputError, match=r"missing after borrowing from other chromosomes "
                           rf"and 2 GC bins either side: {missing} for GC 0\.99-1\.00\n") as err:
            draw(genome, positives, peaks, ratio=ratio)
        assert "raise negatives.gc_bin_width (now 0.01)" in str(err.value)
    drawn = draw(genome, positives.iloc[:-2], peaks)  # without them the draw is complete
    assert len(drawn.frame) == len(positives) - 2


def test_too_n_rich_a_genome_is_an_error(tmp_path):
    rng = np.random.default_rng(0)
    seq = "".join(np.where(rng.random(50_000) < 0.7, "N", rng.choice(list("ACGT"), 50_000)))
    (tmp_path / "n.fa").write_text(">chrN\n" + "\n".join(seq[i:i + 60]
                                                         for i in range(0, len(seq), 60)) + "\n")
    index_fasta(tmp_path / "n.fa")
    positives = pd.DataFrame({"chrom": ["chrN"] * 5, "start": [1000, 5000, 9000, 13000, 17000]})
    positives["end"] = positives["start"] + LENGTH
    positives["sequence"] = ["ACGT" * 50] * 5
    with pytest.raises(InputError, match="gives 0 of the 5 GC-matched negatives") as error:
        draw(tmp_path / "n.fa", positives, positives)
    assert "at most 10% N" in str(error.value) and "max_n_fraction" in str(error.value)


def test_a_blacklist_covering_the_genome_is_an_error(genome):
    positives, peaks = peaks_on(genome, 50, seed=5)
    sizes = read_chrom_sizes(f"{genome}.fai")
    everything = pd.DataFrame({"chrom": list(sizes), "start": 0, "end": list(sizes.values())})
    with pytest.raises(InputError, match="the blacklist covers the whole genome") as error:
        draw(genome, positives, peaks, everything)
    assert "peaks.blacklist" in str(error.value)
    with pytest.raises(InputError, match="exclude_flank 400000"):
        draw(genome, positives, peaks, exclude_flank=400_000)


def test_flank_windows_avoid_peaks_and_chromosome_ends(genome):
    sizes = read_chrom_sizes(f"{genome}.fai")
    positives = pd.DataFrame({"chrom": ["chr1", "chr1", "chr2"], "summit": [5000, 5600, 300]})
    positives["start"] = positives["summit"] - 100
    positives["end"] = positives["start"] + LENGTH
    drawn = flank_windows(positives, positives, None, sizes, length=LENGTH, distance=600)
    # 5000-600 and 5600+600 are free; 5000+600 is the other positive; 300-600 is off the start
    assert sorted(drawn.frame["start"].tolist()) == [800, 4300, 6100]
    assert drawn.record["off_chromosome"] == 1 and drawn.record["overlapping"] == 2
    assert not overlaps(drawn.frame, positives)


@pytest.mark.parametrize("exclude_flank", [500, 0])
def test_a_genome_made_of_peak_windows_gives_no_gc_matched_negatives_and_says_why(
        tmp_path, exclude_flank):
    """A FASTA of the peak sequences used as the genome: every contig is one window with its
    peak; there is no background, and the draw stops at once with a message saying so."""
    rng = np.random.default_rng(0)
    with open(tmp_path / "w.fa", "w") as handle:
        for i in range(30):
            handle.write(f">peak{i}\n{''.join(rng.choice(list('ACGT'), LENGTH))}\n")
    index_fasta(tmp_path / "w.fa")
    positives = pd.DataFrame({"chrom": [f"peak{i}" for i in range(30)], "start": 0,
                              "end": LENGTH})
    positives["sequence"] = getfasta(tmp_path / "w.fa", positives.assign(strand="."))
    with pytest.raises(InputError, match="a genome made of peak windows holds no background"
                       ) as error:
        draw(tmp_path / "w.fa", positives, positives, exclude_flank=exclude_flank)
    assert "dinucleotide_shuffle" in str(error.value)
