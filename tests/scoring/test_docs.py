"""Every option of ``runhub models serve`` is documented on the serving page (docs/scoring.md)."""

from __future__ import annotations

from runhub.cli.models import serve
from tests.cli.test_documented_options import DOCS, documented, long_options


def test_every_models_serve_option_is_on_the_serving_page() -> None:
    page = (DOCS / "scoring.md").read_text()
    assert page.startswith("# Serving models")
    missing = sorted(o for o in long_options(serve) if not documented(page, o))
    assert missing == [], f"document these options in docs/scoring.md: {missing}"
