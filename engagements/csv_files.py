"""Reading an uploaded spreadsheet (CSV, or an Excel workbook): its text, its rows, and a problem
found in one of its rows; and writing a cell of a downloaded one safely (`spreadsheet_safe`).

Shared by every import (the roster, measure readings, indicators): the same encodings are tried
and a problem reads the same way everywhere ("Row 4 (Ana Ruiz): ...")."""

import csv
import io
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from xml.etree.ElementTree import ParseError

import openpyxl
from django import forms
from django.core.exceptions import ValidationError

from .text import CleanTextMixin

SPREADSHEET_MAX_BYTES = 1024 * 1024


SPREADSHEET_ACCEPT = (
    ".csv,text/csv,.xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
)


class SpreadsheetUploadForm(CleanTextMixin, forms.Form):
    """A CSV file or an Excel workbook to import, at most 1 MB (indicators, measure readings):
    the field, its limits and their messages. Subclasses set the field's help text (the
    columns)."""

    columns_help = ""
    file = forms.FileField(
        label="CSV or Excel file",
        error_messages={"required": "Choose a CSV or Excel file.", "empty": "The file is empty."},
        widget=forms.FileInput(attrs={"accept": SPREADSHEET_ACCEPT}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = self.columns_help

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".xlsx")):
            raise forms.ValidationError(
                "Only CSV files and Excel workbooks (.xlsx) can be imported. In your "
                "spreadsheet, choose Save as → CSV or Excel workbook."
            )
        if upload.size > SPREADSHEET_MAX_BYTES:
            raise forms.ValidationError(
                "The file is larger than 1 MB. Split it into smaller files."
            )
        return upload


@dataclass
class CsvProblem:
    line: int
    what: str
    reason: str

    def __str__(self) -> str:
        return f"Row {self.line}{f' ({self.what})' if self.what else ''}: {self.reason}"


def decode(data: bytes) -> str:
    """The file's text: UTF-8 (with or without Excel's BOM), else Windows' Latin-1."""
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValidationError("The file is not text. Save the spreadsheet as CSV and try again.")


def csv_table(data: bytes) -> list[list[str]]:
    try:
        return list(csv.reader(io.StringIO(decode(data))))
    except csv.Error as exc:
        raise ValidationError(
            f"The file could not be read as CSV ({exc}). Save it again as CSV and retry."
        ) from exc


def cell_text(value) -> str:
    """A spreadsheet cell as the text a CSV would hold: dates as 2027-03-15, numbers as typed."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return format(Decimal(repr(value)).normalize(), "f")
    return str(value)


XLSX_MAX_COLUMNS = 50

# What a damaged or odd workbook raises while it is opened or read: not a zip, a part missing,
# broken XML, no worksheet at all (a chart sheet only), a cell openpyxl cannot make sense of.
XLSX_READ_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    ParseError,
    IndexError,
    KeyError,
    TypeError,
    ValueError,
    AttributeError,
    OSError,
    EOFError,
)


def xlsx_table(data: bytes, *, max_rows: int) -> list[list[str]]:
    """The first sheet of an Excel workbook (.xlsx), read as values (not formulas); at most a
    few rows more than `max_rows`, so the caller can say the file is too long, and at most
    XLSX_MAX_COLUMNS columns (a sheet may claim 16,384 of them). A workbook that cannot be read
    is refused with one plain message, never an error page."""
    book = None
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = book.worksheets[0]
        table = []
        for row in sheet.iter_rows(max_col=XLSX_MAX_COLUMNS, values_only=True):
            if len(table) > max_rows + 1:
                break
            cells = [cell_text(value) for value in row]
            while cells and not cells[-1]:
                cells.pop()
            table.append(cells)
        return table
    except XLSX_READ_ERRORS as exc:
        raise ValidationError(
            "The file could not be read as an Excel workbook (.xlsx). Save it again as .xlsx "
            "or as CSV and retry."
        ) from exc
    finally:
        if book is not None:
            book.close()


def spreadsheet_table(data: bytes, *, max_rows: int) -> list[list[str]]:
    """An uploaded file as rows of text: an Excel workbook (.xlsx, known by its content: a zip
    file) or CSV."""
    if data[:4] == b"PK\x03\x04":
        return xlsx_table(data, max_rows=max_rows)
    return csv_table(data)


def spreadsheet_safe(value) -> str:
    """A cell a spreadsheet will not run as a formula: text starting with = + - @, also after
    spaces, tabs or line breaks (which some programs skip first), or with a tab or carriage
    return, gets a leading apostrophe. Every CSV download writes its cells through it."""
    text = str(value)
    risky = text[:1] in ("\t", "\r") or text.lstrip()[:1] in ("=", "+", "-", "@")
    return "'" + text if risky else text
