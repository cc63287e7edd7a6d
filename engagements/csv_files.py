"""Reading an uploaded spreadsheet saved as CSV: its text, and a problem found in one of its rows.

Shared by every CSV import (the roster, measure readings): the same encodings are tried and a
problem reads the same way everywhere ("Row 4 (Ana Ruiz): ...")."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError


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
