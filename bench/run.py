"""Time szbiz as a user runs it, against its targets: whole processes, median of several runs.

    python bench/run.py                      # 210, 10,000 and 100,000 tasks
    python bench/run.py --sizes 210,10000 --runs 3

It makes a virtual environment of its own in a temporary directory and
installs the repository into it with a plain `pip install` (not editable), so
what runs is the `szbiz` script with the bytecode pip compiled, as a user has
it. The pip cache is used as usual.

At 210 tasks (the repository's data/tasks.yaml with a synthetic ledger) it
times `list`, `due`, `show`, `sheet`, `report`, `agencies`, `areas`, `done`,
`lint` and `diff` (also of two lists of 2,000) with the output piped, each
against the baseline `python -c "import typer"` run with the same
environment's Python. At larger sizes
(synthetic lists from bench/generate.py) it times `list`, `due`, `done` and
`report` against Taskwarrior (`task`) holding the same tasks, their peak
memory (GNU time), and the first run, before szbiz's cache is filled.

It prints a Markdown table with each target beside its figure and whether it
is met; it asserts nothing. It does not import szbiz: it runs it.
"""

from __future__ import annotations

import argparse
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
REPO = HERE.parent
BUNDLED = REPO / "data" / "tasks.yaml"
AS_OF = "2020-07-01"
GNU_TIME = "/usr/bin/time" if Path("/usr/bin/time").exists() else None


@dataclass
class Figure:
    times: list[float]
    peak_kb: int

    @property
    def median(self) -> float:
        return statistics.median(self.times)


@dataclass
class Target:
    """What a figure must be at most: `ratio` × the baseline or × Taskwarrior, or `seconds`."""

    against: str  # "baseline", "task" or "seconds"
    limit: float
    memory: float = 0.0  # at most this × Taskwarrior's peak memory, where not 0

    def __str__(self) -> str:
        if self.against == "seconds":
            return f"< {self.limit:g} s"
        text = f"≤ {self.limit:g}× {'baseline' if self.against == 'baseline' else 'task'}"
        return text + (f", memory ≤ {self.memory:g}× task" if self.memory else "")


@dataclass
class Row:
    size: int
    command: str
    szbiz: Figure
    base: float  # the baseline's median, seconds
    rival: Figure | None = None
    target: Target | None = None
    pair: str = ""  # which Taskwarrior command answers the same question

    def met(self) -> str:
        t = self.target
        if t is None:
            return "–"
        if t.against == "seconds":
            return "yes" if self.szbiz.median < t.limit else "no"
        if t.against == "baseline":
            return "yes" if self.szbiz.median <= t.limit * self.base else "no"
        if self.rival is None:
            return "? (no Taskwarrior)"
        misses = []
        if self.szbiz.median > t.limit * self.rival.median:
            misses.append("time")
        if t.memory and self.szbiz.peak_kb > t.memory * self.rival.peak_kb:
            misses.append("memory")
        return f"no ({', '.join(misses)})" if misses else "yes"


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
            capture_output=True,  # stdout is a pipe, as a user's `| head` or `> file` would be
            check=False,
        )
        elapsed = time.perf_counter() - start
        text = rss.read().strip().splitlines()
    if result.returncode != 0:
        err = result.stderr.decode("utf-8", "replace").strip()
        raise SystemExit(f"{' '.join(argv)} failed with exit code {result.returncode}: {err}")
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


def repeat(make_argv: Argv, runs: int, env: dict[str, str], cwd: Path) -> Figure:
    times: list[float] = []
    peak = 0
    for i in range(runs):
        argv = make_argv(i) if callable(make_argv) else make_argv
        elapsed, kb = measure(argv, env, cwd)
        times.append(elapsed)
        peak = max(peak, kb)
    return Figure(times, peak)


def log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


# --- the installed szbiz -----------------------------------------------------------------


def clean_env() -> dict[str, str]:
    """This process's environment without anything that would change what szbiz or Python do."""
    return {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SZBIZ_", "PYTHON", "VIRTUAL_ENV")) and k != "NO_COLOR"
    }


def install(work: Path) -> Path:
    """A fresh virtual environment with the repository installed in it; its bin directory."""
    env_dir = work / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(env_dir)], check=True)
    bindir = env_dir / ("Scripts" if os.name == "nt" else "bin")
    python = bindir / ("python.exe" if os.name == "nt" else "python")
    # From a copy of the tracked files: a build/ left in the repository by an earlier
    # install would otherwise lend the wheel modules that no longer exist.
    tracked = subprocess.run(
        ["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True
    ).stdout.decode("utf-8")
    source = work / "source"
    for name in filter(None, tracked.split("\0")):
        if (REPO / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, source / name)
    start = time.perf_counter()
    subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check", str(source)],
        check=True,
        cwd=work,
        env=clean_env(),
    )
    log(f"installed szbiz from {REPO} in {time.perf_counter() - start:.0f} s")
    return bindir


