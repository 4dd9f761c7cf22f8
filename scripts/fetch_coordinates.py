"""Rule fetch_coordinates: a Genomic Benchmarks dataset's coordinates, fetched and checked."""

import logging
from pathlib import Path

from motifnet.data.genomic_benchmarks import coordinates_table, fetch, write_bed
from motifnet.rulescript import run


def main(smk):
    name, version = smk.wildcards.benchmark, int(smk.wildcards.version)
    metadata, files = fetch(name, version, smk.params.url, Path(smk.output.bed).parent,
                            offline=smk.params.offline)
    for cls, spec in metadata["classes"].items():
        logging.info("class %s was made on %s", cls, (spec or {}).get("url", "(not recorded)"))
    table = coordinates_table(name, version, files)
    write_bed(table, smk.output.bed)
    counts = table.groupby(["split", "cls"]).size()
    logging.info("%s v%d: %s", name, version,
                 ", ".join(f"{s}/{c} {n}" for (s, c), n in counts.items()))


run(main, snakemake)  # noqa: F821
