"""Rule tomtom: compare each filter with the motif database, call the names that beat the
shuffled null, and score what the model learned."""

from motifnet.motifs.naming import NamingOutputs, name_filters
from motifnet.rulescript import files_of, run


def main(smk):
    name_filters(smk.input.queries, smk.input.table, smk.input.motif_db, dict(smk.params.tomtom),
                 dict(smk.params.ground_truth) or None, files_of(NamingOutputs, smk.output),
                 threads=smk.threads)


run(main, snakemake)  # noqa: F821
