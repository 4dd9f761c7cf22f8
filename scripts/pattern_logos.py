"""Rule pattern_logos: each pattern's CWM and PFM beside its match, an overview of the patterns,
and attribution maps of top sequences per class with the embedded motifs marked."""

from motifnet.interpret.pattern_logos import (
    PatternLogoFiles,
    PatternLogoOutputs,
    draw_pattern_logos,
)
from motifnet.rulescript import files_of, run


def main(smk):
    draw_pattern_logos(files_of(PatternLogoFiles, smk.input),
                       files_of(PatternLogoOutputs, smk.output),
                       top=smk.params.motifs["logo_grid"], examples=smk.params.examples)


run(main, snakemake)  # noqa: F821
