"""Rule motif_logos: logo grid of the most informative filters, and each named filter beside its
match, with the match's E- and q-value."""

from motifnet.motifs.logos import draw_filter_logos
from motifnet.rulescript import run


def main(smk):
    draw_filter_logos(smk.input.pfms, smk.input.table, smk.input.names, smk.input.motif_db,
                      smk.output.grid, smk.output.matches, top=smk.params.motifs["logo_grid"])


run(main, snakemake)  # noqa: F821