def done_id(size: int, i: int) -> str:
    """Run i's task for `done`: 42, 49, 56 …, never one the synthetic ledger has events for."""
    return str((41 + 7 * i) % (size - size % 7 or size) + 1)


def szbiz_rows(size: int, runs: int, work: Path, bindir: Path) -> tuple[list[Row], Path]:
    python = str(bindir / ("python.exe" if os.name == "nt" else "python"))
    szbiz = [str(bindir / ("szbiz.exe" if os.name == "nt" else "szbiz"))]
    tasks, ledger = work / f"tasks-{size}.yaml", work / f"progress-{size}.yaml"
    generate = [python, str(HERE / "generate.py"), str(size), "-o", str(tasks)]
    subprocess.run([*generate, "--ledger", str(ledger)], check=True, env=clean_env())
    if size == 210:  # the real list, with the synthetic ledger
        shutil.copyfile(BUNDLED, tasks)
    env = clean_env()
    env.update(
        SZBIZ_TASKS=str(tasks),
        SZBIZ_PROGRESS=str(ledger),
        SZBIZ_CACHE_DIR=str(work / f"cache-{size}"),
        SZBIZ_TODAY=AS_OF,
        SZBIZ_USER="bench",
        NO_COLOR="1",
        XDG_DATA_HOME=str(work / "data"),
    )
    base = repeat([python, "-c", "import typer"], runs, env, work).median
    rows = [Row(size, 'baseline `python -c "import typer"`', Figure([base], 0), base)]

    def row(command: str, argv: Argv, target: Target | None = None, pair: str = "") -> None:
        log(f"{size:>7,} szbiz {command}")
        figure = repeat(argv, runs, env, work)
        rows.append(Row(size, command, figure, base, target=target, pair=pair))

    cold, kb = measure([*szbiz, "list", "--agency", "市税务局"], env, work)
    first = Target("seconds", 15) if size == 100_000 else None
    rows.append(Row(size, "first run, cache empty (`list`)", Figure([cold], kb), base, None, first))
    if size == 210:
        b = "baseline"
        list_, due = (
            [*szbiz, "list", "--agency", "市税务局"],
            [*szbiz, "due", "--before", "2020-06-30"],
        )
        row("`list --agency 市税务局`", list_, Target(b, 1.3), pair="list")
        row("`due --before 2020-06-30`", due, Target(b, 1.5), pair="due")
        row("`show 42`", [*szbiz, "show", "42"], Target(b, 1.5))
        row("`sheet --agency swj`", [*szbiz, "sheet", "--agency", "swj"], Target(b, 1.5))
        row("`report`", [*szbiz, "report"], Target(b, 1.5), pair="report")
        row("`agencies`", [*szbiz, "agencies"], Target(b, 1.5))
        row("`areas`", [*szbiz, "areas"], Target(b, 1.5))
        # Each run marks another task, so that every run really writes.
        row("`done 42`", lambda i: [*szbiz, "done", done_id(size, i)], Target(b, 1.5), "done")
        row("`lint`", [*szbiz, "lint"], Target(b, 2.0))
        # diff: the list against itself reworded, and two lists of 2,000 the same way.
        for n in (210, 2000):
            old, new = work / f"diff-{n}.yaml", work / f"diff-{n}-reworded.yaml"
            for path, more in ((old, []), (new, ["--reword"])):
                argv = [python, str(HERE / "generate.py"), str(n), "-o", str(path), *more]
                subprocess.run(argv, check=True, env=clean_env())
            target = Target(b, 2.0) if n == 210 else Target("seconds", 3)
            row(f"`diff` {n:,} × {n:,} reworded", [*szbiz, "diff", str(old), str(new)], target)
        row("`--help`", [*szbiz, "--help"])
        if hasattr(os, "openpty"):
            argv = [*szbiz, "list", "--agency", "市税务局"]
            tty_env = dict(env, COLUMNS="100", TERM="xterm")
            tty_env.pop("NO_COLOR")
            times = [measure_terminal(argv, tty_env, work) for _ in range(runs)]
            rows.append(Row(size, "`list --agency 市税务局` on a terminal", Figure(times, 0), base))
    else:
        limit = {10_000: 1.0, 100_000: 0.5}.get(size)
        memory = 0.75 if size == 100_000 else 0.0
        target = Target("task", limit, memory) if limit else None
        row("`list --agency 市税务局`", [*szbiz, "list", "--agency", "市税务局"], target, "list")
        row("`due --before 2020-06-30`", [*szbiz, "due", "--before", "2020-06-30"], target, "due")
        row("`done ID`", lambda i: [*szbiz, "done", done_id(size, i)], target, "done")
        row("`report`", [*szbiz, "report"], target, "report")
    return rows, tasks


