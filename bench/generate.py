"""Write a synthetic task list of N tasks (and a ledger) in szbiz's own format.

The text is drawn from the real 2020 list so that it reads like one: its
areas, its ~60 agencies with their aliases and kinds, its measures, and its
deadlines spread over twelve month-ends. Every (N // 7)-th task gets one or two
progress events.

    python bench/generate.py 10000 -o /tmp/bench/t10k.yaml --ledger /tmp/bench/p10k.yaml
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, help="how many tasks")
    parser.add_argument("-o", "--output", type=Path, required=True, help="the task list to write")
    parser.add_argument("--ledger", type=Path, help="also write a ledger with some events here")
    args = parser.parse_args()
    task_list, events = generate(args.n)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(dump_tasklist(task_list), encoding="utf-8")
    if args.ledger:
        args.ledger.write_text(ledger_text(events), encoding="utf-8")


if __name__ == "__main__":
    main()
