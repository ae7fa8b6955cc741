"""Time szbiz as a user runs it: whole processes, several runs, median and spread.

    python bench/run.py                      # 210, 10,000 and 100,000 tasks
    python bench/run.py --sizes 210,10000 --runs 7

For each size it writes a synthetic list and ledger (bench/generate.py), then
times `list --agency`, `due --before`, `done`, `report` and `--help` with the
output piped, each against a baseline run in the same session (`python -c
"import typer"`), and the first (cold) `list` before the cache is filled.
Where Taskwarrior is installed (`task`), the same tasks are imported into it
and its equivalent commands are timed side by side. Peak memory is the child's
maximum resident set size (where the platform reports it). It prints figures;
it asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
AS_OF = "2020-07-01"


@dataclass
class Figure:
    name: str
    times: list[float]
    peak_kb: int

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    @property
    def spread(self) -> float:
        return max(self.times) - min(self.times)


GNU_TIME = "/usr/bin/time" if Path("/usr/bin/time").exists() else None


def measure(argv: Sequence[str], env: dict[str, str], cwd: Path) -> tuple[float, int]:
    """Wall time of one whole process, and its peak resident memory in KB (0 if unknown).

    Memory comes from GNU time, which starts the command from a small process
    of its own: started straight from Python, a child's peak would include the
    Python process it was forked from.
    """
    with tempfile.NamedTemporaryFile("r", encoding="utf-8", suffix=".rss") as rss:
        wrapper = [GNU_TIME, "-f", "%M", "-o", rss.name] if GNU_TIME else []
        start = time.perf_counter()
        result = subprocess.run(
            [*wrapper, *argv],
            env=env,
            cwd=cwd,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            check=False,
        )  # stdout is a pipe, as a user's `| head` or `> file` would be
        elapsed = time.perf_counter() - start
        text = rss.read().strip().splitlines()
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed with exit code {result.returncode}")
    peak = int(text[-1]) if text and text[-1].isdigit() else 0
    return elapsed, peak


def measure_terminal(argv: Sequence[str], env: dict[str, str], cwd: Path) -> float:
    """Wall time of one whole process whose output is a pseudo-terminal (POSIX only)."""
    import pty

    main, secondary = pty.openpty()
    start = time.perf_counter()
    proc = subprocess.Popen(
        list(argv), env=env, cwd=cwd, stdout=secondary, stderr=subprocess.DEVNULL
    )
    os.close(secondary)
    while True:
        try:
            if not os.read(main, 65536):
                break
        except OSError:  # the other end closed
            break
    proc.wait()
    elapsed = time.perf_counter() - start
    os.close(main)
    return elapsed


Argv = Sequence[str] | Callable[[int], Sequence[str]]


def repeat(name: str, make_argv: Argv, runs: int, env: dict[str, str], cwd: Path) -> Figure:
    times: list[float] = []
    peak = 0
    for i in range(runs):
        argv = make_argv(i) if callable(make_argv) else make_argv
        elapsed, kb = measure(argv, env, cwd)
        times.append(elapsed)
        peak = max(peak, kb)
    return Figure(name, times, peak)


def szbiz_figures(size: int, runs: int, work: Path) -> tuple[list[Figure], dict[str, Path]]:
    tasks, ledger = work / f"tasks-{size}.yaml", work / f"progress-{size}.yaml"
    subprocess.run(
        [
            sys.executable,
            str(HERE / "generate.py"),
            str(size),
            "-o",
            str(tasks),
            "--ledger",
            str(ledger),
        ],
        check=True,
    )
    if size == 210:  # the real list, with the synthetic ledger
        from szbiz.settings import bundled_tasks

        shutil.copyfile(bundled_tasks(), tasks)
    env = dict(os.environ)
    # As pip installs it: szbiz's modules compiled to bytecode once, not at every run.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    import szbiz

    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(Path(szbiz.__file__).parent)], check=True
    )
    env.update(
        SZBIZ_TASKS=str(tasks),
        SZBIZ_PROGRESS=str(ledger),
        SZBIZ_CACHE_DIR=str(work / f"cache-{size}"),
        SZBIZ_TODAY=AS_OF,
        SZBIZ_USER="bench",
        NO_COLOR="1",
    )
    # The console script a user types; `python -m szbiz` where it is not installed.
    script = Path(sys.executable).with_name("szbiz.exe" if os.name == "nt" else "szbiz")
    szbiz = [str(script)] if script.is_file() else [sys.executable, "-m", "szbiz"]
    figures = [
        repeat("baseline: import typer", [sys.executable, "-c", "import typer"], runs, env, work)
    ]
    cold, kb = measure([*szbiz, "list", "--agency", "市税务局"], env, work)
    figures.append(Figure("list --agency (cold, first run)", [cold], kb))
    figures += [
        repeat("list --agency 市税务局", [*szbiz, "list", "--agency", "市税务局"], runs, env, work),
        repeat(
            "due --before 2020-06-30", [*szbiz, "due", "--before", "2020-06-30"], runs, env, work
        ),
        # Each run marks another task, so that every run really writes.
        repeat("done ID", lambda i: [*szbiz, "done", str(2 + 7 * i)], runs, env, work),
        repeat("report", [*szbiz, "report", "--format", "json"], runs, env, work),
        repeat("--help", [*szbiz, "--help"], runs, env, work),
    ]
    if size <= 1000 and hasattr(os, "openpty"):
        argv = [*szbiz, "list", "--agency", "市税务局"]
        tty_env = dict(env, COLUMNS="100", TERM="xterm")
        tty_env.pop("NO_COLOR", None)
        times = [measure_terminal(argv, tty_env, work) for _ in range(runs)]
        figures.append(Figure("list --agency (on a terminal)", times, 0))
    return figures, {"tasks": tasks, "ledger": ledger}


def taskwarrior_figures(size: int, runs: int, work: Path, tasks: Path) -> list[Figure]:
    """The same tasks in Taskwarrior, and its commands for the same questions."""
    from szbiz.load import load

    data = work / f"taskdata-{size}"
    data.mkdir()
    rc = work / f"taskrc-{size}"
    rc.write_text(
        f"data.location={data}\nconfirmation=off\nverbose=nothing\nhooks=off\n"
        "gc=off\nrecurrence=off\n",
        encoding="utf-8",
    )
    env = dict(os.environ, TASKRC=str(rc), TASKDATA=str(data))
    task_list = load(tasks).tasks
    agency_tag = {a.name: f"a{i}" for i, a in enumerate(task_list.agencies)}
    rows = [
        {
            "description": t.title,
            "status": "pending",
            "project": f"area{t.area}",
            "tags": [agency_tag[n] for n in t.lead + t.support],
            "due": t.deadline.strftime("%Y%m%dT000000Z"),
            "entry": "20200101T000000Z",
        }
        for t in task_list.tasks
    ]
    dump = work / f"tw-{size}.json"
    dump.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    subprocess.run(
        ["task", "import", str(dump)],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    tag = agency_tag["市税务局"]
    return [
        repeat("task +tag list", ["task", f"+{tag}", "list"], runs, env, work),
        repeat("task due.before: list", ["task", "due.before:2020-06-30", "list"], runs, env, work),
        repeat("task ID done", lambda i: ["task", str(2 + 7 * i), "done"], runs, env, work),
        repeat("task summary", ["task", "summary"], runs, env, work),
    ]


def show(size: int, figures: list[Figure], rival: list[Figure]) -> None:
    base = figures[0].median
    print(f'\n## {size:,} tasks  (baseline `python -c "import typer"`: {base * 1000:.0f} ms)\n')
    print("| command | median | spread | × baseline | peak MB | Taskwarrior | szbiz / task |")
    print("| :-- | --: | --: | --: | --: | --: | --: |")
    pairs = {"list --agency 市税务局": 0, "due --before 2020-06-30": 1, "done ID": 2, "report": 3}
    for f in figures[1:]:
        other = rival[pairs[f.name]] if rival and f.name in pairs else None
        theirs = f"{other.median * 1000:.0f} ms, {other.peak_kb / 1024:.0f} MB" if other else "–"
        ratio = f"{f.median / other.median:.2f}" if other else "–"
        print(
            f"| {f.name} | {f.median * 1000:.0f} ms | {f.spread * 1000:.0f} ms "
            f"| {f.median / base:.2f} | {f.peak_kb / 1024:.0f} | {theirs} | {ratio} |"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="210,10000,100000", help="comma-separated sizes")
    parser.add_argument("--runs", type=int, default=5, help="runs per command (median)")
    parser.add_argument("--no-taskwarrior", action="store_true", help="skip Taskwarrior")
    args = parser.parse_args()
    rival = shutil.which("task") is not None and not args.no_taskwarrior
    print(
        f"python {sys.version.split()[0]} on {sys.platform}, {os.cpu_count()} cores; "
        f"Taskwarrior: {'yes' if rival else 'not installed'}"
    )
    with tempfile.TemporaryDirectory(prefix="szbiz-bench-") as tmp:
        work = Path(tmp)
        for size in (int(s) for s in args.sizes.split(",")):
            figures, files = szbiz_figures(size, args.runs, work)
            theirs = taskwarrior_figures(size, args.runs, work, files["tasks"]) if rival else []
            show(size, figures, theirs)


if __name__ == "__main__":
    main()
