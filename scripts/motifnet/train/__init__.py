"""Training stage: one architecture fitted on one dataset, evaluated, and saved.

This file imports nothing: the Snakefile reads :mod:`.settings` where torch may be absent.
"""
