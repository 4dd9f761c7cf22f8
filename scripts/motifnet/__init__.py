"""motifnet: learn DNA sequence motifs with neural networks and name them against JASPAR.

One module per idea; the Snakemake rule scripts in ``scripts/`` are thin wrappers around it.
"""

__version__ = "0.1.0"
