"""codey-git: a git-native, commit-by-commit coding agent that runs on local hardware."""

__version__ = "0.2.0"
