"""Every option of ``runhub models serve`` is documented in the README."""

from __future__ import annotations

from runhub.cli.models import serve
from tests.cli.test_documented_options import README, documented, long_options


def test_every_models_serve_option_is_in_the_readme() -> None:
    readme = README.read_text()
    assert "## Serving models" in readme
    missing = sorted(o for o in long_options(serve) if not documented(readme, o))
    assert missing == [], f"document these options in README.md: {missing}"
