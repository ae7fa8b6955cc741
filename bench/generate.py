"""Write a synthetic task list of N tasks (and a ledger) in szbiz's own format.

The text is drawn from the real 2020 list so that it reads like one: its
areas, its ~60 agencies with their aliases and kinds, its measures, and its
deadlines spread over twelve month-ends. Every (N // 7)-th task gets one or two
progress events.

    python bench/generate.py 10000 -o /tmp/bench/t10k.yaml --ledger /tmp/bench/p10k.yaml

With --reword every measure is reworded as a next year's list would word it (a
phrase replaced, a clause added): `szbiz diff` of the two lists pairs each task
with its reworded self.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
from dataclasses import replace
from pathlib import Path

from szbiz.dates import end_of_month
from szbiz.dump import dump_tasklist
from szbiz.ledger import ledger_text
from szbiz.load import load
from szbiz.model import Area, Event, Status, Task, TaskList
from szbiz.settings import bundled_tasks

SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def generate(n: int, seed: int = 2020) -> tuple[TaskList, list[Event]]:
    rng = random.Random(seed)
    real = load(bundled_tasks()).tasks
    names = [a.name for a in real.agencies]
    deadlines = [end_of_month(2020, m) for m in range(1, 13)]
    tasks = []
    for i in range(1, n + 1):
        model = real.tasks[(i - 1) % len(real.tasks)]
        deadline = rng.choice(deadlines)
        lead = tuple(rng.sample(names, rng.choice((1, 1, 1, 2))))
        support = tuple(n for n in rng.sample(names, rng.choice((0, 1, 2, 3, 4))) if n not in lead)
        tasks.append(
            Task(
                id=i,
                area=(i - 1) * len(real.areas) // n + 1,
                title=f"{model.title}（{i}）",
                description=model.description,
                lead=lead,
                support=support,
                deadline=deadline,
                deadline_text=f"{deadline.year}年{deadline.month}月底",
                lead_note=model.lead_note,
                support_note=model.support_note,
            )
        )
    areas = tuple(Area(a.number, a.name) for a in real.areas)
    task_list = TaskList(real.document, areas, real.agencies, tuple(tasks))
    events = []
    at = dt.datetime(2020, 12, 31, 18, 0, tzinfo=SHANGHAI)
    for task in tasks[::7]:
        started = task.deadline - dt.timedelta(days=rng.randint(20, 60))
        events.append(Event(task.id, Status.DOING, started, "bench", at))
        if rng.random() < 0.6:
            done = task.deadline + dt.timedelta(days=rng.randint(-15, 20))
            day = min(done, at.date())
            events.append(Event(task.id, Status.DONE, day, "bench", at, ref="文号"))
    return task_list, events


def reword(task_list: TaskList) -> TaskList:
    """Every measure reworded: the title's first two characters replaced, a clause added."""
    tasks = tuple(
        replace(
            t,
            title="全面" + t.title[2:],
            description=t.description.rstrip("。") + "，并于年底前开展实施效果评估。",
        )
        for t in task_list.tasks
    )
    return replace(task_list, tasks=tasks)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, help="how many tasks")
    parser.add_argument("-o", "--output", type=Path, required=True, help="the task list to write")
    parser.add_argument("--ledger", type=Path, help="also write a ledger with some events here")
    parser.add_argument("--reword", action="store_true", help="reword every measure (for diff)")
    args = parser.parse_args()
    task_list, events = generate(args.n)
    if args.reword:
        task_list = reword(task_list)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(dump_tasklist(task_list), encoding="utf-8")
    if args.ledger:
        args.ledger.write_text(ledger_text(events), encoding="utf-8")


if __name__ == "__main__":
    main()
