"""Hostile and messy sources for `szbiz import`: each gives a list that loads, or one
clear line naming where, and writes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import TASKS, no_traceback, run


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8", newline="")
    return path


HEADER = "序号,改革举措,牵头单位,完成时限\n"


def test_a_control_character_in_a_cell_is_refused_naming_its_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "list.csv", "2021年清单\n" + HEADER + "1,措施\x1b[2J甲,公安部,6月底前\n")
    result = run("import", "list.csv", "-o", "out.yaml")
    assert result.exit_code == 1
    assert result.stderr == (
        "error: list.csv:3:1: control character U+001B in a cell; remove it from the source\n"
    )
    assert not (tmp_path / "out.yaml").exists()


def test_a_form_feed_in_a_cell_is_a_line_break(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "list.csv", "2021年清单\n" + HEADER + '1,"措施甲。\f说明",公安部,6月底前\n')
    assert run("import", "list.csv", "-o", "out.yaml").exit_code == 0
    assert run("lint", "out.yaml").exit_code == 0
    shown = run("show", "1", "--tasks", "out.yaml", "--json")
    assert '"description": "说明"' in shown.stdout


@pytest.mark.parametrize("brk", ["\u2028", "\u2029", "\x85"])
def test_a_title_with_a_yaml_line_break_still_makes_a_list_that_loads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, brk: str
) -> None:
    monkeypatch.chdir(tmp_path)
    write(
        tmp_path / "list.csv", f"2021年清单{brk}tasks: 1\n" + HEADER + "1,措施甲,公安部,6月底前\n"
    )
    assert run("import", "list.csv", "-o", "out.yaml").exit_code == 0
    text = (tmp_path / "out.yaml").read_text(encoding="utf-8")
    assert text.splitlines()[0] == "# szbiz canonical task list: 2021年清单 tasks: 1"
    result = run("lint", "out.yaml")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")
    assert no_traceback(result.stderr)


def test_notes_and_totals_below_the_table_are_skipped_and_said(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write(
        tmp_path / "list.csv",
        "2021年测试清单\n"
        '"序号","改革\n举措","牵头\n单位","完成\n时限"\n'
        '"1.","措施甲","公安部","6月底前"\n'
        ",,,\n"
        '"2.","措施乙","国家知识产权局","持续推进"\n'
        "合计,2项,,\n"
        '"注：以上为示例",,,\n',
    )
    result = run("import", "list.csv", "--issuer", "国务院", "-o", "out.yaml")
    assert (result.exit_code, result.stdout) == (0, "")
    assert result.stderr == (
        "wrote 2 tasks, 1 area and 2 agencies to out.yaml; agencies by kind: 2 national; "
        "1 task ongoing; skipped 2 rows of notes or totals (line 9…); "
        "no areas: every task in one, 全部任务\n"
    )
    assert run("list", "--tasks", "out.yaml", "--format", "ids").stdout == "1\n2\n"


def test_a_subtotal_between_areas_is_no_task(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write(
        tmp_path / "list.csv",
        "2021年测试清单\n"
        + HEADER
        + "1,措施甲,公安部,6月底前\n小计：,1项,,\n2,措施乙,海关总署,年底前\n",
    )
    result = run("import", "list.csv", "--issuer", "国务院", "-o", "out.yaml")
    assert result.exit_code == 0, result.stderr
    assert "skipped a row of notes or totals (line 4)" in result.stderr
    assert run("list", "--tasks", "out.yaml", "--format", "ids").stdout == "1\n2\n"


def test_two_columns_of_one_header_and_one_of_none_keep_every_cell(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write(
        tmp_path / "list.csv",
        "2021年测试清单\n序号,改革举措,牵头单位,完成时限,备注,备注,,\n1,措施甲,公安部,6月底前,甲,乙,丙,\n",
    )
    result = run("import", "list.csv", "--issuer", "国务院", "-o", "out.yaml")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == (
        "wrote 1 task, 1 area and 1 agency to out.yaml; agencies by kind: 1 national; "
        "columns 备注、备注（第6列） kept as extra fields; "
        "text under no header kept as extra fields 第7列; no areas: every task in one, 全部任务\n"
    )
    assert run("lint", "out.yaml").exit_code == 0
    shown = run("show", "1", "--tasks", "out.yaml", "--json")
    assert '"extra": {\n    "备注": "甲",\n    "备注（第6列）": "乙",\n    "第7列": "丙"\n  }' in (
        shown.stdout
    )


def test_a_header_of_two_rows_reads_each_column_by_its_lower_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As Excel saves a header whose 责任单位 spans 牵头单位 and 配合单位, repeated atop a page.
    monkeypatch.chdir(tmp_path)
    header = "序号,改革举措,责任单位,,完成时限\n,,牵头单位,配合单位,\n"
    write(
        tmp_path / "list.csv",
        "2021年测试清单\n"
        + header
        + "1,措施甲,公安部,海关总署,6月底前\n"
        + header
        + "2,措施乙,商务部,,年底前\n",
    )
    result = run("import", "list.csv", "--issuer", "国务院", "-o", "out.yaml")
    assert result.stderr == (
        "wrote 2 tasks, 1 area and 3 agencies to out.yaml; agencies by kind: 3 national; "
        "no areas: every task in one, 全部任务\n"
    )
    shown = run("show", "1", "--tasks", "out.yaml", "--as-of", "2021-01-01")
    assert "牵头单位   公安部 (国家部委)\n责任单位   海关总署 (国家部委)\n" in shown.stdout


def test_text_of_glyph_numbers_says_the_pdf_fonts_have_no_characters(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # pdfminer's text of a PDF whose CJK font has no map to Unicode, saved as .txt.
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "list.txt", "(cid:1234)(cid:88)(cid:9)\n(cid:12)(cid:13)\t(cid:14)(cid:15)\n")
    result = run("import", "list.txt", "-o", "out.yaml")
    assert result.exit_code == 1
    assert result.stderr == (
        "error: list.txt:1:1: no header row found: the text reads as glyph numbers such as "
        "(cid:123), the PDF's fonts having no map to characters; export the table from the "
        "original document as .docx or .xlsx\n"
    )
    assert not (tmp_path / "out.yaml").exists()


EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def test_a_ledger_merged_with_another_lists_is_refused_naming_the_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Two branches each start the ledger progress.yaml, for the 2020 and the 2021 list;
    # git's union merge keeps both # list: lines, the shared comments once, and both
    # branches' events. The 2021 list's task 2 must not count as done in the 2020 list.
    monkeypatch.chdir(tmp_path)
    for year in ("2020", "2021"):
        source = str(EXAMPLES / f"innovation-{year}.csv")
        assert run("import", source, "--issuer", "国务院", "-o", f"{year}.yaml").exit_code == 0
        done = run(
            "done", "2", "--on", f"{year}-03-01", "--tasks", f"{year}.yaml",
            "--progress", f"p{year}.yaml", "--as-of", f"{year}-04-01",
        )  # fmt: skip
        assert done.exit_code == 0, done.stderr
    old = (tmp_path / "p2020.yaml").read_text(encoding="utf-8").splitlines(keepends=True)
    new = (tmp_path / "p2021.yaml").read_text(encoding="utf-8").splitlines(keepends=True)
    comments = [line for line in old[1:] if line.startswith("#")]
    merged = [old[0], new[0], *comments]
    merged += [line for line in old + new if not line.startswith("#")]
    (tmp_path / "progress.yaml").write_text("".join(merged), encoding="utf-8")
    said = (
        'line 2 names the list "2021 年支持创新改革举措推广清单（示例）" (2021), not '
        '"2020 年支持创新改革举措推广清单（示例）" (2020) in use: two lists\' ledgers merged '
        "into one? keep each list's events in a ledger of its own"
    )
    both = ("--tasks", "2020.yaml", "--progress", "progress.yaml")
    report = run("report", *both, "--as-of", "2020-07-01")
    assert (report.exit_code, report.stdout) == (1, "")
    assert report.stderr == f"error: progress.yaml {said}\n"
    lint = run("lint", *both)
    assert lint.exit_code == 1
    assert lint.stdout == f"progress.yaml:2:1: error: {said} [other-list]\n"
    # Each ledger alone is still its list's.
    assert run("lint", "--tasks", "2020.yaml", "--progress", "p2020.yaml").exit_code == 0


def test_diff_of_lists_of_huge_texts_ends_quickly(tmp_path: Path) -> None:
    """Texts are compared on their first 2,000 characters: three tasks of 60,000 each
    would otherwise keep difflib busy for minutes."""
    import dataclasses
    import time

    from szbiz.dump import dump_tasklist
    from szbiz.load import load

    base = load(TASKS).tasks
    huge = tuple(
        dataclasses.replace(t, description="改革" * 15_000 + str(t.id) * 3_000)
        for t in base.tasks[:3]
    )
    old = tmp_path / "old.yaml"
    old.write_text(dump_tasklist(dataclasses.replace(base, tasks=huge)), encoding="utf-8")
    reworded = tuple(dataclasses.replace(t, title=t.title + "（修订）") for t in huge)
    new = tmp_path / "new.yaml"
    new.write_text(dump_tasklist(dataclasses.replace(base, tasks=reworded)), encoding="utf-8")
    start = time.perf_counter()
    result = run("diff", str(old), str(new), "--format", "json")
    assert time.perf_counter() - start < 30
    assert result.exit_code == 0, result.stderr
    import json

    matches = json.loads(result.stdout)["matches"]
    assert [(m["new"], m["old"], m["class"]) for m in matches] == [
        (t.id, t.id, "changed") for t in huge
    ]
