"""Data stage: intervals on a genome, or sequences as users have them, become the sequence
table (:mod:`.table`), and the table becomes one-hot train/val/test splits (:mod:`.encoded`)."""
