"""The ``runhub`` command group."""

from __future__ import annotations

import click

from runhub import __version__
from runhub.cli.db import db
from runhub.cli.gc import gc
from runhub.cli.import_mlflow import import_mlflow
from runhub.cli.models import models
from runhub.cli.server import server, ui


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="runhub")
def cli() -> None:
    """runhub: a fast ML tracking server that speaks the MLflow REST protocol."""


cli.add_command(server)
cli.add_command(ui)
cli.add_command(db)
cli.add_command(models)
cli.add_command(gc)
cli.add_command(import_mlflow)
