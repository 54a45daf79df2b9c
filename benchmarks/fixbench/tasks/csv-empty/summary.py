"""Column totals for numeric CSV exports."""

from csvlite import read_rows


def column_totals(text):
    totals = {}
    for row in read_rows(text):
        for name, cell in row.items():
            totals[name] = totals.get(name, 0) + float(cell)
    return totals
