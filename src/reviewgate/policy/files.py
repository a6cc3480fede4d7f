"""Find the policy file and read it into a Policy: built-in defaults when there is
none. The parsers (policy.load for YAML, policy.pyproject for TOML) are imported
only when a file is read, so the commit-msg hook does not pay for them in a
repository without a policy.

The repository's policy is .reviewgate.yaml, else the [tool.reviewgate] table of
pyproject.toml. Most projects have a pyproject.toml without that table: a quick
look at its text (mentions_policy_table) decides whether it is parsed at all."""

from __future__ import annotations

import os
import re

from reviewgate.errors import PolicyError
from reviewgate.policy.schema import (
    CONFIG_ENV_VAR,
    POLICY_FILE_NAME,
    PYPROJECT_FILE_NAME,
    Policy,
    default_policy,
)

# pathlib (with urllib.parse and ipaddress) is imported only when a policy file is
# found: the hooks of a repository without one never pay for it.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path

_TABLE_PATTERNS: tuple[re.Pattern[str], ...] | None = None


def load_policy(
    path: str | os.PathLike[str] | None, *, text: str | None = None, source: str | None = None
) -> Policy:
    """The policy in `path` (or in `text`), validated and completed with the defaults.
    A .toml file (by `path`'s name, else `source`'s) holds it in a [tool.reviewgate]
    table; a pyproject.toml without one is no policy (the defaults), any other .toml
    file without one an error.

    Raises PolicyError with a one-line "FILE:LINE: message" on any problem."""
    if text is None:
        if path is None:
            return default_policy()
        source = source or os.fspath(path)
        text = _read_policy_text(os.fspath(path), source)
    elif source is None:
        source = os.fspath(path) if path is not None else "<string>"
    name = os.fspath(path) if path is not None else source
    if name.endswith(".toml"):
        is_pyproject = name.replace(":", "/").rsplit("/", 1)[-1] == PYPROJECT_FILE_NAME
        if is_pyproject and not mentions_policy_table(text):
            return default_policy()
        from reviewgate.policy.pyproject import policy_from_toml

        policy = policy_from_toml(text, source, table_required=not is_pyproject)
        return policy if policy is not None else default_policy()
    # The parser imports yaml; the commit-msg hook reads no policy file in most
    # repositories, so it pays for yaml only when there is one.
    from reviewgate.policy.load import policy_from_text

    return policy_from_text(text, source)


def mentions_policy_table(text: str) -> bool:
    """Whether TOML `text` may hold a [tool.reviewgate] table: true for every way
    TOML can write one (`[tool.reviewgate]`, `[tool.reviewgate.verify]`, dotted
    `tool.reviewgate.x = ...`, `reviewgate = {...}` under `[tool]`, quoted keys),
    and for few others; false for a pyproject.toml that merely names reviewgate
    (a dependency, `"reviewgate.cli"` in a list). It errs towards parsing: a `tool`
    inline table (`tool = {...}`, which may span lines) and any escape sequence
    (`"\\u0072eviewgate"`) are parsed, since a table missed here would silently
    leave the built-in defaults to judge."""
    if "reviewgate" not in text and "\\u" not in text and "\\U" not in text:
        return False
    global _TABLE_PATTERNS
    if _TABLE_PATTERNS is None:
        tool, ws = """(?:tool|"tool"|'tool')""", "[ \\t]*"
        _TABLE_PATTERNS = tuple(re.compile(pattern, re.MULTILINE) for pattern in (
            rf"^{ws}\[*{ws}{tool}{ws}[.=].*reviewgate",  # [tool.reviewgate...], tool.reviewgate.x =
            rf"^{ws}\[{ws}{tool}{ws}\]",  # [tool], then
            rf"""^{ws}(?:reviewgate|"reviewgate"|'reviewgate'){ws}[.=]""",  # reviewgate = {...}
            rf"^{ws}{tool}{ws}=|\\[uU]",  # tool = {... (over lines), or a key's escapes
        ))
    dotted, tool_table, key, unsure = _TABLE_PATTERNS
    return bool(dotted.search(text) or (tool_table.search(text) and key.search(text))
                or unsure.search(text))


