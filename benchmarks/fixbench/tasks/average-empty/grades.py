"""Grade book helpers."""

CUTOFFS = [(90, "A"), (80, "B"), (70, "C"), (60, "D")]


def average(scores):
    """Mean score; a student without scores averages 0.0."""
    return sum(scores) / len(scores)


def letter(score):
    for cutoff, grade in CUTOFFS:
        if score >= cutoff:
            return grade
    return "F"


def report(students):
    """{name: [scores]} -> {name: (average, letter)}"""
    rows = {}
    for name, scores in students.items():
        avg = average(scores)
        rows[name] = (round(avg, 1), letter(avg))
    return rows
