"""Rule export_motif_db: a JASPAR selection (pyjaspar, offline) or a user MEME file, as MEME."""

from motifnet.motifs.database import write_database
from motifnet.rulescript import run


def main(smk):
    write_database(smk.params.motif_db, smk.output.meme)


run(main, snakemake)  # noqa: F821
