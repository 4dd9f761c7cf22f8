"""Rule motif_logos: logo grid of the most informative filters, and each match beside its filter."""

from pathlib import Path

import pandas as pd

from motifnet.learned import best_matches
from motifnet.logos import logo_grid, filter_vs_match
from motifnet.meme import read_meme
from motifnet.pfm import FilterPFMs, trim
from motifnet.rulescript import run


def main(smk):
    cfg = smk.params.motifs
    layers = [FilterPFMs.load(p) for p in sorted(Path(smk.input.pfms).glob("*.npz"))]
    ids = [i for pfms in layers for i in pfms.ids()]
    pfms = [p for pfms in layers for p in pfms.pfms()]
    matches = pd.read_csv(smk.input.matches, sep="\t")
    best = best_matches(matches, ids, smk.params.evalue_threshold).set_index("filter")
    names = [f"{i}: {best.loc[i, 'target_name']}" if best.loc[i, "matched"] else i for i in ids]
    shown = logo_grid(pfms, names, smk.output.grid, top=cfg["logo_grid"])
    database = {m.id: m for m in read_meme(smk.input.motif_db)}
    out = Path(smk.output.matches)
    out.mkdir(parents=True, exist_ok=True)
    for i in shown:
        row = best.loc[ids[i]]
        if not row["matched"]:
            continue
        target = database[row["target_id"]]
        # TomTom aligned the trimmed filter (as written to filters.meme): shift to the full one
        start = trim(pfms[i], cfg["trim_ic"])[1] if cfg["trim_ic"] else 0
        filter_vs_match(pfms[i], target.pfm, row["orientation"], int(row["offset"]) - start,
                        out / f"{ids[i]}.png", ids[i], f"{target.name} {target.id}")


run(main, snakemake)  # noqa: F821
