"""szbiz's command line: ``szbiz COMMAND``.

Each command group lives in its own module; ``main`` imports only the module
of the command it runs, so that ``szbiz list`` does not pay for importing
the exporters. ``from szbiz.cli import app`` gives the app with every command.
"""

from __future__ import annotations

import importlib
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import typer

MODULES = {
    "data": ("import", "lint", "schema"),
    "query": ("list", "due", "show", "agencies", "areas"),
    "progress": (
        "done",
        "start",
        "block",
        "drop",
        "reopen",
        "note",
        "extend",
        "undo",
        "log",
        "init",
        "where",
    ),
    "report": ("report", "sheet"),
    "export": ("export",),
    "collect": ("collect",),
    "diff": ("diff",),
}
COMMANDS = {command: module for module, commands in MODULES.items() for command in commands}


def load_commands(modules: list[str] | None = None) -> typer.Typer:
    """The app, with the commands of ``modules`` (default: every module) registered."""
    from typer.core import TyperCommand

    from szbiz.cli.root import SzbizCommand, app

    for module in modules or sorted(MODULES):
        importlib.import_module(f"szbiz.cli.{module}")
    for info in app.registered_commands:  # their usage and help speak the language chosen
        if info.cls is None or info.cls is TyperCommand:
            info.cls = SzbizCommand
    return app


def main() -> None:
    """Console-script entry point: register the command asked for, then run."""
    import gc

    # Start-up makes tens of thousands of objects and no garbage: the collector would only
    # rescan them. It is back on, with them frozen out of its sight, for the command itself.
    gc.disable()
    from szbiz.cli.root import run

    command = next((arg for arg in sys.argv[1:] if not arg.startswith("-")), None)
    module = COMMANDS.get(command or "")
    app = load_commands([module] if module else None)
    if module:
        # Typer builds every registered command's options at each start; the
        # command that runs is the only one this process needs.
        app.registered_commands = [c for c in app.registered_commands if _name(c) == command]
    gc.freeze()
    gc.enable()
    run()


def _name(info: Any) -> str:
    return str(info.name or info.callback.__name__.replace("_", "-"))


def __getattr__(name: str) -> Any:
    if name == "app":
        return load_commands()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["COMMANDS", "app", "load_commands", "main"]
