"""Architecture search (Genetic Architect, seed 004): spaces, round planning with Optuna,
trial jobs and the analysis of each round."""
