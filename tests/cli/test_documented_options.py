"""Every option of ``runhub server`` and every knob in config.KNOBS is documented on the
configuration page of the documentation site (docs/configuration.md)."""

from __future__ import annotations

import re
from pathlib import Path

import click
from click.testing import CliRunner

from runhub.cli.main import cli
from runhub.cli.server import server, ui
from runhub.config import KNOBS

DOCS = Path(__file__).resolve().parents[2] / "docs"
CONFIGURATION = DOCS / "configuration.md"


def long_options(command: click.Command) -> set[str]:
    names = set()
    for param in command.params:
        if isinstance(param, click.Option):
            names.update(o for o in [*param.opts, *param.secondary_opts] if o.startswith("--"))
    return names - {"--help"}


def documented(page: str, name: str) -> bool:
    return re.search(rf"(?<![\\w-]){re.escape(name)}(?![\\w-])", page) is not None


def test_every_server_option_is_on_the_configuration_page() -> None:
    page = CONFIGURATION.read_text()
    options = long_options(server)
    assert {"--uvicorn-opts", "--gunicorn-opts", "--waitress-opts", "--dev"} <= options
    missing = sorted(o for o in options if not documented(page, o))
    assert missing == [], f"document these options in docs/configuration.md: {missing}"


def test_ui_takes_the_same_options_as_server() -> None:
    assert long_options(ui) == long_options(server)
    result = CliRunner().invoke(cli, ["server", "--help"], terminal_width=200)
    assert result.exit_code == 0 and "--expose-prometheus" in result.output


def test_every_knob_is_on_the_configuration_page() -> None:
    page = CONFIGURATION.read_text()
    missing = [
        knob.name
        for knob in KNOBS
        if (knob.env and not documented(page, knob.env))
        or (knob.option and not documented(page, knob.option.split("/")[0]))
    ]
    assert missing == [], f"document these settings in docs/configuration.md: {missing}"


def test_help_lists_the_environment_variables_without_options() -> None:
    result = CliRunner().invoke(cli, ["server", "--help"], terminal_width=200)
    for knob in KNOBS:
        if knob.env and not knob.option:
            assert knob.env in result.output
