"""Find the policy file and read it into a Policy: built-in defaults when there is
none. The YAML parser (policy.load) is imported only when a file is read, so the
commit-msg hook does not pay for yaml in a repository without a policy."""

from __future__ import annotations

import os

from reviewgate.errors import PolicyError
from reviewgate.policy.schema import CONFIG_ENV_VAR, POLICY_FILE_NAME, Policy, default_policy

# pathlib (with urllib.parse and ipaddress) is imported only when a policy file is
# found: the hooks of a repository without one never pay for it.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path


def load_policy(
    path: str | os.PathLike[str] | None, *, text: str | None = None, source: str | None = None
) -> Policy:
    """The policy in `path` (or in `text`), validated and completed with the defaults.

    Raises PolicyError with a one-line "FILE:LINE: message" on any problem."""
    if text is None:
        if path is None:
            return default_policy()
        source = source or os.fspath(path)
        text = _read_policy_text(_as_path(os.fspath(path)), source)
    elif source is None:
        source = os.fspath(path) if path is not None else "<string>"
    # The parser imports yaml; the commit-msg hook reads no policy file in most
    # repositories, so it pays for yaml only when there is one.
    from reviewgate.policy.load import policy_from_text

    return policy_from_text(text, source)



def _read_policy_text(path: Path, source: str) -> str:
    try:
        data = path.read_bytes()
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
    else `<repo_root>/.reviewgate.yaml` when it exists, else None (built-in defaults).

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

