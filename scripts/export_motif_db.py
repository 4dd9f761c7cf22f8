"""Rule export_motif_db: a JASPAR selection (pyjaspar, offline) or a user MEME file, as MEME."""

import logging

from motifnet.motifs.database import export_jaspar, import_meme
from motifnet.rulescript import run


def main(smk):
    spec = smk.params.motif_db
    if "meme" in spec:
        motifs = import_meme(spec["meme"], smk.output[0])
        source = spec["meme"]
    else:
        motifs = export_jaspar(smk.output[0], spec["release"], spec["collection"], spec["taxon"])
        source = f"{spec['release']} {spec['collection']} {spec['taxon']}"
    logging.info("%d motifs from %s written to %s", len(motifs), source, smk.output[0])


run(main, snakemake)  # noqa: F821
