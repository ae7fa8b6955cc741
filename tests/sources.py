"""Source documents for the importer's tests, built by the tests themselves in each format.

``SAMPLE`` is a small national list (not Shenzhen's): a header, three areas as heading
rows with their counts, twelve tasks numbered 1 to 13 without an 8, deadlines in the
forms lists use (2021年底, 6月底前, 第三季度, 持续推进, none), and national agencies.
A table here is a list of rows, each a list of str; a heading row is a one-element
list, written as a row merged across the table (Word, Excel) or as a row of its own
first cell (CSV).
"""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

import pytest

TITLE = "国务院关于推广第三批支持创新相关改革举措的通知"
HEADER = ["序号", "改革举措", "主要内容", "指导部门", "推广范围", "完成时限"]

SAMPLE: list[list[str]] = [
    HEADER,
    ["一、科技金融创新方面（共4项）"],
    [
        "1",
        "知识产权质押融资风险补偿",
        "建立政府、银行、保险、担保共担风险的知识产权质押融资补偿机制。",
        "国家知识产权局、银保监会",
        "全国",
        "2021年底",
    ],
    [
        "2",
        "科技型企业信用贷款",
        "依托企业研发投入、专利等数据为科技型中小企业提供信用贷款。",
        "人民银行、科技部",
        "全国",
        "6月底前",
    ],
    [
        "3",
        "创业投资企业股权转让退出",
        "试点创业投资企业以股权转让方式退出，简化有关手续。",
        "证监会",
        "自由贸易试验区",
        "持续推进",
    ],
    [
        "4",
        "专利保险",
        "推广专利执行保险、侵权责任保险，分担企业维权成本。",
        "国家知识产权局",
        "全国",
        "",
    ],
    ["二、知识产权保护方面（共4项）"],
    [
        "5",
        "知识产权纠纷快速处理",
        "建立专利侵权纠纷行政裁决快速处理机制。",
        "国家知识产权局",
        "全国",
        "第三季度",
    ],
    [
        "6",
        "技术调查官制度",
        "在知识产权审判中引入技术调查官参与诉讼活动。",
        "最高人民法院",
        "全面创新改革试验区域",
        "2021年底",
    ],
    [
        "7",
        "海外知识产权纠纷应对指导",
        "为企业提供海外知识产权纠纷应对指导和预警服务。",
        "商务部、国家知识产权局",
        "全国",
        "年底前",
    ],
    [
        "9",
        "知识产权信用监管",
        "将故意侵犯知识产权行为纳入企业和个人信用记录。",
        "国家发展改革委、市场监管总局",
        "全国",
        "持续推进",
    ],
    ["三、人才流动方面（共4项）"],
    [
        "10",
        "外籍人才工作许可便利化",
        "为外籍高层次人才办理工作许可开辟绿色通道。",
        "科技部会同有关部门负责",
        "全国",
        "上半年",
    ],
    [
        "11",
        "职称评审权限下放",
        "向符合条件的高新技术企业下放职称评审权限。",
        "人力资源社会保障部",
        "全面创新改革试验区域",
        "9月底前",
    ],
    [
        "12",
        "科研人员兼职创业",
        "允许科研人员按规定在岗兼职、离岗创业。",
        "人力资源社会保障部、教育部",
        "全国",
        "长期坚持",
    ],
    [
        "13",
        "海关通关便利",
        "为研发用物品进口提供通关便利。",
        "海关总署",
        "自由贸易试验区",
        "2021年12月31日",
    ],
]


def width(rows: Sequence[Sequence[str]]) -> int:
    """The table's number of columns: its widest row's."""
    return max((len(row) for row in rows), default=1)


def write_csv(path: Path, rows: Sequence[Sequence[str]], encoding: str = "utf-8-sig") -> Path:
    """``rows`` as CSV, as Excel saves it (a heading row fills its first cell only)."""
    columns = width(rows)
    with path.open("w", encoding=encoding, newline="") as out:
        writer = csv.writer(out)
        for row in rows:
            writer.writerow([*row, *[""] * (columns - len(row))])
    return path


def write_xlsx(path: Path, rows: Sequence[Sequence[str]], merged_headings: bool = True) -> Path:
    """``rows`` as a workbook, its one sheet named 清单; a 序号 that is a number is written as
    a number, as Excel keeps it; a heading row is merged across the table."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "清单"
    columns = width(rows)
    for number, row in enumerate(rows, start=1):
        sheet.append([int(cell) if cell.isdigit() else cell for cell in row])
        if merged_headings and len(row) == 1 and columns > 1:
            sheet.merge_cells(start_row=number, start_column=1, end_row=number, end_column=columns)
    book.save(path)
    return path


def write_docx(path: Path, title: str, rows: Sequence[Sequence[str]]) -> Path:
    """A Word document: the title as a paragraph, then ``rows`` as a table with its borders
    drawn (as lists are printed), a heading row as one cell merged across the table."""
    import docx
    from docx.enum.section import WD_ORIENT

    document = docx.Document()
    section = document.sections[0]
    # Landscape, as wide tables are printed.
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width
    document.add_paragraph(title)
    columns = width(rows)
    table = document.add_table(rows=len(rows), cols=columns)
    table.style = "Table Grid"
    for r, row in enumerate(rows):
        if len(row) == 1 and columns > 1:
            table.cell(r, 0).merge(table.cell(r, columns - 1)).text = row[0]
            continue
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    document.save(str(path))
    return path


def soffice() -> str:
    """LibreOffice's command; the test is skipped without it, but fails in CI."""
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        what = "LibreOffice (soffice) is missing: apt-get install libreoffice-writer-nogui"
        if os.environ.get("CI"):
            pytest.fail(f"{what}; CI must have it (see .ci/run)")
        pytest.skip(what)
    return found


def docx_to_pdf(document: Path, outdir: Path) -> Path:
    """``document`` printed to PDF by LibreOffice Writer, with a profile of its own."""
    profile = outdir / "lo-profile"
    subprocess.run(
        [
            soffice(),
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(outdir),
            str(document),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    out = outdir / f"{document.stem}.pdf"
    if not out.is_file():  # soffice says so on stdout, and exits 0, without Writer
        what = "LibreOffice Writer is missing: apt-get install libreoffice-writer-nogui"
        if os.environ.get("CI"):
            pytest.fail(f"{what}; CI must have it (see .ci/run)")
        pytest.skip(what)
    return out


def blank_pdf(path: Path) -> Path:
    """A PDF of one empty page, as a scanner without OCR leaves one: no text layer."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << >> >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    path.write_bytes(bytes(out))
    return path
