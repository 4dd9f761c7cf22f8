"""Rule attention_figures: mean attention per class, the masks of top sequences with the
embedded motifs marked, and the attention motifs with their names."""

from motifnet.interpret.attention_figures import draw_attention
from motifnet.rulescript import run


def main(smk):
    draw_attention(smk.input.attention, smk.input.meme, smk.input.names,
                   tuple(smk.input.truth) or None, smk.output.means, smk.output.maps,
                   smk.output.motifs, examples=smk.params.examples)


run(main, snakemake)  # noqa: F821
