"""A model finding lands on the line its words talk about, never on a line the diff leaves alone."""

from codey_git.review.anchoring import anchored_line

NEW = """import pandas as pd


def clean(df):
    df = df.dropna()
    # dedupe in place to save a copy
    df = df.drop_duplicates(keep="last", inplace=True)
    df["kind"] = df["kind"].str.lower()
    return df
""".splitlines()
TOUCHED = {6, 7, 8}


def test_a_finding_on_the_comment_above_moves_to_the_code_it_quotes():
    message = "The `drop_duplicates` call with `inplace=True` returns None."
    assert anchored_line(6, message, None, NEW, TOUCHED) == 7


def test_a_finding_on_a_comment_without_quotes_moves_to_the_nearest_code_below():
    assert anchored_line(6, "This returns None.", None, NEW, TOUCHED) == 7


def test_the_suggested_line_points_at_the_line_it_corrects():
    fix = 'df = df.drop_duplicates(keep="last")'
    assert anchored_line(8, "This returns None and the next line fails.", fix, NEW, TOUCHED) == 7


def test_a_finding_that_already_names_its_line_stays():
    message = "`df[\"kind\"]` fails when kind is missing; use `drop_duplicates` first"
    assert anchored_line(8, message, None, NEW, TOUCHED) == 8
    assert anchored_line(7, "The `dropna` result is discarded.", None, NEW, TOUCHED) == 7  # 5 is untouched


def test_a_finding_never_moves_to_an_untouched_or_distant_line():
    assert anchored_line(8, "`import pandas` is unused", None, NEW, TOUCHED) == 8
    assert anchored_line(8, "`return df` is wrong", None, NEW, {8}) == 8


def test_naming_the_function_does_not_pull_a_finding_to_its_def_line():
    new = ["def schedule(job, now=datetime.now()):", "    return job.at(now)"]
    assert anchored_line(2, "The function `schedule` runs the job too early", None, new, {1, 2}) == 2
