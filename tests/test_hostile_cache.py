"""A cache that others could write, or entries that are not what szbiz writes: every command
still prints what the list holds, exits 0 and says nothing about the cache.

The attack: another local user plants an entry, with a correct checksum, saying a
task's title is something the list does not hold. szbiz uses entries only from a
directory that is the user's and closed to others (the one above may be root's, or
sticky as /tmp is), and writes nothing into one that is not.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import xxhash

from .conftest import TASKS, run

pytestmark = pytest.mark.skipif(not hasattr(os, "geteuid"), reason="POSIX owners and modes")

PLANTED = "有人改过的标题"
ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
NOBODY = 65534


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def tree(directory: Path) -> dict[str, str]:
    """Every file under ``directory`` (not following links) and its sha256, or its kind."""
    out = {}
    for path in sorted(directory.rglob("*")):
        mode = path.lstat().st_mode
        kind = "dir" if stat.S_ISDIR(mode) else "link" if stat.S_ISLNK(mode) else "file"
        out[str(path.relative_to(directory))] = sha256(path) if kind == "file" else kind
    return out


@dataclass
class World:
    tmp: Path
    tasks: Path  # the list, a copy of the bundled one
    title: str  # task 42's title
    name: str  # the entry's file name for the list
    good: bytes  # the entry szbiz writes for it
    planted: bytes  # a forged entry: correct checksum, task 42's title changed
    expected: str  # what show prints

    def show(self, env: dict[str, str]) -> str:
        before = sha256(self.tasks)
        result = run("show", "42", "--as-of", "2020-05-01", "--tasks", str(self.tasks), env=env)
        assert (result.exit_code, result.stderr) == (0, "")
        assert sha256(self.tasks) == before
        return result.stdout


@pytest.fixture
def world(tmp_path: Path) -> World:
    tasks = tmp_path / "tasks.yaml"
    tasks.write_bytes(TASKS.read_bytes())
    private = tmp_path / "private"
    private.mkdir(mode=0o700)
    args = ("show", "42", "--as-of", "2020-05-01", "--tasks", str(tasks))
    result = run(*args, env={"SZBIZ_CACHE_DIR": str(private / "szbiz")})
    assert result.exit_code == 0
    (entry,) = (private / "szbiz").glob("tasks-*")
    good = entry.read_bytes()
    title = "加强用气办理便利度"
    assert title in result.stdout
    payload = good[16:].replace(title.encode(), PLANTED.encode())
    assert payload != good[16:]
    planted = xxhash.xxh3_128_digest(payload) + payload
    return World(tmp_path, tasks, title, entry.name, good, planted, result.stdout)


def test_the_planted_entry_would_be_believed_from_a_private_directory(world: World) -> None:
    """The forgery is a real one: only where the cache lives keeps it out."""
    directory = world.tmp / "mine" / "szbiz"
    directory.mkdir(parents=True, mode=0o700)
    (directory / world.name).write_bytes(world.planted)
    assert PLANTED in world.show({"SZBIZ_CACHE_DIR": str(directory)})


# --- directories others could write -------------------------------------------------


@dataclass
class Place:
    """Where the cache is (as the environment names it), after ``prepare`` has made it."""

    env: Callable[[Path], dict[str, str]]
    directory: Callable[[Path], Path]
    prepare: Callable[[Path], None]
    root_only: bool = False


def _xdg(base: str) -> Callable[[Path], dict[str, str]]:
    return lambda tmp: {"XDG_CACHE_HOME": str(tmp / base)}


def _named(path: str) -> Callable[[Path], dict[str, str]]:
    return lambda tmp: {"SZBIZ_CACHE_DIR": str(tmp / path)}


def _dirs(
    outer_mode: int, inner_mode: int, outer: str, owner: int | None = None
) -> Callable[[Path], None]:
    def prepare(tmp: Path) -> None:
        (tmp / outer / "szbiz").mkdir(parents=True)
        os.chmod(tmp / outer, outer_mode)
        os.chmod(tmp / outer / "szbiz", inner_mode)
        if owner is not None:
            os.chown(tmp / outer / "szbiz", owner, owner)

    return prepare


def _parent_owned_by_another(tmp: Path) -> None:
    (tmp / "theirs" / "szbiz").mkdir(parents=True, mode=0o700)
    os.chown(tmp / "theirs", NOBODY, NOBODY)
    os.chmod(tmp / "theirs", 0o755)


def _link_to_theirs(tmp: Path) -> None:
    (tmp / "theirs").mkdir(mode=0o700)
    os.chown(tmp / "theirs", NOBODY, NOBODY)
    (tmp / "home").mkdir(mode=0o700)
    (tmp / "home" / "szbiz").symlink_to(tmp / "theirs")


LOOSE = {
    "world-writable XDG_CACHE_HOME": Place(
        _xdg("xdg"), lambda t: t / "xdg" / "szbiz", _dirs(0o777, 0o700, "xdg")
    ),
    "world-writable parent of SZBIZ_CACHE_DIR": Place(
        _named("shared/szbiz"), lambda t: t / "shared" / "szbiz", _dirs(0o777, 0o700, "shared")
    ),
    "group-writable XDG_CACHE_HOME": Place(
        _xdg("xdg"), lambda t: t / "xdg" / "szbiz", _dirs(0o770, 0o700, "xdg")
    ),
    "group-writable szbiz directory": Place(
        _xdg("xdg"), lambda t: t / "xdg" / "szbiz", _dirs(0o700, 0o770, "xdg")
    ),
    "world-writable szbiz directory": Place(
        _xdg("xdg"), lambda t: t / "xdg" / "szbiz", _dirs(0o700, 0o777, "xdg")
    ),
    "sticky world-writable szbiz directory": Place(
        _named("tmpish/szbiz"), lambda t: t / "tmpish" / "szbiz", _dirs(0o700, 0o1777, "tmpish")
    ),
    "szbiz directory of another user": Place(
        _xdg("xdg"),
        lambda t: t / "xdg" / "szbiz",
        _dirs(0o700, 0o700, "xdg", owner=NOBODY),
        root_only=True,
    ),
    "parent of another user": Place(
        _named("theirs/szbiz"),
        lambda t: t / "theirs" / "szbiz",
        _parent_owned_by_another,
        root_only=True,
    ),
    "szbiz directory a link to another user's": Place(
        _named("home/szbiz"), lambda t: t / "theirs", _link_to_theirs, root_only=True
    ),
}


def _overrides(tmp: Path) -> bool:
    """Whether this process may enter another user's private directory (root, unless its
    capabilities were dropped)."""
    probe = tmp / "probe"
    probe.mkdir(mode=0o700)
    os.chown(probe, NOBODY, NOBODY)
    return os.access(probe, os.R_OK | os.W_OK | os.X_OK)


@pytest.mark.parametrize("place", list(LOOSE.values()), ids=list(LOOSE))
def test_a_planted_entry_in_a_directory_others_can_write_is_not_used(
    world: World, place: Place
) -> None:
    if place.root_only and not (ROOT and _overrides(world.tmp)):
        pytest.skip("needs root to give a directory to another user")
    place.prepare(world.tmp)
    directory = place.directory(world.tmp)
    (directory / world.name).write_bytes(world.planted)
    before = tree(world.tmp)
    assert world.show(place.env(world.tmp)) == world.expected
    assert world.show(place.env(world.tmp)) == world.expected
    # Nothing written there, nothing removed: the planted entry as it was.
    assert tree(world.tmp) == before
    assert "not used: " in run("where", env=place.env(world.tmp)).stdout


@contextlib.contextmanager
def umask(mask: int) -> Iterator[None]:
    old = os.umask(mask)
    try:
        yield
    finally:
        os.umask(old)


def test_under_umask_000_the_directories_made_are_private(world: World) -> None:
    env = {"XDG_CACHE_HOME": str(world.tmp / "new" / "cache")}
    with umask(0):
        assert world.show(env) == world.expected
    for made in (
        world.tmp / "new",
        world.tmp / "new" / "cache",
        world.tmp / "new" / "cache" / "szbiz",
    ):
        assert stat.S_IMODE(made.stat().st_mode) == 0o700, made
    (entry,) = (world.tmp / "new" / "cache" / "szbiz").iterdir()
    assert entry.read_bytes() == world.good
    assert stat.S_IMODE(entry.stat().st_mode) == 0o600


def test_a_sticky_world_writable_parent_like_tmp_is_fine(world: World) -> None:
    shared = world.tmp / "tmp"
    shared.mkdir()
    shared.chmod(0o1777)
    env = {"SZBIZ_CACHE_DIR": str(shared / "szbiz")}
    assert world.show(env) == world.expected
    assert (shared / "szbiz" / world.name).read_bytes() == world.good
    assert stat.S_IMODE((shared / "szbiz").stat().st_mode) == 0o700
    assert (
        f"cache     {shared / 'szbiz'}  (SZBIZ_CACHE_DIR; in use)\n" in run("where", env=env).stdout
    )


# --- entries that are not what szbiz writes ------------------------------------------


def _fifo(entry: Path, world: World) -> None:
    os.mkfifo(entry)


def _link(entry: Path, world: World) -> None:
    elsewhere = world.tmp / "elsewhere"
    elsewhere.write_bytes(world.planted)
    entry.symlink_to(elsewhere)


def _dangling(entry: Path, world: World) -> None:
    entry.symlink_to(world.tmp / "nothing")


def _empty_directory(entry: Path, world: World) -> None:
    entry.mkdir()


def _huge_sparse(entry: Path, world: World) -> None:
    with entry.open("wb") as handle:
        handle.truncate(64 * 1024**3)


def _bytes(blob: bytes) -> Callable[[Path, World], None]:
    return lambda entry, world: entry.write_bytes(blob)


def _forged(payload: bytes) -> Callable[[Path, World], None]:
    return _bytes(xxhash.xxh3_128_digest(payload) + payload)


def _theirs(entry: Path, world: World) -> None:
    entry.write_bytes(world.planted)
    os.chown(entry, NOBODY, NOBODY)


BAD_ENTRIES: dict[str, Callable[[Path, World], None]] = {
    "FIFO": _fifo,
    "symlink to a planted entry": _link,
    "dangling symlink": _dangling,
    "empty directory": _empty_directory,
    "huge sparse file": _huge_sparse,
    "5-byte file": _bytes(b"\x00\x01\x02\x03\x04"),
    "valid checksum, wrong shape": _forged(b'[[1, 2], "tasks", null]'),
    "valid checksum, a str for the year": _forged(b'[["t", "i", "2020", "s", []], [], [], []]'),
    "valid checksum, marshal of 2**31 items": _forged(b"\xa9\xff\xff\xff\x7f"),
    "planted entry of another user": _theirs,
}


@pytest.mark.parametrize("make", list(BAD_ENTRIES.values()), ids=list(BAD_ENTRIES))
def test_an_entry_szbiz_did_not_write_is_removed_and_rebuilt(
    world: World, make: Callable[[Path, World], None]
) -> None:
    if make is _theirs and not (ROOT and _overrides(world.tmp)):
        pytest.skip("needs root to give a file to another user")
    directory = world.tmp / "cache" / "szbiz"
    directory.mkdir(parents=True, mode=0o700)
    entry = directory / world.name
    make(entry, world)
    elsewhere = world.tmp / "elsewhere"
    kept = sha256(elsewhere) if elsewhere.exists() else None
    env = {"SZBIZ_CACHE_DIR": str(directory)}
    assert world.show(env) == world.expected
    assert stat.S_ISREG(entry.lstat().st_mode)
    assert entry.read_bytes() == world.good
    assert world.show(env) == world.expected
    if kept is not None:  # a link is removed, never what it points to
        assert sha256(elsewhere) == kept


def test_a_directory_in_the_way_is_ignored(world: World) -> None:
    directory = world.tmp / "cache" / "szbiz"
    (directory / world.name / "inside").mkdir(parents=True)
    (directory / world.name / "inside" / "file").write_bytes(world.planted)
    before = tree(directory)
    env = {"SZBIZ_CACHE_DIR": str(directory)}
    assert world.show(env) == world.expected
    assert world.show(env) == world.expected
    assert tree(directory) == before


def test_an_unreadable_entry_is_rebuilt(world: World) -> None:
    """As a user who cannot read it, the entry goes; root reads it, and finds it whole."""
    directory = world.tmp / "cache" / "szbiz"
    directory.mkdir(parents=True, mode=0o700)
    entry = directory / world.name
    entry.write_bytes(world.good)
    entry.chmod(0)
    env = {"SZBIZ_CACHE_DIR": str(directory)}
    assert world.show(env) == world.expected
    assert entry.read_bytes() == world.good


@pytest.mark.parametrize(
    ("mode", "why"),
    [(0o777, "is writable by others"), (0o775, "is writable by its group")],
    ids=["world-writable", "group-writable"],
)
def test_where_says_why_the_cache_is_not_used(tmp_path: Path, mode: int, why: str) -> None:
    xdg = tmp_path / "xdg"
    xdg.mkdir()
    xdg.chmod(mode)
    result = run("where", env={"XDG_CACHE_HOME": str(xdg)})
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout.splitlines()[2] == (
        f"cache     {xdg / 'szbiz'}  (per-user default; not used: {xdg} {why})"
    )
    assert list(xdg.iterdir()) == []
