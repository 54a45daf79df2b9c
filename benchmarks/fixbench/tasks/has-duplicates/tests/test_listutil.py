from listutil import has_duplicates, unique


def test_duplicates_found():
    assert has_duplicates([1, 2, 1])


def test_no_duplicates():
    assert not has_duplicates([1, 2, 3])
    assert not has_duplicates([])


def test_unique():
    assert unique([3, 1, 3, 2, 1]) == [3, 1, 2]
