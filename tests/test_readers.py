"""The importer's readers: one list written in every format reads as the same rows, and a
file that is no source (or a hostile one) is refused in one line naming the file."""

from __future__ import annotations

import os
import sys
import zipfile
from pathlib import Path

import pytest

from szbiz.errors import LoadError, SzbizError, UsageError
from szbiz.importer.formats import FORMATS, format_of, read_grid
from szbiz.importer.grid import Grid
from tests.conftest import SOURCE
from tests.sources import (
    HEADER,
    SAMPLE,
    TITLE,
    blank_pdf,
    docx_to_pdf,
    write_csv,
    write_docx,
    write_xlsx,
)


def seen(cells: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """A row as compared across formats: its non-empty cells, without white space (a PDF
    wraps a cell's text, a Word cell keeps its line breaks)."""
    return tuple(t for t in ("".join(c.split()) for c in cells) if t)


def table(grid: Grid) -> list[tuple[str, ...]]:
    """The rows from the header on, as compared."""
    rows = [seen(row.cells) for row in grid.rows]
    return rows[rows.index(tuple(HEADER)) :]


EXPECTED = [seen(row) for row in SAMPLE]


# --- the same list in every format ------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "gbk"])
def test_csv_in_each_encoding_excel_saves_reads_as_the_table(tmp_path: Path, encoding: str) -> None:
    path = write_csv(tmp_path / "清单.csv", [[TITLE], *SAMPLE], encoding=encoding)
    grid = read_grid(path, format_of(path, None))
    assert grid.source == "清单.csv"
    assert grid.rows[0].cells == (TITLE, "", "", "", "", "")
    assert grid.rows[0].where == "line 1"
    assert table(grid) == EXPECTED
    last = grid.rows[-1]
    assert last.cells == tuple(SAMPLE[-1])
    assert (last.where, last.line) == (f"line {len(SAMPLE) + 1}", len(SAMPLE) + 1)


@pytest.mark.parametrize("separator", [";", "\t"])
def test_csv_separated_by_semicolons_or_tabs_is_split_there(tmp_path: Path, separator: str) -> None:
    path = tmp_path / "list.csv"
    text = "\n".join(separator.join(row) for row in [[TITLE], *SAMPLE]) + "\n"
    path.write_text(text, encoding="utf-8")
    assert table(read_grid(path, "csv")) == EXPECTED


def test_csv_record_with_a_line_break_keeps_the_line_it_starts_on(tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_bytes('序号,改革举措\n\n1,"深化商事\r\n登记"\r\n2,乙\n'.encode())
    rows = read_grid(path, "csv").rows
    assert [(r.cells, r.where, r.line) for r in rows] == [
        (("序号", "改革举措"), "line 1", 1),
        (("1", "深化商事\r\n登记"), "line 3", 3),
        (("2", "乙"), "line 5", 5),
    ]


def test_xlsx_with_merged_headings_reads_each_heading_once(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "清单.xlsx", [[TITLE], *SAMPLE])
    grid = read_grid(path, format_of(path, None))
    assert table(grid) == EXPECTED
    heading = grid.rows[2]
    assert heading.cells == ("一、科技金融创新方面（共4项）", "", "", "", "", "")
    assert (heading.where, heading.line) == ("清单!A3", 3)
    # 序号 stored as a number reads as written.
    assert grid.rows[3].cells[0] == "1"


def test_xlsx_cell_merged_down_rows_reads_in_each_and_values_read_as_written(
    tmp_path: Path,
) -> None:
    import datetime as dt

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Sheet1"
    sheet.append(["序号", "所属领域", "完成时限", "比例"])
    sheet.append([1, "一、商事登记", dt.datetime(2021, 12, 31), 0.5])
    sheet.append([2.0, None, dt.date(2021, 6, 30), 3.0])
    sheet.append([None, None, None, None])
    sheet.append([3, "二、纳税", "持续推进", None])
    sheet.merge_cells("B2:B3")
    path = tmp_path / "book.xlsm"
    book.save(path)
    rows = read_grid(path, format_of(path, None)).rows
    assert [(r.cells, r.where, r.line) for r in rows] == [
        (("序号", "所属领域", "完成时限", "比例"), "Sheet1!A1", 1),
        (("1", "一、商事登记", "2021-12-31", "0.5"), "Sheet1!A2", 2),
        (("2", "一、商事登记", "2021-06-30", "3"), "Sheet1!A3", 3),
        (("3", "二、纳税", "持续推进", ""), "Sheet1!A5", 5),
    ]


def test_xlsx_sheet_is_chosen_by_name_and_a_missing_one_is_named(tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    first = book.active
    assert first is not None
    first.title = "说明"
    first.append(["填表说明"])
    book.create_sheet("任务").append(["序号", "措施"])
    path = tmp_path / "book.xlsx"
    book.save(path)
    assert read_grid(path, "xlsx").rows[0].cells == ("填表说明",)
    assert read_grid(path, "xlsx", sheet="任务").rows[0].where == "任务!A1"
    with pytest.raises(UsageError) as caught:
        read_grid(path, "xlsx", sheet="清单")
    assert str(caught.value) == f"{path} has no sheet '清单'; its sheets: 说明, 任务"
    assert caught.value.exit_code == 2


def test_docx_reads_title_and_table_with_heading_rows_once(tmp_path: Path) -> None:
    path = write_docx(tmp_path / "通知.docx", TITLE, SAMPLE)
    grid = read_grid(path, format_of(path, None))
    assert grid.rows[0].cells == (TITLE,)
    assert grid.rows[0].where == "paragraph 1"
    assert table(grid) == EXPECTED
    heading = grid.rows[2]
    assert heading.cells == ("一、科技金融创新方面（共4项）", "", "", "", "", "")
    assert heading.where == "table 1, row 2"


def test_docx_several_tables_merged_cells_and_paragraphs_keep_document_order(
    tmp_path: Path,
) -> None:
    import docx

    document = docx.Document()
    document.add_paragraph("一、科技方面")
    first = document.add_table(rows=3, cols=3)
    for c, text in enumerate(["序号", "措施", "牵头单位"]):
        first.cell(0, c).text = text
    first.cell(1, 0).text, first.cell(2, 0).text = "1", "2"
    first.cell(1, 1).text = "深化\n改革"
    first.cell(1, 2).merge(first.cell(2, 2)).text = "科技部"  # one agency for both rows
    document.add_paragraph("")
    document.add_paragraph("二、人才方面")
    second = document.add_table(rows=1, cols=3)
    second.cell(0, 0).text = "3"
    path = tmp_path / "list.docx"
    document.save(str(path))
    rows = read_grid(path, "docx").rows
    assert [(r.cells, r.where) for r in rows] == [
        (("一、科技方面",), "paragraph 1"),
        (("序号", "措施", "牵头单位"), "table 1, row 1"),
        (("1", "深化\n改革", "科技部"), "table 1, row 2"),
        (("2", "", "科技部"), "table 1, row 3"),
        (("二、人才方面",), "paragraph 3"),
        (("3", "", ""), "table 2, row 1"),
    ]


@pytest.mark.slow
def test_pdf_printed_from_the_docx_reads_as_the_same_table(tmp_path: Path) -> None:
    pdf = docx_to_pdf(write_docx(tmp_path / "通知.docx", TITLE, SAMPLE), tmp_path)
    grid = read_grid(pdf, format_of(pdf, None))
    assert grid.source == "通知.pdf"
    assert seen(grid.rows[0].cells) == (TITLE,)
    assert grid.rows[0].where == "page 1, line 1"
    assert table(grid) == EXPECTED
    assert grid.rows[1].where == "page 1, table 1, row 1"
    # A heading row merged across the table reads once, as Word's does.
    assert grid.rows[2].cells == ("一、科技金融创新方面（共4项）", "", "", "", "", "")


@pytest.mark.slow
def test_pdf_table_over_several_pages_reads_every_row_in_order(tmp_path: Path) -> None:
    rows = [HEADER[:3]] + [[str(n), f"第{n}项措施", "科技部"] for n in range(1, 91)]
    pdf = docx_to_pdf(write_docx(tmp_path / "long.docx", TITLE, rows), tmp_path)
    grid = read_grid(pdf, "pdf")
    numbers = [r.cells[0] for r in grid.rows if len(r.cells) == 3 and r.cells[0].isdigit()]
    assert numbers == [str(n) for n in range(1, 91)]
    # Each page's part of the table reads as its rows, the header repeated on none.
    pages = {r.where.split(",")[0] for r in grid.rows if ", table 1, row " in r.where}
    assert len(pages) > 1
    assert sum(1 for r in grid.rows if r.cells[0] == "序号") == 1


def test_a_line_wrapped_inside_a_pdf_cell_is_joined_back() -> None:
    from szbiz.importer.read_pdf import unwrap_cell

    assert unwrap_cell("深化商事\n登记") == "深化商事登记"
    assert unwrap_cell("Hong\nKong") == "Hong Kong"
    assert unwrap_cell(None) == ""


# --- tab-separated text -----------------------------------------------------------------


def test_the_2020_source_reads_as_its_lines() -> None:
    grid = read_grid(SOURCE, format_of(SOURCE, None))
    assert grid.source == "shenzhen-2020-tasks.txt"
    assert len(grid.rows) == 261
    first = grid.rows[0]
    assert (first.cells, first.where, first.line) == (
        ("深圳市 2020 年优化营商环境改革重点任务清单",),
        "line 3",
        3,
    )
    header = next(r for r in grid.rows if r.cells[0] == "序号")
    assert (header.cells, header.line) == (
        ("序号", "所属领域", "改革措施", "牵头单位", "责任单位", "完成时限"),
        25,
    )
    task1 = next(r for r in grid.rows if r.cells[0] == "1")
    assert (task1.line, task1.cells[1], len(task1.cells)) == (26, "一、深化商事登记制度改革", 6)
    last = grid.rows[-1]
    assert (last.cells[0], last.line) == ("210", 313)
    assert sum(1 for r in grid.rows if len(r.cells) == 6) == 250


@pytest.mark.parametrize(
    ("data", "cells"),
    [
        ("序号\t措施\r\n\r\n1\t甲\r\n".encode("gbk"), [("序号", "措施"), ("1", "甲")]),
        ("序号\t措施\n1\t甲\n".encode("utf-16"), [("序号", "措施"), ("1", "甲")]),
        (b"\xef\xbb\xbf\t\t\n\xe7\x94\xb2\n", [("甲",)]),
    ],
    ids=["gbk", "utf-16", "bom-and-empty-cells"],
)
def test_text_in_the_encodings_windows_saves_reads(
    tmp_path: Path, data: bytes, cells: list[tuple[str, ...]]
) -> None:
    path = tmp_path / "list.tsv"
    path.write_bytes(data)
    assert [r.cells for r in read_grid(path, format_of(path, None)).rows] == cells


def test_text_in_no_encoding_it_knows_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "list.txt"
    path.write_bytes(b"\x81\xff\xfe")
    with pytest.raises(LoadError) as caught:
        read_grid(path, "text")
    assert str(caught.value) == f"{path}: not UTF-8 (byte 0), nor GBK; save it as UTF-8"
    assert caught.value.exit_code == 1


# --- which reader -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("a.txt", "text"),
        ("a.TSV", "text"),
        ("a.csv", "csv"),
        ("a.xlsx", "xlsx"),
        ("a.xlsm", "xlsx"),
        ("a.docx", "docx"),
        ("a.PDF", "pdf"),
    ],
)
def test_format_is_the_extension(name: str, fmt: str) -> None:
    assert format_of(Path(name), None) == fmt


def test_from_names_the_format_whatever_the_extension(tmp_path: Path) -> None:
    path = tmp_path / "list.dat"
    path.write_text("序号,措施\n1,甲\n", encoding="utf-8")
    assert format_of(path, "CSV") == "csv"
    assert read_grid(path, format_of(path, "csv")).rows[1].cells == ("1", "甲")
    assert FORMATS == ("text", "csv", "xlsx", "docx", "pdf")


@pytest.mark.parametrize(
    ("name", "given", "message"),
    [
        (
            "list.doc",
            None,
            "list.doc: szbiz cannot read .doc files; save it as .docx and import that",
        ),
        (
            "list.xls",
            None,
            "list.xls: szbiz cannot read .xls files; save it as .xlsx and import that",
        ),
        (
            "list.wps",
            None,
            "list.wps: szbiz cannot read .wps files; save it as .docx and import that",
        ),
        (
            "list.json",
            None,
            "list.json: cannot tell the format from the extension .json; expected one of "
            ".txt .tsv .tab .csv .xlsx .xlsm .docx .pdf, or name it with --from "
            "(text, csv, xlsx, docx, pdf)",
        ),
        (
            "list",
            None,
            "list: cannot tell the format without an extension; expected one of "
            ".txt .tsv .tab .csv .xlsx .xlsm .docx .pdf, or name it with --from "
            "(text, csv, xlsx, docx, pdf)",
        ),
        (
            "list.txt",
            "word",
            "unknown format 'word' for --from; expected one of text, csv, xlsx, docx, pdf",
        ),
    ],
)
def test_a_format_no_reader_reads_is_a_usage_error(
    name: str, given: str | None, message: str
) -> None:
    with pytest.raises(UsageError) as caught:
        format_of(Path(name), given)
    assert str(caught.value) == message
    assert caught.value.exit_code == 2


def test_sheet_for_a_source_that_is_no_workbook_is_a_usage_error(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "list.csv", SAMPLE)
    with pytest.raises(UsageError) as caught:
        read_grid(path, "csv", sheet="清单")
    assert str(caught.value) == (
        f"--sheet names a sheet of an Excel workbook; {path} is read as csv"
    )


# --- hostile files ----------------------------------------------------------------------


def refused(path: Path, fmt: str, error: type[SzbizError] = LoadError) -> SzbizError:
    with pytest.raises(error) as caught:
        read_grid(path, fmt)
    assert "\n" not in str(caught.value)
    return caught.value


def test_hostile_missing_file_and_directory_are_usage_errors(tmp_path: Path) -> None:
    missing = refused(tmp_path / "none.docx", "docx", UsageError)
    assert str(missing) == f"{tmp_path / 'none.docx'}: no such file"
    directory = refused(tmp_path, "text", UsageError)
    assert str(directory) == f"{tmp_path}: is a directory; expected tab-separated text"
    assert directory.exit_code == 2


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_hostile_fifo_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    fifo = tmp_path / "list.csv"
    os.mkfifo(fifo)
    error = refused(fifo, "csv", UsageError)
    assert str(error) == f"{fifo}: is a FIFO, not a regular file; expected a CSV file"


def test_hostile_docx_that_is_no_zip_is_not_a_word_document(tmp_path: Path) -> None:
    path = tmp_path / "list.docx"
    path.write_text("序号\t措施\n", encoding="utf-8")
    error = refused(path, "docx")
    assert str(error) == f"{path}: not a Word document (.docx) (not a zip file)"
    assert error.exit_code == 1


def test_hostile_damaged_zip_is_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "list.xlsx"
    path.write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    assert str(refused(path, "xlsx")).startswith(
        f"{path}: not an Excel workbook (.xlsx) (a damaged zip file: BadZipFile: "
    )


def test_hostile_zip_of_no_document_is_not_a_word_document(tmp_path: Path) -> None:
    path = tmp_path / "list.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "hi")
    assert str(refused(path, "docx")).startswith(f"{path}: not a Word document (.docx) (")


def test_hostile_zip_bomb_is_refused_before_it_is_unpacked(tmp_path: Path) -> None:
    path = tmp_path / "bomb.docx"
    chunk = b"\0" * (1 << 20)
    with (
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive,
        archive.open("word/document.xml", "w", force_zip64=True) as member,
    ):
        for _n in range(257):
            member.write(chunk)
    assert path.stat().st_size < 1 << 20
    assert str(refused(path, "docx")) == (
        f"{path}: not a Word document (.docx) (it would unpack to 269,484,032 bytes; "
        "at most 256 MiB are read)"
    )


def test_hostile_entity_declaration_is_refused(tmp_path: Path) -> None:
    source = write_docx(tmp_path / "ok.docx", TITLE, SAMPLE[:3])
    path = tmp_path / "entities.docx"
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(path, "w") as new:
        for item in old.infolist():
            data = old.read(item)
            if item.filename == "word/document.xml":
                data = data.replace(
                    b"?>", b'?><!DOCTYPE w [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;">]>', 1
                )
            new.writestr(item, data)
    assert str(refused(path, "docx")) == (
        f"{path}: not a Word document (.docx) (a part declares a DOCTYPE or entities)"
    )


def test_hostile_cell_spanning_a_billion_columns_is_refused(tmp_path: Path) -> None:
    source = write_docx(tmp_path / "ok.docx", TITLE, SAMPLE[:3])
    path = tmp_path / "span.docx"
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(path, "w") as new:
        for item in old.infolist():
            data = old.read(item)
            if item.filename == "word/document.xml":
                data = data.replace(b'<w:gridSpan w:val="6"/>', b'<w:gridSpan w:val="999999999"/>')
                assert b"999999999" in data
            new.writestr(item, data)
    assert str(refused(path, "docx")) == (
        f"{path}: not a Word document (.docx) (a table cell spans more than 1,000 columns)"
    )


def test_hostile_sheet_spanning_a_million_rows_is_refused(tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Sheet1"
    sheet["A1"] = "序号"
    sheet["XFD1048576"] = "x"
    path = tmp_path / "wide.xlsx"
    book.save(path)
    assert str(refused(path, "xlsx")) == (
        f"{path}: sheet Sheet1 spans 1,048,576 rows and 16,384 columns, over 2,000,000 "
        "cells; delete the empty rows and columns past the table"
    )


def test_hostile_csv_cell_past_the_limit_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_text("序号,措施\n1,甲\n2," + "乙" * 200_000 + "\n", encoding="utf-8")
    error = refused(path, "csv")
    assert str(error) == (
        f"{path}:3:1: cannot read the CSV record starting here "
        "(field larger than field limit (131072))"
    )


def test_hostile_too_many_rows_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "list.txt"
    path.write_bytes(b"x\n" * 200_001)
    assert str(refused(path, "text")) == (
        f"{path}:200001:1: holds more than 200,000 rows or 2,000,000 cells "
        "(at line 200001); a task list has hundreds"
    )


def test_hostile_pdf_without_text_layer_is_a_scan(tmp_path: Path) -> None:
    path = blank_pdf(tmp_path / "scan.pdf")
    assert str(refused(path, "pdf")) == (
        f"{path}: has no text layer (a scan?); export the table from the original "
        "document as .docx or .xlsx"
    )


def test_hostile_pdf_that_is_no_pdf(tmp_path: Path) -> None:
    path = tmp_path / "list.pdf"
    path.write_text("序号,措施\n", encoding="utf-8")
    assert str(refused(path, "pdf")) == (
        f"{path}: not a PDF document (it does not start with %PDF)"
    )
    path.write_bytes(b"%PDF-1.4\n" + b"garbage" * 10)
    assert str(refused(path, "pdf")).startswith(f"{path}: not a PDF document (")


@pytest.mark.parametrize(
    ("fmt", "module", "package"),
    [
        ("docx", "docx", "python-docx"),
        ("pdf", "pdfplumber", "pdfplumber"),
        ("xlsx", "openpyxl", "openpyxl"),
    ],
)
def test_a_format_whose_library_is_missing_says_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str, module: str, package: str
) -> None:
    if fmt == "docx":
        path = write_docx(tmp_path / "list.docx", TITLE, SAMPLE[:2])
    elif fmt == "xlsx":
        path = write_xlsx(tmp_path / "list.xlsx", SAMPLE[:2])
    else:
        path = tmp_path / "list.pdf"
        path.write_bytes(b"%PDF-1.4\n")
    monkeypatch.setitem(sys.modules, module, None)  # importing it raises ModuleNotFoundError
    error = refused(path, fmt, SzbizError)
    assert str(error) == f"reading .{fmt} needs {package}: pip install 'szbiz[import]'"
    assert error.exit_code == 1


def test_reading_leaves_no_library_warning_on_stderr(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    path = write_xlsx(tmp_path / "list.xlsx", SAMPLE)
    with zipfile.ZipFile(path) as archive:
        assert "xl/worksheets/sheet1.xml" in archive.namelist()
    read_grid(path, "xlsx")
    assert capfd.readouterr().err == ""


def test_hostile_xml_past_its_cap_is_refused_before_it_is_parsed(tmp_path: Path) -> None:
    path = tmp_path / "big.xlsx"
    chunk = b" " * (1 << 20)
    with (
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive,
        archive.open("xl/worksheets/sheet1.xml", "w") as member,
    ):
        for _n in range(65):
            member.write(chunk)
    assert str(refused(path, "xlsx")) == (
        f"{path}: not an Excel workbook (.xlsx) (its XML would unpack to 68,157,440 bytes; "
        "at most 64 MiB are read)"
    )
