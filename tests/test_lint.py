"""`szbiz lint` and `szbiz schema`: formats, exit codes, and the schema's copy."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import jsonschema
import pytest
import yaml

from szbiz.schema import json_schema

from .conftest import DATA, ROOT, TASKS, no_traceback, run

BROKEN = """\
schema: 1
document: {title: t, issuer: i, year: 2020, source: s}
areas:
- {number: 1, name: 甲}
agencies:
- {name: 市税务局, kind: central, aliases: [税务]}
tasks:
- id: 1
  area: 1
  title: 做
  description: ''
  lead: [税务]
  support: []
  deadline: 2020-06-31
  deadline_text: 2020年6月底
"""


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    path = tmp_path / "broken.yaml"
    path.write_text(BROKEN, encoding="utf-8")
    return path


def test_clean_list_says_nothing() -> None:
    result = run("lint", str(TASKS))
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")


def test_default_is_the_list_in_use() -> None:
    result = run("lint")
    assert (result.exit_code, result.stdout) == (0, "")


def test_text_format(broken: Path) -> None:
    result = run("lint", str(broken))
    assert result.exit_code == 1
    assert result.stdout == (
        f"{broken}:12:10: warning: task 1 → lead: '税务' is an alias of '市税务局'; "
        "write 市税务局 [alias-name]\n"
        f"{broken}:14:13: error: task 1 → deadline: expected a date like 2020-06-30, "
        "got '2020-06-31' [date]\n"
    )
    assert no_traceback(result.stdout + result.stderr)


def test_warnings_pass_unless_strict(tmp_path: Path) -> None:
    path = tmp_path / "warn.yaml"
    path.write_text(BROKEN.replace("2020-06-31", "2020-06-30"), encoding="utf-8")
    assert run("lint", str(path)).exit_code == 0
    assert run("lint", "--strict", str(path)).exit_code == 1


def test_json_format(broken: Path) -> None:
    result = run("lint", "--format", "json", str(broken))
    assert result.exit_code == 1
    rows = json.loads(result.stdout)
    assert rows[1] == {
        "path": str(broken),
        "line": 14,
        "column": 13,
        "level": "error",
        "rule": "date",
        "message": "task 1 → deadline: expected a date like 2020-06-30, got '2020-06-31'",
    }


def test_github_format(broken: Path) -> None:
    result = run("lint", "-f", "github", str(broken))
    line = result.stdout.splitlines()[1]
    assert line == (
        f"::error file={broken},line=14,col=13,title=szbiz date::task 1 → deadline: "
        "expected a date like 2020-06-30, got '2020-06-31'"
    )


def test_auto_format_picks_github_in_actions(broken: Path) -> None:
    result = run("lint", "-f", "auto", str(broken), env={"GITHUB_ACTIONS": "true"})
    assert result.stdout.startswith("::warning file=")
    assert run("lint", "-f", "auto", str(broken)).stdout.startswith(f"{broken}:12:10: warning")


def test_missing_file_is_usage_error(tmp_path: Path) -> None:
    result = run("lint", str(tmp_path / "nope.yaml"), str(TASKS))
    assert result.exit_code == 2
    assert result.stderr == f"error: {tmp_path / 'nope.yaml'}: no such file\n"


def test_bad_option_is_usage_error() -> None:
    result = run("lint", "--format", "xml")
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("error: Invalid value for '--format' / '-f': 'xml'")


def test_broken_tasks_option_reports_the_loader_message(broken: Path) -> None:
    result = run("lint", "--tasks", str(broken))
    assert result.exit_code == 1


def test_schema_command_matches_the_repository_copy() -> None:
    result = run("schema")
    assert result.exit_code == 0
    assert result.stdout == (DATA / "tasks.schema.json").read_text(encoding="utf-8")
    assert json.loads(result.stdout) == json_schema()


def test_tasks_yaml_validates_against_the_json_schema() -> None:
    schema = json.loads((DATA / "tasks.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    # JSON Schema sees dates as strings, as a YAML 1.2 reader would.
    document = yaml.load(TASKS.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    for key in ("schema",):
        document[key] = int(document[key])
    document["document"]["year"] = int(document["document"]["year"])
    for area in document["areas"]:
        area["number"] = int(area["number"])
    for task in document["tasks"]:
        task["id"] = int(task["id"])
        task["area"] = int(task["area"])
    jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker()).validate(
        document
    )


def test_json_schema_rejects_what_the_loader_rejects() -> None:
    schema = json.loads((DATA / "tasks.schema.json").read_text(encoding="utf-8"))
    bad = {"schema": 1, "document": {}, "areas": [], "agencies": [], "tasks": [], "extra": 1}
    assert list(jsonschema.Draft202012Validator(schema).iter_errors(bad))


def test_pre_commit_hook_entry_point_exists() -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"][
        "scripts"
    ]
    (hook,) = hooks
    assert hook["id"] == "szbiz-lint"
    command, *args = hook["entry"].split()
    assert command in scripts
    assert scripts[command] == "szbiz.cli:main"
    assert run(*args, str(TASKS)).exit_code == 0


def test_the_readme_pre_commit_snippet_names_the_hook_and_the_release_tag() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    (snippet,) = [b for b in re.findall(r"```yaml\n(.*?)```", readme, re.S) if "hooks:" in b]
    (repo,) = yaml.safe_load(snippet)["repos"]
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert [h["id"] for h in repo["hooks"]] == [h["id"] for h in hooks] == ["szbiz-lint"]
    # Releases are tagged v<version> on the commit that sets the version.
    version = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"][
        "version"
    ]
    assert repo["rev"] == f"v{version}"
    assert f"`v{version}` for {version}" in readme


def test_an_empty_ledger_is_clean(tmp_path: Path) -> None:
    ledger = tmp_path / "progress.yaml"
    ledger.write_text("", encoding="utf-8")
    result = run("lint", "--progress", str(ledger))
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")


def test_a_ledger_recorded_before_the_supported_years_is_one_problem(tmp_path: Path) -> None:
    ledger = tmp_path / "progress.yaml"
    ledger.write_text(
        "- {task: 1, status: done, on: 2020-01-01, by: a, at: '0001-01-01T00:00:00+09:00'}\n",
        encoding="utf-8",
    )
    result = run("lint", "--progress", str(ledger))
    assert result.exit_code == 1
    assert result.stdout == (
        f"{ledger}:1:54: error: task 1 → at: expected a time in the years 1900–2999, "
        "got '0001-01-01T00:00:00+09:00' [date-range]\n"
    )


def test_a_ledger_note_holding_controls_is_a_warning_and_still_read(tmp_path: Path) -> None:
    ledger = tmp_path / "progress.yaml"
    ledger.write_text(
        "- {task: 3, status: done, on: 2020-05-01, by: a, at: '2020-05-01T10:00:00+08:00',"
        ' note: "a\\e[2Jb\\u202e"}\n',
        encoding="utf-8",
    )
    warning = (
        f"{ledger}:1:89: warning: task 3 → note: holds 2 control or bidi characters, "
        "the first the control character \\x1b (U+001B); remove them [control-character]\n"
    )
    result = run("lint", "--progress", str(ledger))
    assert (result.exit_code, result.stdout) == (0, warning)
    assert run("lint", "--strict", "--progress", str(ledger)).exit_code == 1
    shown = run("log", "3", "--progress", str(ledger), "--format", "tsv")
    assert shown.exit_code == 0
    assert "a\\x1b[2Jb<U+202E>" in shown.stdout
