"""Rule attention_motifs: seed 004's attention motifs per class, named by the calibrated TomTom
call, and (on synthetic data) attention scored against the embedded motifs beside attribution."""

from motifnet.interpret.attention_motifs import attention_motifs
from motifnet.rulescript import run


def main(smk):
    attention_motifs(smk.input.attention, smk.input.motif_db, dict(smk.params.recipe),
                     dict(smk.params.tomtom), dict(smk.params.ground_truth) or None,
                     tuple(smk.input.truth) or None, smk.input.get("attributions") or None,
                     smk.output.meme, smk.output.matches, smk.output.names, smk.output.scores,
                     threads=smk.threads)


run(main, snakemake)  # noqa: F821
