"""Rule attention_motifs: seed 004's attention motifs per class, named by the calibrated TomTom
call, and (on synthetic data) attention scored against the embedded motifs beside attribution."""

from motifnet.interpret.attention_motifs import (
    AttentionMotifFiles,
    AttentionMotifOutputs,
    attention_motifs,
)
from motifnet.rulescript import files_of, run


def main(smk):
    attention_motifs(files_of(AttentionMotifFiles, smk.input), smk.input.motif_db,
                     dict(smk.params.recipe), dict(smk.params.tomtom),
                     dict(smk.params.ground_truth) or None,
                     files_of(AttentionMotifOutputs, smk.output), threads=smk.threads)


run(main, snakemake)  # noqa: F821
