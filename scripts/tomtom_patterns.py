"""Rule tomtom_patterns: compare each pattern with the motif database, call the names that beat
the shuffled null, and score patterns, seqlets and attributions (against the embedded motifs of
synthetic data)."""

from motifnet.interpret.pattern_names import name_patterns
from motifnet.rulescript import run


def main(smk):
    name_patterns(smk.input.queries, smk.input.patterns, smk.input.seqlets,
                  smk.input.attributions, smk.input.motif_db, dict(smk.params.tomtom),
                  dict(smk.params.ground_truth) or None, tuple(smk.input.truth) or None,
                  smk.output.matches, smk.output.names, smk.output.scores, threads=smk.threads)


run(main, snakemake)  # noqa: F821
