"""Rule prepare_genome: local or downloaded (sha256-checked) genome, decompressed and indexed."""

import logging
from pathlib import Path

from motifnet.data.download import download, verify_sha256
from motifnet.data.genome import prepare_genome
from motifnet.rulescript import run


def main(smk):
    spec = smk.params.spec
    if "url" in spec:
        name = Path(spec["url"].split("?")[0]).name or "genome.fa"
        source = download(spec["url"], Path(smk.params.download_dir) / name, spec.get("sha256"),
                          offline=smk.params.offline)
        if not spec.get("sha256"):
            logging.warning("no sha256 for %s in the config; it is unverified", spec["url"])
    else:
        source = Path(spec["path"])
        verify_sha256(source, spec.get("sha256"))
    logging.info("preparing %s from %s", smk.output.fasta, source)
    prepare_genome(source, smk.output.fasta)


run(main, snakemake)  # noqa: F821
