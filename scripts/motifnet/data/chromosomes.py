"""Match chromosome names of intervals to a genome's names across naming conventions.

Coordinates and genomes often name the same sequence differently: UCSC ``chr1`` against
Ensembl ``1``, ``chrM`` against ``MT`` or ``mitochondrion_genome``, UCSC scaffolds
``chr1_KI270706v1_random`` against their accession ``KI270706.1``, unversioned transcript ids
``ENST00000456328`` against ``ENST00000456328.2``. The Genomic Benchmarks coordinates use the
UCSC-like spellings on Ensembl FASTA files, so these are resolved before extraction.
"""

from __future__ import annotations

import re
from typing import Iterable

MITOCHONDRIA = ("chrM", "chrMT", "MT", "M", "mitochondrion_genome", "MtDNA", "chrMtDNA")
_UCSC_SCAFFOLD = re.compile(r"^chr[^_]*_([A-Za-z]+\d+)(?:v(\d+))?(?:_random|_alt|_fix)?$")
_VERSIONED = re.compile(r"^(.+)\.\d+$")


def _candidates(name: str) -> list[str]:
    """Spellings of ``name`` in other conventions, most likely first."""
    found = [name]
    if name.startswith("chr"):
        found.append(name[3:])
    else:
        found.append("chr" + name)
    if name in MITOCHONDRIA:
        found.extend(MITOCHONDRIA)
    scaffold = _UCSC_SCAFFOLD.match(name)
    if scaffold:
        accession, version = scaffold.groups()
        found.append(f"{accession}.{version or 1}")
        found.append(accession)
    return found


def resolve_names(names: Iterable[str], genome: Iterable[str]) -> dict[str, str]:
    """Map each interval chromosome name to the genome's name for it.

    Names with no counterpart map to themselves (extraction then reports them as unknown,
    with a hint about the assembly and the ``chr`` prefix).
    """
    genome = list(genome)
    present = set(genome)
    unversioned: dict[str, str | None] = {}
    for entry in genome:
        match = _VERSIONED.match(entry)
        if match:
            key = match.group(1)
            unversioned[key] = None if key in unversioned else entry  # None: ambiguous
    mapping = {}
    for name in dict.fromkeys(names):
        mapping[name] = name
        for candidate in _candidates(name):
            if candidate in present:
                mapping[name] = candidate
                break
            if unversioned.get(candidate):
                mapping[name] = unversioned[candidate]
                break
    return mapping


def describe_renaming(mapping: dict[str, str]) -> str:
    """A one-line summary of the names that were changed, for the log."""
    changed = [(a, b) for a, b in mapping.items() if a != b]
    if not changed:
        return "chromosome names match the genome as they are"
    shown = ", ".join(f"{a} -> {b}" for a, b in changed[:6])
    more = f" and {len(changed) - 6} more" if len(changed) > 6 else ""
    return f"renamed {len(changed)} chromosome name(s) to the genome's: {shown}{more}"
