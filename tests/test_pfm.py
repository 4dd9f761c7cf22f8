"""Filter PFMs as TomTom queries: trimming, the query columns recorded in filters.tsv, files."""

from __future__ import annotations

import numpy as np

from motifnet.motifs.pfm import FilterPFMs, read_filter_table, trim

CONSENSUS = "TTGACGCAAT"
MOTIF_PFM = np.full((len(CONSENSUS), 4), 0.05)
MOTIF_PFM[np.arange(len(CONSENSUS)), ["ACGT".index(b) for b in CONSENSUS]] = 0.85


def test_trim_keeps_informative_core_with_padding():
    pfm = np.vstack([np.full((6, 4), 0.25), MOTIF_PFM, np.full((5, 4), 0.25)])
    trimmed, start = trim(pfm, min_ic=0.5, pad=2)
    assert start == 4 and len(trimmed) == len(CONSENSUS) + 4
    np.testing.assert_array_equal(trimmed[2:-2], MOTIF_PFM)
    core, start = trim(pfm, min_ic=0.5, pad=0)
    assert start == 6 and len(core) == len(CONSENSUS)
    flat = np.full((8, 4), 0.25)
    whole, start = trim(flat)
    assert start == 0 and whole.shape == flat.shape
    trimmed_queries = FilterPFMs(
        "conv1", pfm[None] * 50, np.array([50]), np.array([1.0]), 50, "threshold"
    ).motifs(trim_ic=0.5, pad=0)
    assert trimmed_queries[0].width == len(CONSENSUS)


def test_query_columns_are_recorded_and_read_back(tmp_path):
    pfm = np.vstack([np.full((6, 4), 0.25), MOTIF_PFM, np.full((5, 4), 0.25)])
    counts = np.stack([pfm * 50, np.full_like(pfm, 12.5), pfm * 50])
    pfms = FilterPFMs("conv1", counts, np.array([50, 50, 0]), np.ones(3), 50, "threshold")
    table = pfms.table(min_sites=1, trim_ic=0.5, pad=2)
    # the flat filter has no column above 0.5 bits and the silent one no site: no queries
    assert table["query_start"].tolist()[0] == 4
    assert table["query_end"].tolist()[0] == 4 + len(CONSENSUS) + 4
    assert table["query_start"].isna().tolist() == [False, True, True]
    queries = pfms.motifs(min_sites=1, trim_ic=0.5, pad=2)
    assert [q.id for q in queries] == ["conv1_f000"]
    np.testing.assert_allclose(queries[0].pfm, pfm[4:4 + len(CONSENSUS) + 4])
    table.assign(layer="conv1").to_csv(tmp_path / "filters.tsv", sep="\t", index=False)
    back = read_filter_table(tmp_path / "filters.tsv")
    assert back["query_start"].tolist()[0] == 4 and back["query_start"].isna().sum() == 2
    assert back["flag"].tolist() == ["", "", "never_fires"]
