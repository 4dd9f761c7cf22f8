"""Rule tomtom_patterns: compare each pattern with the motif database, call the names that beat
the shuffled null, and score patterns, seqlets and attributions (against the embedded motifs of
synthetic data)."""

from motifnet.interpret.pattern_names import PatternFiles, name_patterns
from motifnet.motifs.naming import NamingOutputs
from motifnet.rulescript import files_of, run


def main(smk):
    name_patterns(files_of(PatternFiles, smk.input), smk.input.motif_db, dict(smk.params.tomtom),
                  dict(smk.params.ground_truth) or None, files_of(NamingOutputs, smk.output),
                  threads=smk.threads)


run(main, snakemake)  # noqa: F821
