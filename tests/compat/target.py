"""Which server the compat suite drives, read once from ``RUNHUB_COMPAT_TARGET``.

``runhub`` (the default) starts ``python -m runhub server``; ``mlflow`` starts MLflow's own
server, the reference implementation, so every test can be checked against it.
"""

from __future__ import annotations

import os

TARGET = os.environ.get("RUNHUB_COMPAT_TARGET", "runhub")
ON_MLFLOW = TARGET == "mlflow"
