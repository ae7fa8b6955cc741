"""Paths that are no regular file, or not the user's to write: szbiz reads and writes
regular files only, says so in one line, and changes nothing.

Every case runs the command a user would type and checks the exit code, the one
line on stderr, and every entry of the directory it works in, before and after:
the bytes of each file by sha256, what each symlink points at, and that a FIFO,
a socket or a device is still one. A case that could wait for ever if szbiz
opened a FIFO or read a device runs as a process of its own, under a timeout.
"""

from __future__ import annotations

import hashlib
import os
import socket
import stat
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from szbiz.settings import MAX_BYTES

from .conftest import SOURCE, TASKS, no_traceback, run

POSIX = pytest.mark.skipif(os.name == "nt", reason="FIFOs, devices and sockets are POSIX")
LINUX = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux's /proc")
TIMEOUT = 60  # seconds: far more than any case takes, far less than for ever
# Nothing here names the system's own devices for writing: a szbiz that wrongly
# replaced one would replace it for every process on the machine.

LEDGER_TEXT = (
    "# szbiz progress ledger\n"
    "- {task: 7, status: doing, on: 2020-03-01, by: 李四, at: '2020-03-01T09:00:00+08:00'}\n"
)


# --- the places -----------------------------------------------------------------------


def _fifo(path: Path) -> None:
    os.mkfifo(path)


