"""The derivation language, the vocabulary, the checker and the printer: SymPy and the standard library only."""
