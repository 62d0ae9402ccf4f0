"""Data lifecycle: permanent deletion (gc) and importing an MLflow deployment."""
