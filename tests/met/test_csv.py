"""met/csv.py: every cell a spreadsheet would read as a formula is escaped, everything else is kept."""

import csv
import io

import pytest

from met.csv import SafeWriter, csv_response, safe_cell


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+44 1234", "'+44 1234"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Sample Park", "Sample Park"),
        ("a=b", "a=b"),
        ("", ""),
        (None, ""),
        (7, "7"),
        (0, "0"),
        ("<5", "<5"),
    ],
)
def test_it_escapes_only_cells_that_start_like_a_formula(value, expected):
    assert safe_cell(value) == expected


def test_it_writes_every_cell_of_every_row_escaped():
    stream = io.StringIO()
    writer = SafeWriter(stream)
    writer.writerow(["Place", "Links"])
    writer.writerows([["=cmd|' /C calc'!A0", 3], ["Park, north", None]])
    assert list(csv.reader(io.StringIO(stream.getvalue()))) == [
        ["Place", "Links"],
        ["'=cmd|' /C calc'!A0", "3"],
        ["Park, north", ""],
    ]


def test_it_answers_a_download_with_the_header_and_rows():
    response = csv_response("plan.csv", ["=Header"], [["+row"]])
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="plan.csv"'
    assert response.content.decode().splitlines() == ["'=Header", "'+row"]
