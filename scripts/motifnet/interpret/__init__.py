"""Interpretation stage: attribution maps, TF-MoDISco patterns and seqlets, their logos and
their scores against embedded motifs."""
