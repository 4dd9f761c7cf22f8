"""Rule motif_logos: logo grid of the most informative filters, and each named filter beside its
match, with the match's E- and q-value."""

from pathlib import Path

import pandas as pd
from motifnet.motifs.logos import filter_vs_match, logo_grid
from motifnet.motifs.meme import read_meme
from motifnet.motifs.pfm import FilterPFMs, trim
from motifnet.rulescript import run


def main(smk):
    cfg = smk.params.motifs
    layers = [FilterPFMs.load(p) for p in sorted(Path(smk.input.pfms).glob("*.npz"))]
    ids = [i for pfms in layers for i in pfms.ids()]
    pfms = [p for pfms in layers for p in pfms.pfms()]
    names = pd.read_csv(smk.input.names, sep="\t").set_index("filter")
    titles = [f"{i}: {names.loc[i, 'target_name']}" if names.loc[i, "named"] else i for i in ids]
    shown = logo_grid(pfms, titles, smk.output.grid, top=cfg["logo_grid"])
    database = {m.id: m for m in read_meme(smk.input.motif_db)}
    out = Path(smk.output.matches)
    out.mkdir(parents=True, exist_ok=True)
    for i in shown:
        row = names.loc[ids[i]]
        if not row["named"]:
            continue
        target = database[row["target_id"]]
        # TomTom aligned the trimmed filter (as written to filters.meme): shift to the full one
        start = trim(pfms[i], cfg["trim_ic"])[1] if cfg["trim_ic"] else 0
        filter_vs_match(pfms[i], target.pfm, row["orientation"], int(row["offset"]) - start,
                        out / f"{ids[i]}.png", ids[i],
                        f"{target.name} {target.id}  E = {row['e_value']:.2g}, "
                        f"q = {row['q_value']:.2g}, FDR = {row['empirical_fdr']:.2g}")


run(main, snakemake)  # noqa: F821
