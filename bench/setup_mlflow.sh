#!/usr/bin/env bash
# Create bench/.venv-mlflow with the MLflow server the benchmarks compare against, and py-spy
# (used by `bench/run.py --profile` to profile either server). Idempotent: re-running with
# all already installed does nothing.
set -euo pipefail

MLFLOW_VERSION="3.17.2" # 3.18.0 is not installable from this machine's registry
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
VENV="$HERE/.venv-mlflow"
PYTHON="${PYTHON:-python3}"

if [[ -x "$VENV/bin/py-spy" ]] &&
    "$VENV/bin/python" -c "import mlflow, psycopg, sys; sys.exit(mlflow.__version__ != '$MLFLOW_VERSION')" 2>/dev/null; then
    echo "mlflow $MLFLOW_VERSION and py-spy already installed in $VENV"
    exit 0
fi

if [[ ! -x "$VENV/bin/python" ]]; then
    "$PYTHON" -m venv "$VENV"
fi
"$VENV/bin/pip" install --quiet --upgrade pip
# psycopg: the PostgreSQL driver for bench/postgres.py
"$VENV/bin/pip" install --quiet "mlflow==$MLFLOW_VERSION" py-spy "psycopg[binary]>=3.1"
"$VENV/bin/python" -c "import mlflow; print('installed mlflow', mlflow.__version__)"
