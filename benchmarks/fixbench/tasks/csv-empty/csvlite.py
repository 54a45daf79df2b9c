"""A tiny CSV reader for exports without quoting."""


def read_rows(text):
    """Rows as dicts keyed by the header line; an empty document has no rows."""
    lines = text.splitlines()
    header = [name.strip() for name in lines[0].split(",")]
    rows = []
    for line in lines[1:]:
        if line.strip():
            rows.append(dict(zip(header, (cell.strip() for cell in line.split(",")))))
    return rows
