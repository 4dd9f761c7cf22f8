"""Where the synthetic generator embedded its motifs, in the coordinates of each sequence.

The generator writes ``regions.bed`` (one region per sequence id ``seqN``, with its strand)
and ``motifs.bed`` (every embedded instance in genome coordinates, with its region id in
column 8); a sequence is its region read on the region's strand, so an instance at genome
``[start, end)`` of a region on the minus strand lies at ``[region_end - end, region_end -
start)`` of the sequence.
"""

from __future__ import annotations

import os

import numpy as np
import pandas as pd

from ..errors import InputError

REGION_COLUMNS = ["chrom", "start", "end", "name", "score", "strand"]
INSTANCE_COLUMNS = ["chrom", "start", "end", "name", "score", "strand", "matrix_id", "region"]


def _read_bed(path: str | os.PathLike, columns: list[str]) -> pd.DataFrame:
    table = pd.read_csv(path, sep="\t", comment="#", header=None, dtype={0: str, 3: str, 7: str})
    if table.shape[1] < len(columns):
        raise InputError(f"expected at least {len(columns)} columns, found {table.shape[1]}",
                         path=path, hint="use the BED files the synthetic generator wrote")
    return table.iloc[:, :len(columns)].set_axis(columns, axis=1)


def read_instances(regions_bed: str | os.PathLike,
                   motifs_bed: str | os.PathLike) -> pd.DataFrame:
    """Every embedded motif instance: ``sequence`` (id), ``start``, ``end`` (0-based, end
    excluded, on the sequence) and ``tf`` (the motif's name)."""
    regions = _read_bed(regions_bed, REGION_COLUMNS).set_index("name")
    motifs = _read_bed(motifs_bed, INSTANCE_COLUMNS)
    unknown = ~motifs["region"].isin(regions.index)
    if unknown.any():
        raise InputError(f"motif instance of region '{motifs['region'][unknown].iloc[0]}', "
                         f"which {regions_bed} does not list", path=motifs_bed,
                         line=int(np.flatnonzero(unknown)[0]) + 2,
                         hint="generate regions.bed and motifs.bed together")
    region = regions.loc[motifs["region"]]
    minus = region["strand"].to_numpy() == "-"
    r_start, r_end = region["start"].to_numpy(), region["end"].to_numpy()
    start = np.where(minus, r_end - motifs["end"].to_numpy(), motifs["start"].to_numpy() - r_start)
    width = (motifs["end"] - motifs["start"]).to_numpy()
    return pd.DataFrame({"sequence": motifs["region"].to_numpy(), "start": start,
                         "end": start + width, "tf": motifs["name"].to_numpy()})


def position_mask(instances: pd.DataFrame, ids: np.ndarray, length: int) -> np.ndarray:
    """(N, L) boolean: positions of ``ids``' sequences covered by one of ``instances``."""
    row = {sequence: i for i, sequence in enumerate(ids)}
    mask = np.zeros((len(ids), length), dtype=bool)
    here = instances[instances["sequence"].isin(row)]
    for sequence, start, end in here[["sequence", "start", "end"]].itertuples(index=False):
        mask[row[sequence], max(start, 0):min(end, length)] = True
    return mask
