"""Rule attention_figures: mean attention per class, the masks of top sequences with the
embedded motifs marked, and the attention motifs with their names."""

from motifnet.interpret.attention_figures import (
    AttentionFigureFiles,
    AttentionFigureOutputs,
    draw_attention,
)
from motifnet.rulescript import files_of, run


def main(smk):
    draw_attention(files_of(AttentionFigureFiles, smk.input),
                   files_of(AttentionFigureOutputs, smk.output), examples=smk.params.examples)


run(main, snakemake)  # noqa: F821
