"""szbiz's command line: ``szbiz COMMAND``."""

from szbiz.cli import data, export, progress, query, report  # noqa: F401  (registers the commands)
from szbiz.cli.app import app, main

__all__ = ["app", "main"]
