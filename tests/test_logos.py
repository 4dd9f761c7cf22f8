"""Logos: a filter beside its TomTom match, and the grid of the most informative filters."""

from __future__ import annotations

import numpy as np

from motifnet.motifs.logos import filter_vs_match, logo_grid
from motifnet.motifs.meme import Motif
from motifnet.motifs.tomtom import run_tomtom


def test_logos(tmp_path, jaspar, chosen):
    target = chosen[0]
    query = Motif("conv1_f000", "", target.pfm[::-1, ::-1][1:])
    matches, _ = run_tomtom([query], jaspar, engine="builtin", evalue_threshold=10)
    row = matches.set_index("target_id").loc[target.id]
    out = tmp_path / "match.png"
    filter_vs_match(
        target.pfm[::-1, ::-1][1:],
        target.pfm,
        row["orientation"],
        int(row["offset"]),
        out,
        "conv1_f000",
        f"{target.id} {target.name}",
    )
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    flat = np.full((10, 4), 0.25)
    ranked = logo_grid(
        [flat, chosen[0].pfm, chosen[1].pfm[:3]], ["a", "b", "c"], tmp_path / "grid.pdf", top=2
    )
    assert ranked == [1, 2]
    assert (tmp_path / "grid.pdf").read_bytes()[:4] == b"%PDF"
    logo_grid([], [], tmp_path / "empty.png")
    assert (tmp_path / "empty.png").stat().st_size > 0
