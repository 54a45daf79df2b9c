from billing.invoice import render


def test_render():
    lines = [
        {"name": "tea", "unit_cents": 450, "quantity": 2},
        {"name": "scone", "unit_cents": 305, "quantity": 1},
    ]
    assert render(lines).splitlines() == [
        "tea            $9.00",
        "scone          $3.05",
        "TOTAL         $12.05",
    ]


def test_render_round_amount():
    assert render([{"name": "pie", "unit_cents": 1200, "quantity": 1}]).splitlines()[0] == "pie           $12.00"