def _device(path: Path) -> None:
    """A character device like /dev/null (1, 3): only root may make one."""
    try:
        os.mknod(path, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    except PermissionError:
        pytest.skip("making a device needs root")


def _socket(path: Path) -> None:
    with socket.socket(socket.AF_UNIX) as sock:
        try:
            sock.bind(str(path))
        except OSError as exc:  # a path too long for a socket's address
            pytest.skip(f"cannot bind a socket there: {exc}")


def _directory(path: Path) -> None:
    path.mkdir()


def _link_to_device(path: Path) -> None:
    """A symlink to a device. Not to the system's own /dev/null, which a szbiz that
    replaced what a link names would replace for everyone when run as root."""
    device = path.with_name("null-device")
    try:
        os.mknod(device, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    except PermissionError:
        if os.access("/dev", os.W_OK):
            pytest.skip("making a device needs root")
        device = Path("/dev/null")  # this user could not replace it
    path.symlink_to(device)


def _stdout_link(path: Path) -> None:
    """What /dev/stdout is on Linux, in a place of the test's own."""
    path.symlink_to("/proc/self/fd/1")


def _dangling(path: Path) -> None:
    path.symlink_to(path.parent / "nowhere" / "gone.yaml")


def _sparse(path: Path) -> None:
    """A file one byte larger than any list or ledger read, without using the disk."""
    with path.open("wb") as handle:
        handle.truncate(MAX_BYTES + 1)


MAKE: dict[str, Callable[[Path], None]] = {
    "fifo": _fifo,
    "device": _device,
    "socket": _socket,
    "directory": _directory,
    "link to device": _link_to_device,
    "stdout link": _stdout_link,
    "dangling link": _dangling,
    "oversize": _sparse,
}


def snapshot(directory: Path) -> dict[str, tuple[str, str]]:
    """Every entry under ``directory`` as what it is and its content: a regular file's
    sha256, a symlink's target, a device's number."""
    seen: dict[str, tuple[str, str]] = {}
    for entry in sorted(directory.rglob("*")):
        name = str(entry.relative_to(directory))
        found = entry.lstat()
        mode = found.st_mode
        if stat.S_ISLNK(mode):
            seen[name] = ("symlink", os.readlink(entry))
        elif stat.S_ISREG(mode) and not os.access(entry, os.R_OK):  # its test checks its bytes
            seen[name] = ("unreadable file", f"{found.st_size} {found.st_mtime_ns}")
        elif stat.S_ISREG(mode):
            seen[name] = ("file", sha256(entry))
        elif stat.S_ISCHR(mode):
            seen[name] = ("character device", str(found.st_rdev))
        elif stat.S_ISFIFO(mode):
            seen[name] = ("fifo", "")
        elif stat.S_ISSOCK(mode):
            seen[name] = ("socket", "")
        elif stat.S_ISDIR(mode):
            seen[name] = ("directory", "")
    return seen


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _limit_memory() -> None:
    """At most 2 GiB for szbiz: a szbiz that read a device without end fails, not the machine."""
    import resource

    limit = 2 * 1024**3
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def szbiz(*args: str, cwd: Path) -> tuple[int, str, str]:
    """szbiz as a process of its own, its stdout a pipe, stopped if it does not end."""
    try:
        done = subprocess.run(
            [sys.executable, "-m", "szbiz", *args],
            cwd=cwd,
            capture_output=True,
            stdin=subprocess.DEVNULL,
            timeout=TIMEOUT,
            check=False,
            preexec_fn=_limit_memory,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"szbiz {' '.join(args)} did not end in {TIMEOUT} s")
    return done.returncode, done.stdout.decode(), done.stderr.decode()


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working directory with a list and a ledger of one event in it."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SZBIZ_USER", "张三")
    (tmp_path / "tasks.yaml").write_bytes(TASKS.read_bytes())
    (tmp_path / "progress.yaml").write_text(LEDGER_TEXT, encoding="utf-8")
    return tmp_path


def one_error_line(stderr: str, expected: str) -> None:
    assert stderr == expected + "\n"
    assert stderr.startswith("error: ") and stderr.count("\n") == 1
    assert no_traceback(stderr)


def check_refused(
    here: Path, args: list[str], code: int, expected: str, *, process: bool = False
) -> None:
    """Run ``args``; it exits ``code`` with the line ``expected``, and nothing changes."""
    before = snapshot(here)
    if process:
        exit_code, _, stderr = szbiz(*args, cwd=here)
    else:
        result = run(*args)
        exit_code, stderr = result.exit_code, result.stderr
    assert exit_code == code, stderr
    one_error_line(stderr, expected)
    assert snapshot(here) == before


# --- reading ------------------------------------------------------------------------

LIST = "expected a YAML file"
LEDGER = "expected a ledger"
NOT_REGULAR = {
    "fifo": "is a FIFO, not a regular file",
    "device": "is a character device, not a regular file",
    "link to device": "is a character device, not a regular file",
    "socket": "is a socket, not a regular file",
}

READS = [
    # (command, the kind of path given, exit code, the reason after the path)
    ("list --tasks", "fifo", 1, f"{NOT_REGULAR['fifo']}; {LIST}"),
    ("list --tasks", "device", 1, f"{NOT_REGULAR['device']}; {LIST}"),
    ("list --tasks", "link to device", 1, f"{NOT_REGULAR['link to device']}; {LIST}"),
    ("list --tasks", "socket", 1, f"{NOT_REGULAR['socket']}; {LIST}"),
    ("list --tasks", "directory", 1, f"is a directory; {LIST}"),
    ("list --tasks", "dangling link", 1, "no such file"),
    ("list --tasks", "oversize", 1, f"is larger than 256 MiB; {LIST}"),
    ("log --progress", "fifo", 1, f"{NOT_REGULAR['fifo']}; {LEDGER}"),
    ("log --progress", "link to device", 1, f"{NOT_REGULAR['link to device']}; {LEDGER}"),
    ("log --progress", "socket", 1, f"{NOT_REGULAR['socket']}; {LEDGER}"),
    ("log --progress", "directory", 1, f"is a directory; {LEDGER}"),
    ("log --progress", "oversize", 1, f"is larger than 256 MiB; {LEDGER}"),
    ("lint", "fifo", 2, f"{NOT_REGULAR['fifo']}; {LIST}"),
    ("lint", "device", 2, f"{NOT_REGULAR['device']}; {LIST}"),
    ("lint --progress", "directory", 2, f"is a directory; {LEDGER}"),
    ("lint --progress", "fifo", 2, f"{NOT_REGULAR['fifo']}; {LEDGER}"),
    ("lint --progress", "link to device", 2, f"{NOT_REGULAR['link to device']}; {LEDGER}"),
]


@POSIX
@pytest.mark.parametrize(
    ("command", "kind", "code", "reason"), READS, ids=[f"{c} {k}" for c, k, _, _ in READS]
)
def test_reading_what_is_no_regular_file(
    here: Path, command: str, kind: str, code: int, reason: str
) -> None:
    path = here / kind.replace(" ", "-")
    MAKE[kind](path)
    # Named by its full path, as the message names it; -o and the like by what was typed.
    args = [*command.split(), str(path)]
    process = kind in ("fifo", "device", "link to device")  # what could hang or never end
    check_refused(here, args, code, f"error: {path}: {reason}", process=process)
    if kind == "device":
        assert stat.S_ISCHR(path.lstat().st_mode)


@POSIX
def test_dev_zero_as_the_ledger_is_refused_not_read_for_ever(here: Path) -> None:
    check_refused(
        here,
        ["log", "--progress", "/dev/zero"],
        1,
        f"error: /dev/zero: {NOT_REGULAR['device']}; {LEDGER}",
        process=True,
    )


def test_a_missing_ledger_is_no_error_but_a_missing_list_is(here: Path) -> None:
    result = run("log", "--progress", str(here / "new.yaml"))
    assert (result.exit_code, result.stderr) == (0, "no progress recorded\n")
    check_refused(
        here, ["list", "--tasks", "nope.yaml"], 1, f"error: {here / 'nope.yaml'}: no such file"
    )


@pytest.fixture
def unreadable(here: Path) -> Path:
    path = here / "secret.yaml"
    path.write_bytes(TASKS.read_bytes())
    path.chmod(0o200)
    if os.access(path, os.R_OK):
        pytest.skip("this user may read a file with mode 200 (root)")
    return path


@POSIX
@pytest.mark.parametrize(
    ("command", "code", "expected"),
    [
        # A list or ledger that cannot be read is exit 1, as README says; lint says 2
        # for a file it was asked to check and cannot read.
        ("list --tasks", 1, LIST),
        ("log --progress", 1, LEDGER),
        ("lint", 2, LIST),
        ("lint --progress", 2, LEDGER),
    ],
    ids=["list --tasks", "log --progress", "lint", "lint --progress"],
)
def test_unreadable_file(
    here: Path, unreadable: Path, command: str, code: int, expected: str
) -> None:
    args = [*command.split(), str(unreadable)]
    check_refused(here, args, code, f"error: {unreadable}: cannot read: permission denied")
    unreadable.chmod(0o644)
    assert sha256(unreadable) == sha256(TASKS)


# --- writing ------------------------------------------------------------------------

WRITES = [
    # (command, the kind of path given, exit code, the reason)
    ("done 1 --progress", "device", 1, "it is a character device, not a regular file"),
    ("done 1 --progress", "link to device", 1, "it is a character device, not a regular file"),
    ("done 1 --progress", "fifo", 1, "it is a FIFO, not a regular file"),
    ("done 1 --progress", "socket", 1, "it is a socket, not a regular file"),
    ("done 1 --progress", "directory", 1, "it is a directory"),
    ("export -f csv -o", "device", 2, "it is a character device, not a regular file"),
    ("export -f csv -o", "link to device", 2, "it is a character device, not a regular file"),
    ("export -f csv -o", "fifo", 2, "it is a FIFO, not a regular file"),
    ("export -f csv -o", "socket", 2, "it is a socket, not a regular file"),
    ("export -f csv -o", "directory", 2, "it is a directory"),
    ("import SOURCE -o", "device", 2, "it is a character device, not a regular file"),
    ("import SOURCE -o", "fifo", 2, "it is a FIFO, not a regular file"),
]


@POSIX
@pytest.mark.parametrize(
    ("command", "kind", "code", "reason"), WRITES, ids=[f"{c} {k}" for c, k, _, _ in WRITES]
)
def test_writing_what_is_no_regular_file(
    here: Path, command: str, kind: str, code: int, reason: str
) -> None:
    name = kind.replace(" ", "-")
    path = here / name
    MAKE[kind](path)
    words = [str(SOURCE) if w == "SOURCE" else w for w in command.split()]
    # The ledger is named in full by the message; -o as it was typed.
    shown = path if "--progress" in words else name
    check_refused(
        here, [*words, name], code, f"error: cannot write {shown}: {reason}", process=True
    )
    if kind == "device":
        assert stat.S_ISCHR(path.lstat().st_mode)
    if kind == "link to device":
        assert path.is_symlink() and stat.S_ISCHR(path.stat().st_mode)


@LINUX
@pytest.mark.parametrize("command", ["export -f csv -o", "done 1 --progress"])
def test_writing_to_dev_stdout_that_is_a_pipe_is_refused(here: Path, command: str) -> None:
    """``/dev/stdout`` is the pipe it stands for: no file to replace (the shell's ``>``,
    or no -o at all, write there). A link of the test's own stands in for /dev/stdout,
    which a szbiz that replaced links would replace for everyone when run as root."""
    MAKE["stdout link"](here / "stdout")
    shown = here / "stdout" if "--progress" in command else "stdout"
    check_refused(
        here,
        [*command.split(), "stdout"],
        2 if "-o" in command else 1,
        f"error: cannot write {shown}: it is a FIFO, not a regular file",
        process=True,
    )


@LINUX
def test_export_to_a_file_of_proc(here: Path) -> None:
    """/proc/version exists and is a regular file; whoever may not write it is told so,
    and root (who may) that /proc takes no new file: never that /proc does not exist."""
    if os.access("/proc/version", os.W_OK):
        expected = "error: cannot write /proc/version: /proc does not take new files"
    else:
        expected = "error: cannot write /proc/version: permission denied"
    before = Path("/proc/version").read_bytes()
    check_refused(here, ["export", "-f", "csv", "-o", "/proc/version"], 1, expected)
    assert Path("/proc/version").read_bytes() == before


@pytest.mark.parametrize(
    ("name", "link", "expected"),
    [
        ("tasks.yaml", "", "-o tasks.yaml is the task list in use; choose another file"),
        (
            "progress.yaml",
            "",
            "-o progress.yaml is the progress ledger in use; choose another file",
        ),
        ("hard.yaml", "hard", "-o hard.yaml is the progress ledger in use; choose another file"),
        ("soft.yaml", "soft", "-o soft.yaml is the progress ledger in use; choose another file"),
        (
            "./sub/../tasks.yaml",
            "",
            "-o sub/../tasks.yaml is the task list in use; choose another file",
        ),
    ],
    ids=[
        "list in use",
        "ledger in use",
        "hard link to ledger",
        "symlink to ledger",
        "list by another name",
    ],
)
def test_export_onto_a_file_in_use_is_refused(
    here: Path, name: str, link: str, expected: str
) -> None:
    (here / "sub").mkdir()
    if link == "hard":
        os.link(here / "progress.yaml", here / name)
    elif link == "soft":
        (here / name).symlink_to("progress.yaml")
    args = [
        "export",
        "-f",
        "json",
        "-o",
        name,
        "--tasks",
        "tasks.yaml",
        "--progress",
        "progress.yaml",
    ]
    check_refused(here, args, 2, f"error: {expected}")


def test_import_onto_the_ledger_in_use_or_its_source_is_refused(
    here: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SZBIZ_PROGRESS", "progress.yaml")
    check_refused(
        here,
        ["import", str(SOURCE), "-o", "progress.yaml"],
        2,
        "error: -o progress.yaml is the progress ledger in use; choose another file",
    )
    source = here / "source.txt"
    source.write_bytes(SOURCE.read_bytes())
    check_refused(
        here,
        ["import", "source.txt", "-o", "source.txt"],
        2,
        "error: -o source.txt is the source being imported; choose another file",
    )


def test_import_may_replace_the_list_in_use(here: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """That is what ``szbiz import SOURCE -o data/tasks.yaml`` is for."""
    monkeypatch.setenv("SZBIZ_TASKS", "tasks.yaml")
    (here / "tasks.yaml").write_bytes(b"old")
    result = run("import", str(SOURCE), "-o", "tasks.yaml")
    assert result.exit_code == 0, result.stderr
    made = (here / "tasks.yaml").read_text(encoding="utf-8").splitlines()
    assert made[5:] == TASKS.read_text(encoding="utf-8").splitlines()[5:]


@pytest.fixture
def read_only(here: Path) -> Path:
    path = here / "out.csv"
    path.write_bytes(b"old\n")
    path.chmod(0o444)
    if os.access(path, os.W_OK):
        pytest.skip("this user may write a read-only file (root)")
    return path


@POSIX
@pytest.mark.parametrize(
    ("command", "shown"),
    [("export -f csv -o", "out.csv"), ("import SOURCE -o", "out.csv"), ("done 1 --progress", "")],
    ids=["export -o", "import -o", "done --progress"],
)
def test_read_only_file_is_not_replaced(
    here: Path, read_only: Path, command: str, shown: str
) -> None:
    words = [str(SOURCE) if w == "SOURCE" else w for w in command.split()]
    check_refused(
        here,
        [*words, "out.csv"],
        1,
        f"error: cannot write {shown or read_only}: permission denied",
    )


@POSIX
def test_root_replaces_a_read_only_file_as_the_shell_would(here: Path) -> None:
    path = here / "out.csv"
    path.write_bytes(b"old\n")
    path.chmod(0o444)
    if not os.access(path, os.W_OK):
        pytest.skip("only a user who may write a read-only file (root)")
    result = run("export", "-f", "csv", "-o", "out.csv", "--ids", "1")
    assert (result.exit_code, result.stderr) == (0, "wrote 1 task to out.csv\n")
    assert path.read_bytes().startswith("序号".encode("utf-8-sig"))
    assert stat.S_IMODE(path.stat().st_mode) == 0o444


# --- symlinks are followed: the file at the end is replaced, the link stays ---------


@POSIX
def test_a_ledger_through_a_symlink_stays_a_link(here: Path) -> None:
    (here / "link.yaml").symlink_to("progress.yaml")
    result = run("done", "1", "--progress", "link.yaml")
    assert result.exit_code == 0, result.stderr
    assert os.readlink(here / "link.yaml") == "progress.yaml"
    text = (here / "progress.yaml").read_text(encoding="utf-8")
    assert text.startswith(LEDGER_TEXT) and "{task: 1, status: done" in text


@POSIX
def test_an_export_through_a_symlink_stays_a_link(here: Path) -> None:
    (here / "real.csv").write_bytes(b"old\n")
    (here / "link.csv").symlink_to("real.csv")
    result = run("export", "-o", "link.csv", "--ids", "1")
    assert (result.exit_code, result.stderr) == (0, "wrote 1 task to link.csv\n")
    assert os.readlink(here / "link.csv") == "real.csv"
    assert (here / "real.csv").read_bytes().startswith("序号".encode("utf-8-sig"))


@POSIX
def test_a_dangling_symlink_is_written_where_it_points(here: Path) -> None:
    (here / "link.yaml").symlink_to("later.yaml")
    result = run("done", "1", "--progress", "link.yaml")
    assert result.exit_code == 0, result.stderr
    assert os.readlink(here / "link.yaml") == "later.yaml"
    assert "{task: 1, status: done" in (here / "later.yaml").read_text(encoding="utf-8")


@POSIX
def test_a_dangling_symlink_into_a_missing_directory(here: Path) -> None:
    link = here / "dangling-link"
    _dangling(link)
    check_refused(
        here,
        ["export", "-f", "csv", "-o", "dangling-link"],
        2,
        f"error: cannot write dangling-link: the directory {here / 'nowhere'} does not exist",
    )


# --- szbiz init ---------------------------------------------------------------------


@POSIX
@pytest.mark.parametrize(
    ("name", "kind", "expected"),
    [
        (
            "progress.yaml",
            "fifo",
            "cannot set up {p}: it is a FIFO, not a regular file; expected a ledger",
        ),
        ("progress.yaml", "directory", "cannot set up {p}: it is a directory; expected a ledger"),
        (
            ".gitignore",
            "fifo",
            "cannot read {p}: is a FIFO, not a regular file; expected a text file",
        ),
        (
            ".gitattributes",
            "link to device",
            "cannot read {p}: is a character device, not a regular file; expected a text file",
        ),
    ],
    ids=["ledger fifo", "ledger directory", ".gitignore fifo", ".gitattributes link to a device"],
)
def test_init_refuses_what_is_no_regular_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, kind: str, expected: str
) -> None:
    monkeypatch.chdir(tmp_path)
    repo = tmp_path / "repo"
    repo.mkdir()
    MAKE[kind](repo / name)
    made = sorted(p.name for p in repo.iterdir())
    # Named as typed: init names its files under the directory it was given.
    message = "error: " + expected.format(p=Path("repo") / name)
    check_refused(tmp_path, ["init", "repo"], 1, message, process=True)
    assert sorted(p.name for p in repo.iterdir()) == made  # no szbiz.toml, nothing else


# --- temporary files left by a writer that was killed --------------------------------


def _aged(path: Path, seconds: float) -> Path:
    path.write_bytes(b"- {task: 9, status: do")
    then = time.time() - seconds
    os.utime(path, (then, then))
    return path


def test_a_write_removes_the_stale_temporary_files_of_its_own_file(here: Path) -> None:
    old = _aged(here / ".progress.yaml.x.tmp", 120)
    fresh = _aged(here / ".progress.yaml.y.tmp", 5)  # a writer still at work, perhaps
    other = _aged(here / ".tasks.yaml.z.tmp", 120)  # another file's
    lock_kind = _aged(here / ".progress.yaml.lock.w.tmp", 120)  # the lock file's name
    result = run("done", "1", "--progress", "progress.yaml")
    assert result.exit_code == 0, result.stderr
    assert not old.exists()
    assert fresh.exists() and other.exists() and lock_kind.exists()


def test_an_export_removes_its_stale_temporary_files(here: Path) -> None:
    old = _aged(here / ".out.csv.abc123.tmp", 120)
    fresh = _aged(here / ".out.csv.def456.tmp", 0)
    result = run("export", "-o", "out.csv", "--ids", "1")
    assert result.exit_code == 0, result.stderr
    assert not old.exists() and fresh.exists()


def test_init_makes_git_ignore_the_temporary_files(tmp_path: Path) -> None:
    result = run("init", str(tmp_path))
    assert result.exit_code == 0, result.stderr
    lines = (tmp_path / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert lines == ["progress.yaml.lock", ".progress.yaml.*.tmp"]
    try:
        subprocess.run(["git", "init", "-q", str(tmp_path)], check=True, capture_output=True)
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("no git to ask")
    for name in (".progress.yaml.k1ll3d.tmp", "progress.yaml.lock"):
        ignored = subprocess.run(
            ["git", "check-ignore", "-q", name], cwd=tmp_path, check=False, capture_output=True
        )
        assert ignored.returncode == 0, name
