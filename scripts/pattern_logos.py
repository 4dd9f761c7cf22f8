"""Rule pattern_logos: each pattern's CWM and PFM beside its match, an overview of the patterns,
and attribution maps of top sequences per class with the embedded motifs marked."""

from motifnet.interpret.pattern_logos import draw_pattern_logos
from motifnet.rulescript import run


def main(smk):
    draw_pattern_logos(smk.input.modisco, smk.input.patterns, smk.input.names,
                       smk.input.attributions, smk.input.motif_db,
                       tuple(smk.input.truth) or None, smk.output.overview,
                       smk.output.patterns, smk.output.maps, top=smk.params.motifs["logo_grid"],
                       examples=smk.params.examples)


run(main, snakemake)  # noqa: F821
