"""On a real terminal, with colour on, szbiz sends nothing but text and its own colours.

The installed ``szbiz`` script runs on a pseudo-terminal (``TERM=xterm-256color``,
no NO_COLOR), reading a list, a ledger and SZBIZ_USER that hold ESC[2J, an OSC
window title and U+202E. What the terminal receives may hold szbiz's SGR colour
sequences (``ESC[…m``) and nothing else that drives it: no other escape
sequence, no BEL, no C1 control, no bidi control.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from szbiz.ledger import ledger_text
from szbiz.model import Event, Status

from .test_hostile_output import quoted

pytestmark = pytest.mark.skipif(os.name == "nt", reason="a pseudo-terminal is POSIX")

HOSTILE = "\x1b[2J\x1b]0;pwned\x07\u202e"
SHOWN = "\\x1b[2J\\x1b]0;pwned\\x07<U+202E>"
SGR = re.compile(r"\x1b\[[0-9;]*m")
DRIVES = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)

LIST = f"""\
schema: 1
document:
  title: {quoted("清单" + HOSTILE)}
  issuer: 深圳市人民政府
  year: 2020
  source: test.txt
areas:
- number: 1
  name: {quoted("领域" + HOSTILE)}
agencies:
- name: 市税务局
  kind: central
  code: swj
tasks:
- id: 1
  area: 1
  title: {quoted("甲" + HOSTILE + "乙")}
  description: {quoted("[bold red]丙[/] [link=https://evil.example]丁[/link]" + HOSTILE)}
  lead:
  - 市税务局
  lead_note: {quoted("等" + HOSTILE)}
  support: []
  deadline: 2020-06-30
  deadline_text: 2020年6月底
- id: 2
  area: 1
  title: 平常的任务
  description: ''
  lead:
  - 市税务局
  support: []
  deadline: 2020-12-31
  deadline_text: 2020年12月底
"""


def on_a_terminal(args: list[str], env: dict[str, str]) -> tuple[int, bytes]:
    """Run the installed script with stdin, stdout and stderr on one pseudo-terminal
    of 160 columns; its exit code and every byte the terminal received."""
    import fcntl
    import pty
    import struct
    import termios

    script = Path(sys.executable).with_name("szbiz")
    main, child = pty.openpty()
    fcntl.ioctl(child, termios.TIOCSWINSZ, struct.pack("HHHH", 50, 160, 0, 0))
    process = subprocess.Popen(
        [str(script), *args], stdin=child, stdout=child, stderr=child, env=env, close_fds=True
    )
    os.close(child)
    received = b""
    while True:
        try:
            chunk = os.read(main, 65536)
        except OSError:  # EIO: the child's side is closed
            break
        if not chunk:
            break
        received += chunk
    os.close(main)
    return process.wait(timeout=60), received


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    tasks = tmp_path / "tasks.yaml"
    tasks.write_text(LIST, encoding="utf-8")
    ledger = tmp_path / "progress.yaml"
    at = dt.datetime(2020, 6, 1, 10, tzinfo=dt.UTC)
    event = Event(1, Status.DOING, dt.date(2020, 6, 1), f"张{HOSTILE}三", at, f"记{HOSTILE}")
    ledger.write_text(ledger_text([event]), encoding="utf-8")
    keep = ("PATH", "HOME", "LANG", "SYSTEMROOT")
    out = {k: v for k, v in os.environ.items() if k in keep}
    return out | {
        "TERM": "xterm-256color",
        "LC_ALL": "C.UTF-8",
        "SZBIZ_TASKS": str(tasks),
        "SZBIZ_PROGRESS": str(ledger),
        "SZBIZ_TODAY": "2020-07-01",
        "SZBIZ_USER": f"李{HOSTILE}四",
        "SZBIZ_CACHE_DIR": str(tmp_path / "cache"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
    }


@pytest.mark.parametrize(
    ("args", "where"),
    [
        pytest.param(["show", "1"], ["甲{}乙", "记{}", "张{}三", "[bold red]丙[/]"], id="show"),
        pytest.param(["list"], ["甲{}乙"], id="list"),
        pytest.param(["report"], ["清单{} · 截至 2020-07-01", "甲{}乙"], id="report"),
        pytest.param(["sheet", "--agency", "swj"], ["清单{} · 逾期 1 项", "记{}"], id="sheet"),
        pytest.param(["log"], ["甲{}乙", "张{}三", "记{}"], id="log"),
    ],
)
def test_the_terminal_gets_only_text_and_colour(
    env: dict[str, str], args: list[str], where: list[str]
) -> None:
    code, received = on_a_terminal(args, env)
    text = received.decode("utf-8")
    assert code == 0, text
    assert SGR.search(text), "colour is on: the header is bold"
    bare = SGR.sub("", text)
    assert "\x1b" not in bare  # no escape sequence but colour
    assert DRIVES.findall(bare) == []  # no BEL, no other C0 but CR LF, no C1, no bidi
    for shown in where:
        assert shown.format(SHOWN) in bare


def test_a_name_refused_on_the_terminal_is_one_safe_line(env: dict[str, str]) -> None:
    ledger = Path(env["SZBIZ_PROGRESS"])
    before = ledger.read_bytes()
    code, received = on_a_terminal(["done", "2"], env)
    text = received.decode("utf-8")
    assert code == 2
    assert text == (
        "error: SZBIZ_USER holds the control character \\x1b (U+001B); a name needs no "
        "control or bidi character: give --by NAME, or set SZBIZ_USER to a plain name\r\n"
    )
    assert ledger.read_bytes() == before
