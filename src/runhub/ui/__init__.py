"""Serves the built web app; its source lives in ``ui/`` at the repository root."""

from runhub.ui.serve import DIST_DIR, ui_routes

__all__ = ["DIST_DIR", "ui_routes"]