# --- Taskwarrior -------------------------------------------------------------------------


TASKWARRIOR_IMPORT = """\
import json, sys, yaml
with open(sys.argv[1], encoding="utf-8") as f:
    data = yaml.safe_load(f)
tag = {a["name"]: f"a{i}" for i, a in enumerate(data["agencies"])}
rows = [
    {
        "description": t["title"],
        "status": "pending",
        "project": f"area{t['area']}",
        "tags": [tag[n] for n in t["lead"] + t["support"]],
        "due": t["deadline"].strftime("%Y%m%dT000000Z"),
        "entry": "20200101T000000Z",
    }
    for t in data["tasks"]
]
with open(sys.argv[2], "w", encoding="utf-8") as f:
    json.dump(rows, f, ensure_ascii=False)
print(tag["市税务局"])
"""


def taskwarrior_figures(
    size: int, runs: int, work: Path, tasks: Path, python: str
) -> dict[str, Figure]:
    """The same tasks in Taskwarrior, and its commands for the same questions.

    The list is read with PyYAML (the installed environment's), not with szbiz.
    """
    data = work / f"taskdata-{size}"
    data.mkdir()
    rc = work / f"taskrc-{size}"
    rc.write_text(
        f"data.location={data}\nconfirmation=off\nverbose=nothing\nhooks=off\n"
        "gc=off\nrecurrence=off\n",
        encoding="utf-8",
    )
    env = dict(os.environ, TASKRC=str(rc), TASKDATA=str(data))
    dump = work / f"tw-{size}.json"
    tag = subprocess.run(
        [python, "-c", TASKWARRIOR_IMPORT, str(tasks), str(dump)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    log(f"{size:>7,} task import")
    subprocess.run(
        ["task", "import", str(dump)],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    log(f"{size:>7,} task list, due.before, done, summary")
    return {
        "list": repeat(["task", f"+{tag}", "list"], runs, env, work),
        "due": repeat(["task", "due.before:2020-06-30", "list"], runs, env, work),
        "done": repeat(lambda i: ["task", done_id(size, i), "done"], runs, env, work),
        "report": repeat(["task", "summary"], runs, env, work),
    }


# --- the table ---------------------------------------------------------------------------


def ms(seconds: float) -> str:
    return f"{seconds:.1f} s" if seconds >= 10 else f"{seconds * 1000:,.0f} ms"


def mb(kb: int) -> str:
    return f"{kb / 1024:,.0f}" if kb else "?"


def table(rows: list[Row]) -> str:
    lines = [
        "| tasks | command | szbiz | × baseline | Taskwarrior | szbiz / Taskwarrior "
        "| peak MB (szbiz / task) | target | met |",
        "| --: | :-- | --: | --: | --: | --: | --: | :-- | :-- |",
    ]
    for r in rows:
        theirs = r.rival
        memory = mb(r.szbiz.peak_kb) + (f" / {mb(theirs.peak_kb)}" if theirs else "")
        cells = [
            f"{r.size:,}",
            r.command,
            ms(r.szbiz.median),
            f"{r.szbiz.median / r.base:.2f}",
            ms(theirs.median) if theirs else "–",
            f"{r.szbiz.median / theirs.median:.2f}" if theirs else "–",
            memory if r.szbiz.peak_kb else "–",
            str(r.target) if r.target else "–",
            r.met(),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="210,10000,100000", help="comma-separated sizes")
    parser.add_argument("--runs", type=int, default=7, help="runs per command (median)")
    parser.add_argument("--no-taskwarrior", action="store_true", help="skip Taskwarrior")
    args = parser.parse_args()
    task = shutil.which("task") if not args.no_taskwarrior else None
    version = ""
    if task:
        version = subprocess.run([task, "--version"], capture_output=True, text=True).stdout
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="szbiz-bench-") as tmp:
        work = Path(tmp)
        bindir = install(work)
        python = str(bindir / ("python.exe" if os.name == "nt" else "python"))
        py_version = subprocess.run(
            [python, "-c", "import platform; print(platform.python_version())"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        for size in (int(s) for s in args.sizes.split(",")):
            start = time.perf_counter()
            figures, tasks = szbiz_rows(size, args.runs, work, bindir)
            if task:
                theirs = taskwarrior_figures(size, args.runs, work, tasks, python)
                for r in figures:
                    r.rival = theirs.get(r.pair)
            rows += figures
            log(f"{size:>7,} done in {time.perf_counter() - start:.0f} s")
    print(
        f"\npython {py_version} on {sys.platform}, {os.cpu_count()} cores; "
        f"Taskwarrior {version.strip() or 'not run'}; "
        f"peak memory {'from GNU time' if GNU_TIME else 'not measured (no /usr/bin/time)'}; "
        f"median of {args.runs} runs, output piped\n"
    )
    print(table(rows))


if __name__ == "__main__":
    main()
