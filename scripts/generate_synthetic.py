"""Rule generate_synthetic: Koo & Eddy synthetic genome, regions and ground-truth motifs."""

import logging

from motifnet.data import synthetic
from motifnet.data.genome import index_fasta
from motifnet.rulescript import run


def main(smk):
    spec = smk.params.synthetic
    pool = synthetic.jaspar_pool(spec["motifs"], spec["jaspar_release"])
    logging.info("motif pool: %s", ", ".join(f"{m.name} {m.matrix_id}" for m in pool))
    sequences, labels, instances = synthetic.generate(
        pool, spec["n_sequences"], spec["length"], spec["min_motifs"], spec["max_motifs"],
        spec["seed"],
    )
    synthetic.write_dataset(
        pool, sequences, labels, instances, smk.output.fasta, smk.output.regions,
        smk.output.motifs, spec["sequences_per_chromosome"], spec["spacer"], spec["seed"],
    )
    index_fasta(smk.output.fasta)
    logging.info("%d sequences, %d motif instances; positives per TF: %s", len(sequences),
                 len(instances), dict(zip([m.name for m in pool], labels.sum(0).tolist())))


run(main, snakemake)  # noqa: F821
