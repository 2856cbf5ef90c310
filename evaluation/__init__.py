"""How well the figure reader reads: the gold sets (`gold/`, with how each was written and its first
score) and the scorer (`python -m evaluation.score`). Not part of the installed crawler."""
