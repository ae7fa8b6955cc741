"""What a command works on: the list, its progress, and the day it is looked at."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from szbiz.cli.app import open_list
from szbiz.cli.options import as_of_day
from szbiz.model import History, TaskList


@dataclass(frozen=True)
class Session:
    tasks: TaskList
    history: History
    as_of: dt.date


def open_session(tasks: Path | None, as_of: str | None) -> Session:
    day = as_of_day(as_of)
    return Session(open_list(tasks), History(), day)
