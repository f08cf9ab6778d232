"""CSV downloads that are safe to open in a spreadsheet.

A cell starting with = + - @ (or a tab or carriage return, which some spreadsheets skip before
reading a formula) would run as a formula when the file is opened: a place named
`=HYPERLINK(...)` becomes a live link in the chair's spreadsheet. Every CSV the app serves goes
through here, so the rule lives in one place.
"""

import csv
from collections.abc import Iterable

from django.http import HttpResponse

FORMULA_STARTS = frozenset({"=", "+", "-", "@", "\t", "\r"})


def safe_cell(value) -> str:
    """The value as text, with a leading apostrophe when a spreadsheet would read it as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in FORMULA_STARTS else text


class SafeWriter:
    """csv.writer that escapes every cell it writes."""

    def __init__(self, stream):
        self._writer = csv.writer(stream)

    def writerow(self, row: Iterable) -> None:
        self._writer.writerow([safe_cell(value) for value in row])

    def writerows(self, rows: Iterable[Iterable]) -> None:
        for row in rows:
            self.writerow(row)


def csv_response(filename: str, header: Iterable, rows: Iterable[Iterable]) -> HttpResponse:
    """An attachment download of the header and rows, every cell escaped."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = SafeWriter(response)
    writer.writerow(header)
    writer.writerows(rows)
    return response
