"""Motif stage: filter PFMs, MEME files, the motif database, TomTom and the named call."""
