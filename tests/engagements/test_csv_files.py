"""Reading an uploaded Excel workbook: a damaged or odd one is refused with one plain message
(never an error page), and a sheet that claims thousands of columns is read at a bounded width."""

import io
import zipfile

import openpyxl
import pytest
from django.core.exceptions import ValidationError

from engagements.csv_files import XLSX_MAX_COLUMNS, spreadsheet_table

REFUSAL = "could not be read as an Excel workbook"


def _workbook(rows) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _rewrite(data: bytes, name: str, change) -> bytes:
    """The workbook with one of its parts changed by `change(bytes) -> bytes`."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            part = source.read(item.filename)
            target.writestr(item, change(part) if item.filename == name else part)
    return out.getvalue()


def _refused(data: bytes) -> str:
    with pytest.raises(ValidationError) as refused:
        spreadsheet_table(data, max_rows=100)
    return " ".join(refused.value.messages)


def test_a_zip_that_is_not_a_workbook_is_refused_plainly():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("notes.txt", "not a spreadsheet")
    assert REFUSAL in _refused(out.getvalue())


def test_a_workbook_whose_sheet_xml_is_broken_is_refused_plainly():
    good = _workbook([["indicator", "year", "value"], ["Graduation rate", 2025, 86]])
    broken = _rewrite(good, "xl/worksheets/sheet1.xml", lambda part: part[: len(part) // 2])
    assert REFUSAL in _refused(broken)


def test_a_workbook_with_a_chart_sheet_only_is_refused_plainly():
    book = openpyxl.Workbook()
    book.create_chartsheet()
    book.remove(book.active)
    out = io.BytesIO()
    book.save(out)
    assert REFUSAL in _refused(out.getvalue())


def test_a_sheet_claiming_16384_columns_is_read_at_a_bounded_width():
    good = _workbook([["indicator", "year", "value"], ["Graduation rate", 2025, 86]])
    huge = _rewrite(
        good,
        "xl/worksheets/sheet1.xml",
        lambda part: part.replace(b'<dimension ref="A1:C2" />', b'<dimension ref="A1:XFD5000" />'),
    )
    assert huge != good
    table = spreadsheet_table(huge, max_rows=100)
    assert table[:2] == [["indicator", "year", "value"], ["Graduation rate", "2025", "86"]]
    assert all(len(row) <= XLSX_MAX_COLUMNS for row in table)


def test_a_wide_row_keeps_its_first_columns_only():
    wide = _workbook([[f"c{i}" for i in range(XLSX_MAX_COLUMNS + 20)]])
    assert spreadsheet_table(wide, max_rows=100) == [[f"c{i}" for i in range(XLSX_MAX_COLUMNS)]]
