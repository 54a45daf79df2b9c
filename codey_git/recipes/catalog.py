"""Where recipes live: shipped ones in the top-level `recipes/` folder (package data in a wheel,
`codey_git/data/recipes`), the repository's own in `.codey/recipes/`. A recipe is named by file
stem (a repo recipe shadows a shipped one) or by path."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from codey_git.errors import UsageError
from codey_git.recipes.schema import Recipe, validate_recipe
from codey_git.yamlfile import load_yaml_mapping

# the top-level recipes/ folder, through the link codey_git/data/recipes (a real folder in a wheel)
SHIPPED_DIR = Path(__file__).resolve().parents[1] / "data" / "recipes"
REPO_SUBDIR = Path(".codey") / "recipes"


@dataclass
class RecipeEntry:
    name: str  # file stem, what `git codey run NAME` takes
    path: Path
    origin: str  # "repo" | "shipped"


def recipe_dirs(repo_root: Path | None) -> list[tuple[str, Path]]:
    dirs = [("repo", repo_root / REPO_SUBDIR)] if repo_root is not None else []
    return dirs + [("shipped", SHIPPED_DIR)]


def list_recipes(repo_root: Path | None) -> list[RecipeEntry]:
    """Every recipe file, repo ones first; a repo recipe hides a shipped one of the same name."""
    seen: set[str] = set()
    entries = []
    for origin, folder in recipe_dirs(repo_root):
        if not folder.is_dir():
            continue
        for path in sorted(list(folder.glob("*.yml")) + list(folder.glob("*.yaml"))):
            if path.stem not in seen:
                seen.add(path.stem)
                entries.append(RecipeEntry(path.stem, path, origin))
    return entries


def resolve_recipe(ref: str, repo_root: Path | None, cwd: Path | None = None) -> Path:
    """A path (absolute, or relative to cwd) if one exists, else a recipe name."""
    candidate = Path(ref).expanduser()
    if not candidate.is_absolute():
        candidate = (cwd or Path.cwd()) / candidate
    if candidate.is_file():
        return candidate
    for entry in list_recipes(repo_root):
        if entry.name == ref or entry.name == Path(ref).stem and ref.endswith((".yml", ".yaml")):
            return entry.path
    names = ", ".join(e.name for e in list_recipes(repo_root)) or "none"
    raise UsageError(
        f"no recipe named {ref!r} (known: {names})", "Give a path to a recipe file, or see `git codey recipes list`."
    )


def _repo_root(start: Path) -> Path | None:
    try:
        import pygit2

        found = pygit2.discover_repository(str(start))
        workdir = pygit2.Repository(found).workdir if found else None
    except Exception:  # noqa: BLE001 - no repository: the files are checked as text only
        return None
    return Path(workdir) if workdir else None


def load_recipe(path: Path, repo_root: Path | None = None) -> Recipe:
    """Read and validate a recipe; its ``files:`` are checked against ``repo_root`` (default: the
    repository of the current directory, where `git codey run` works)."""
    data, lines = load_yaml_mapping(path, "a recipe (a mapping with at least `name` and `tasks`)")
    root = repo_root if repo_root is not None else _repo_root(Path.cwd())
    return validate_recipe(data, lines, str(path), root)
