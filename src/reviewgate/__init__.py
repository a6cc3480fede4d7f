"""reviewgate: keep unreviewed, machine-written commits out of a git history."""

# The distribution's name on PyPI; `reviewgate` there is an unrelated project.
DISTRIBUTION = "git-reviewgate"


def __getattr__(name: str) -> str:
    # The version is the installed distribution's (setuptools-scm, from the git tag),
    # read only when asked for: importlib.metadata would cost every hook's start-up.
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version(DISTRIBUTION)
        except PackageNotFoundError:  # run from a source tree (PYTHONPATH=src)
            return "0+unknown"
    raise AttributeError(f"module 'reviewgate' has no attribute {name!r}")
