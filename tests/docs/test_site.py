"""The documentation site builds strictly, its REST reference covers every route served, and
the README's links lead into pages and headings that exist."""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

from markdown.extensions.toc import slugify

from runhub.cli.gc import gc
from runhub.cli.import_mlflow import import_mlflow
from tests.cli.test_documented_options import DOCS, documented, long_options

ROOT = DOCS.parent
_LINK = re.compile(r"\]\(([^)\s]+)\)")
_HEADING = re.compile(r"^#{1,6} (.+)$", re.MULTILINE)


def _hook(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, DOCS / "hooks" / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_site_builds_strictly(tmp_path: Path) -> None:
    """Any warning (a broken link or anchor, a page missing from the nav) fails the build."""
    site = tmp_path / "site"
    built = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        cwd=ROOT,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert built.returncode == 0, built.stdout + built.stderr
    assert "WARNING" not in built.stderr, built.stderr
    reference = (site / "reference" / "rest" / "index.html").read_text()
    assert "/api/2.0/mlflow/runs/log-batch" in reference
    assert (site / "reference" / "openapi.json").is_file()
    assert "benchmark results" in (site / "benchmarks" / "results" / "index.html").read_text()
    assert (site / "screenshots" / "runs-table.png").is_file()


def test_rest_reference_lists_every_operation_served() -> None:
    rest = _hook("rest_reference")
    doc = rest.document()
    page = rest.render(doc)
    for path, item in doc["paths"].items():
        listed = path
        if path.startswith("/ajax-api/") and "/api/" + path[len("/ajax-api/") :] in doc["paths"]:
            listed = "/api/" + path[len("/ajax-api/") :]
        for method in item:
            assert f"### `{method.upper()} {listed}`" in page, (method, path)


def test_readme_links_lead_to_pages_and_headings_that_exist() -> None:
    readme = (ROOT / "README.md").read_text()
    links = [link for link in _LINK.findall(readme) if "://" not in link]
    assert "docs/configuration.md" in {link.split("#")[0] for link in links}
    for link in links:
        target, _, anchor = link.partition("#")
        path = ROOT / target
        assert path.exists(), f"README links to a missing file: {link}"
        if anchor:
            slugs = {slugify(h, "-") for h in _HEADING.findall(path.read_text())}
            assert anchor in slugs, f"README links to a missing heading: {link}"


def test_gc_and_import_options_are_on_the_migration_page() -> None:
    page = (DOCS / "migrating.md").read_text()
    for command in (gc, import_mlflow):
        missing = sorted(o for o in long_options(command) if not documented(page, o))
        assert missing == [], f"document these options in docs/migrating.md: {missing}"
