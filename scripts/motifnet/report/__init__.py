"""Report stage: one table of every model, and seeded trials beside the papers' values."""
