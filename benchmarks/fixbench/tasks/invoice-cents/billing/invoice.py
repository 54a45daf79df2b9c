"""Plain-text invoices."""

from billing.money import format_cents


def line_total(line):
    return line["unit_cents"] * line["quantity"]


def render(lines):
    out = []
    for line in lines:
        out.append(f"{line['name']:<10}{format_cents(line_total(line)):>10}")
    total = sum(line_total(line) for line in lines)
    out.append(f"{'TOTAL':<10}{format_cents(total):>10}")
    return "\n".join(out)