def ignored_pyproject(repo_root: str | os.PathLike[str], explicit: str | None) -> str | None:
    """A note when pyproject.toml has a [tool.reviewgate] table that the policy
    found does not come from, since .reviewgate.yaml takes precedence."""
    if explicit or os.environ.get(CONFIG_ENV_VAR):
        return None
    if not os.path.isfile(os.path.join(repo_root, POLICY_FILE_NAME)):
        return None
    if not pyproject_has_table(repo_root):
        return None
    return (
        f"the [tool.reviewgate] table of {PYPROJECT_FILE_NAME} is ignored: "
        f"{POLICY_FILE_NAME} takes precedence; keep the policy in one of them"
    )


def pyproject_has_table(repo_root: str | os.PathLike[str]) -> bool:
    """Whether `<repo_root>/pyproject.toml` holds a [tool.reviewgate] table (one
    that is not valid TOML counts: it was meant as one)."""
    pyproject = os.path.join(repo_root, PYPROJECT_FILE_NAME)
    if not os.path.isfile(pyproject):
        return False
    try:
        text = _read_policy_text(pyproject, pyproject)
    except PolicyError:
        return False
    if not mentions_policy_table(text):
        return False
    from reviewgate.policy.pyproject import table_of

    return table_of(text) is not None


def _read_policy_text(path: str, source: str) -> str:
    try:
        with open(path, "rb") as file:
            data = file.read()
    except FileNotFoundError:
        raise PolicyError(f"{source}: no such policy file") from None
    except IsADirectoryError:
        raise PolicyError(f"{source}: is a directory, not a policy file") from None
    except OSError as exc:
        raise PolicyError(f"{source}: cannot read the policy file: {exc.strerror}") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise PolicyError(f"{source}:{line}: the policy file is not valid UTF-8") from None



def _as_path(path: str) -> Path:
    from pathlib import Path

    return Path(path)



def find_policy_file(repo_root: str | os.PathLike[str], explicit: str | None) -> Path | None:
    """The policy file to use: `--config FILE` (explicit), else $REVIEWGATE_CONFIG,
    else `<repo_root>/.reviewgate.yaml` when it exists, else `<repo_root>/pyproject.toml`
    when it may hold a [tool.reviewgate] table, else None (built-in defaults).

    A relative explicit path is taken from the current directory, as for any option."""
    given, origin = explicit, "--config"
    if not given:
        given, origin = os.environ.get(CONFIG_ENV_VAR) or None, CONFIG_ENV_VAR
    if given:
        if not os.path.isfile(given):
            problem = "is not a file" if os.path.exists(given) else "does not exist"
            if os.path.islink(given):
                problem = broken_link(given)
            raise PolicyError(f"policy file {given!r} (from {origin}) {problem}")
        return _as_path(given)
    # os.path, not pathlib, while no file is found: the commit-msg hook of a
    # repository without a policy then never pays for importing pathlib.
    default = os.path.join(repo_root, POLICY_FILE_NAME)
    if os.path.isfile(default):
        return _as_path(default)
    if os.path.exists(default):
        raise PolicyError(f"{default}: is not a file, so it cannot be the policy")
    if os.path.islink(default):
        # A dangling link is a policy someone meant to have: never fall back to defaults.
        raise PolicyError(f"{default}: {broken_link(default)}")
    # A misspelt extension would otherwise leave the repository silently on defaults.
    near_miss = os.path.join(repo_root, ".reviewgate.yml")
    if os.path.exists(near_miss):
        raise PolicyError(
            f"{near_miss}: reviewgate reads {POLICY_FILE_NAME}, not .reviewgate.yml; rename it"
        )
    pyproject = os.path.join(repo_root, PYPROJECT_FILE_NAME)
    if os.path.isfile(pyproject) and mentions_policy_table(_read_policy_text(pyproject, pyproject)):
        return _as_path(pyproject)
    return None



def broken_link(path: str) -> str:
    """Why the symbolic link `path` leads to no file, as the end of a sentence."""
    try:
        os.stat(path)
    except FileNotFoundError:
        try:
            target = repr(os.readlink(path))
        except OSError:  # removed meanwhile
            target = "its target"
        return f"is a symbolic link that points to a missing file ({target})"
    except OSError as exc:  # a loop, or a directory on the way that cannot be searched
        return f"is a symbolic link that cannot be followed ({exc.strerror})"
    return "is a symbolic link to something that is not a file"

