"""The ``runhub`` command group."""

from __future__ import annotations

import click

from runhub import __version__
from runhub.build_info import build_commit
from runhub.cli.db import db
from runhub.cli.gc import gc
from runhub.cli.import_mlflow import import_mlflow
from runhub.cli.models import models
from runhub.cli.server import server, ui


def print_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    # The commit is looked up only when asked for: it may mean running git.
    if value and not ctx.resilient_parsing:
        click.echo(f"runhub {__version__} (commit {build_commit()})")
        ctx.exit()


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=print_version,
    help="Show the version and the commit it was built from, then exit.",
)
def cli() -> None:
    """runhub: a fast ML tracking server that speaks the MLflow REST protocol."""


cli.add_command(server)
cli.add_command(ui)
cli.add_command(db)
cli.add_command(models)
cli.add_command(gc)
cli.add_command(import_mlflow)
