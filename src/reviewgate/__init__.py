"""reviewgate: keep unreviewed, machine-written commits out of a git history."""

__version__ = "0.1.0"
