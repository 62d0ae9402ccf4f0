"""The tracking protocols on an MLflow ``mlruns`` directory (MLflow's file store layout).

Readable and writable by MLflow's own ``FileStore``: one folder per experiment and run, YAML
metadata, one file per param or tag, one appended line per metric point (mlflow-api.md §8.4).
"""
