"""Write a synthetic task list of N tasks (and a ledger) in szbiz's own format.

The text is drawn from the real 2020 list so that it reads like one: its
areas, its ~60 agencies with their aliases and kinds, its measures, and its
deadlines spread over twelve month-ends. Every (N // 7)-th task gets one or two
progress events.

    python bench/generate.py 10000 -o /tmp/bench/t10k.yaml --ledger /tmp/bench/p10k.yaml

It reads the repository's data/tasks.yaml and writes the files with PyYAML
alone, so that it does not depend on how szbiz's own modules are named.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parent.parent
BUNDLED = REPO / "data" / "tasks.yaml"
AT = "2020-12-31T18:00:00+08:00"  # when the bench's events were recorded

TASKS_HEADER = """\
# szbiz canonical task list: {title}
# Generated from data/source/{source} by:
#   szbiz import data/source/{source} -o data/tasks.yaml
# Do not edit by hand: change the source or the importer and regenerate.
# Check it with: szbiz lint data/tasks.yaml
"""

LEDGER_HEADER = """\
# szbiz progress ledger: the history of every task's status.
# Append-only: szbiz adds events at the end and never changes or removes a line.
# One event per line: - {task, status, on (the day it happened), by (who
# recorded it), at (when it was recorded), note and ref (evidence) if given}.
# `szbiz init` sets `merge=union` for this file in .gitattributes, so a git
# merge of two branches that both added events keeps the events of both.
"""


def end_of_month(year: int, month: int) -> dt.date:
    if month == 12:
        return dt.date(year, 12, 31)
    return dt.date(year, month + 1, 1) - dt.timedelta(days=1)


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True


def _section(key: str, value: Any) -> str:
    text: str = yaml.dump(
        {key: value},
        Dumper=_Dumper,
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=False,
        width=1 << 20,
        indent=2,
    )
    return text


def _task(
    model: dict[str, Any], i: int, n: int, areas: int, rng: random.Random, names: list[str]
) -> dict[str, Any]:
    deadline = rng.choice([end_of_month(2020, m) for m in range(1, 13)])
    lead = rng.sample(names, rng.choice((1, 1, 1, 2)))
    support = [a for a in rng.sample(names, rng.choice((0, 1, 2, 3, 4))) if a not in lead]
    task: dict[str, Any] = {
        "id": i,
        "area": (i - 1) * areas // n + 1,
        "title": f"{model['title']}（{i}）",
        "description": model.get("description", ""),
        "lead": lead,
    }
    if model.get("lead_note"):
        task["lead_note"] = model["lead_note"]
    task["support"] = support
    if model.get("support_note"):
        task["support_note"] = model["support_note"]
    task["deadline"] = deadline
    task["deadline_text"] = f"{deadline.year}年{deadline.month}月底"
    return task


def generate(n: int, seed: int = 2020) -> tuple[str, str]:
    """The task list's text and the ledger's text."""
    rng = random.Random(seed)
    real = yaml.safe_load(BUNDLED.read_text(encoding="utf-8"))
    names = [a["name"] for a in real["agencies"]]
    areas = len(real["areas"])
    tasks = [
        _task(real["tasks"][(i - 1) % len(real["tasks"])], i, n, areas, rng, names)
        for i in range(1, n + 1)
    ]
    doc = real["document"]
    parts = [
        TASKS_HEADER.format(title=doc["title"], source=doc["source"]),
        _section("schema", real["schema"]),
        _section("document", doc),
        _section("areas", real["areas"]),
        _section("agencies", real["agencies"]),
    ]
    blocks = [_section("tasks", [t]).split("\n", 1)[1] for t in tasks]
    parts.append("tasks:\n" + "".join("\n" + b for b in blocks))
    lines = [LEDGER_HEADER]
    last = dt.date(2020, 12, 31)
    for task in tasks[::7]:
        started = task["deadline"] - dt.timedelta(days=rng.randint(20, 60))
        lines.append(_event(task["id"], "doing", started))
        if rng.random() < 0.6:
            done = task["deadline"] + dt.timedelta(days=rng.randint(-15, 20))
            lines.append(_event(task["id"], "done", min(done, last), ref="文号"))
    return "\n".join(parts), "".join(lines)


def _event(task: int, status: str, on: dt.date, ref: str = "") -> str:
    line = f"- {{task: {task}, status: {status}, on: {on.isoformat()}, by: bench, at: '{AT}'"
    return line + (f", ref: {ref}}}\n" if ref else "}\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, help="how many tasks")
    parser.add_argument("-o", "--output", type=Path, required=True, help="the task list to write")
    parser.add_argument("--ledger", type=Path, help="also write a ledger with some events here")
    args = parser.parse_args()
    tasks, ledger = generate(args.n)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(tasks, encoding="utf-8")
    if args.ledger:
        args.ledger.write_text(ledger, encoding="utf-8")


if __name__ == "__main__":
    main()
