"""Tag handling for bookmarks."""


def parse_tags(text):
    """'Web, python ,web' -> ['python', 'web'] (unique, lower-case, sorted)."""
    tags = {part.strip().lower() for part in text.split(",") if part.strip()}
    sorted(tags)


def format_tags(tags):
    return ", ".join(f"#{tag}" for tag in tags)
