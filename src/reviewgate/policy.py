"""The policy: dataclasses, built-in defaults, loading and validation.

INTERFACE (stable; other modules rely on it):
    load_policy(path: str | os.PathLike | None, *, text: str | None = None,
                source: str | None = None) -> Policy
        path None and text None  -> built-in defaults (Policy.source == "<built-in>")
        text given                -> parse that text, `source` names it in errors
    Policy.origins maps a dotted key ("assistance.require") to where its value came
    from: "<built-in default>" or "FILE:LINE".
    find_policy_file(repo_root, explicit) -> Path | None
    policy_to_dict(policy) -> dict; effective_origins(policy) -> dict; render_policy(policy) -> str

This module is imported by the commit-msg hook, so it imports no yaml at top level:
the parser and validator live in policy_loader, imported only when a file is read.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, is_dataclass

from reviewgate.errors import PolicyError

# `typing` costs the commit-msg hook measurable start-up time; type checkers
# treat any name TYPE_CHECKING as true.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any

# gitignore-style globs (see reviewgate.paths). Rust's inline `#[cfg(test)]` modules
# live inside source files, so no path can tell them apart: only `tests/` counts.
DEFAULT_TEST_GLOBS: tuple[str, ...] = (
    # test directories: Python, Rust (integration tests), JavaScript, Java (src/test)
    "**/tests/**",
    "**/test/**",
    # Python
    "**/test_*.py",
    "**/*_test.py",
    "**/conftest.py",
    # Go
    "**/*_test.go",
    "**/testdata/**",
    # JavaScript / TypeScript: .js .ts .jsx .tsx .mjs .cjs .mts .cts
    "**/__tests__/**",
    "**/*.test.[jt]s",
    "**/*.test.[jt]sx",
    "**/*.test.[cm][jt]s",
    "**/*.spec.[jt]s",
    "**/*.spec.[jt]sx",
    "**/*.spec.[cm][jt]s",
    # Java
    "**/src/test/**",
    "**/*Test.java",
    "**/*Tests.java",
)
DEFAULT_IGNORE_GLOBS: tuple[str, ...] = (
    "docs/**",
    "**/*.md",
    "**/*.rst",
    "**/*.adoc",
    "**/*.txt",
)

POLICY_FILE_NAME = ".reviewgate.yaml"
CONFIG_ENV_VAR = "REVIEWGATE_CONFIG"
DEFAULT_ORIGIN = "<built-in default>"

# The allowed values of every enumerated key, in the order the docs list them.
REQUIRE_VALUES: tuple[str, ...] = ("declared", "every-commit", "forbidden", "off")
FORMAT_VALUES: tuple[str, ...] = ("any", "kernel")
PAIRING_VALUES: tuple[str, ...] = ("same-commit", "previous-commit", "either")
REQUIRED_FOR_VALUES: tuple[str, ...] = ("assisted", "all", "none")
SIGNATURE_VALUES: tuple[str, ...] = ("none", "ssh", "gpg", "any")
COMMIT_KIND_VALUES: tuple[str, ...] = ("skip", "check")
SEVERITY_VALUES: tuple[str, ...] = ("error", "warning", "off")

# The documented rule codes. `rules:` also accepts any RGnnn code registered in
# reviewgate.findings.RULES; this table exists so that a policy naming a rule can be
# validated without importing every rule module.
KNOWN_RULE_CODES: tuple[str, ...] = (
    "RG101",
    "RG102",
    "RG103",
    "RG104",
    "RG105",
    "RG201",
    "RG202",
    "RG203",
    "RG204",
    "RG205",
    "RG301",
    "RG302",
    "RG303",
    "RG304",
    "RG401",
)


@dataclass(frozen=True)
class ToolIdentity:
    """An extra tool identity from `assistance.tools`: a name plus an exact email
    or a regular expression matched against "Name <email>"."""

    name: str
    email: str | None = None
    pattern: str | None = None


@dataclass(frozen=True)
class PathsPolicy:
    tests: tuple[str, ...] = DEFAULT_TEST_GLOBS
    ignore: tuple[str, ...] = DEFAULT_IGNORE_GLOBS


@dataclass(frozen=True)
class AssistancePolicy:
    require: str = "declared"  # declared | every-commit | forbidden | off
    trailers: tuple[str, ...] = ("Assisted-by", "Generated-by", "Co-authored-by")
    format: str = "any"  # any | kernel
    tools: tuple[ToolIdentity, ...] = ()


@dataclass(frozen=True)
class FixesPolicy:
    subject: str = r"^(fix|bugfix|hotfix)(\(.+\))?!?:"
    trailers: tuple[str, ...] = ("Fixes", "Closes", "Resolves")
    pairing: str = "either"  # same-commit | previous-commit | either


@dataclass(frozen=True)
class PerfPolicy:
    """Which commits claim a speed-up (RG401), and the trailers that carry evidence."""

    # Searched in the subject without regard to case: the `perf` type, or a claim.
    subject: str = r"^perf(\(.+\))?!?:|\b(faster|speed(s|ed)?[ -]?ups?|quicker)\b"
    trailers: tuple[str, ...] = ("Benchmark",)


@dataclass(frozen=True)
class VerifyPolicy:
    command: tuple[str, ...] = ("pytest", "-q", "{tests}")
    timeout: int = 600
    # Exit statuses that mean "the command could not run" (RG205), not "a test
    # failed": pytest's 2 interrupted/collection error, 3 internal, 4 usage, 5 none.
    error_exit_codes: tuple[int, ...] = (2, 3, 4, 5)
    # Regular expressions (multi-line: ^ is any line's start) that, found in a failing
    # run's output, mean it could not run: for runners that exit 1 for a load error
    # as for a failing test (node --test, go test, cargo test).
    error_output: tuple[str, ...] = ()


@dataclass(frozen=True)
class SignoffPolicy:
    required_for: str = "assisted"  # assisted | all | none
    trailers: tuple[str, ...] = ("Reviewed-by", "Acked-by")
    reviewers: tuple[str, ...] = ()
    not_author: bool = True
    signature: str = "none"  # none | ssh | gpg | any
    allowed_signers: str = ".reviewgate/allowed_signers"


@dataclass(frozen=True)
class CommitsPolicy:
    """Which kinds of commit the rules look at."""

    merges: str = "skip"  # skip | check
    fixups: str = "skip"  # skip | check   (fixup!/squash!/amend! commits)


@dataclass(frozen=True)
class Policy:
    version: int = 1
    paths: PathsPolicy = field(default_factory=PathsPolicy)
    assistance: AssistancePolicy = field(default_factory=AssistancePolicy)
    fixes: FixesPolicy = field(default_factory=FixesPolicy)
    perf: PerfPolicy = field(default_factory=PerfPolicy)
    verify: VerifyPolicy = field(default_factory=VerifyPolicy)
    signoff: SignoffPolicy = field(default_factory=SignoffPolicy)
    commits: CommitsPolicy = field(default_factory=CommitsPolicy)
    rules: dict[str, str] = field(default_factory=dict)  # code -> error|warning|off
    source: str = "<built-in>"
    origins: dict[str, str] = field(default_factory=dict)


# The sections of a policy, in file order; each is a dataclass field of Policy.
SECTIONS: tuple[str, ...] = (
    "paths",
    "assistance",
    "fixes",
    "perf",
    "verify",
    "signoff",
    "commits",
)


def leaf_keys() -> tuple[str, ...]:
    """Every dotted key a policy can set, except the per-rule keys under `rules`."""
    keys = ["version"]
    for section in SECTIONS:
        cls = type(getattr(Policy(), section))
        keys.extend(f"{section}.{f.name}" for f in fields(cls))
    keys.append("rules")
    return tuple(keys)


def default_policy() -> Policy:
    return Policy(origins=dict.fromkeys(leaf_keys(), DEFAULT_ORIGIN))


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
    from reviewgate.policy_loader import policy_from_text

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


def policy_to_dict(policy: Policy) -> dict[str, Any]:
    """The policy's values as plain data (no source or origins), in the shape of a
    policy file: dumping it as YAML or JSON gives a file that loads to the same policy."""
    out: dict[str, Any] = {"version": policy.version}
    for section in SECTIONS:
        out[section] = _plain(getattr(policy, section))
    out["rules"] = dict(policy.rules)
    return out


def _plain(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        return {
            f.name: _plain(getattr(value, f.name))
            for f in fields(value)
            if getattr(value, f.name) is not None
        }
    if isinstance(value, (tuple, list)):
        return [_plain(item) for item in value]
    return value


def effective_origins(policy: Policy) -> dict[str, str]:
    """Where every key's value came from; keys the policy does not record are defaults."""
    out = {key: policy.origins.get(key, DEFAULT_ORIGIN) for key in leaf_keys()}
    for code in policy.rules:
        out[f"rules.{code}"] = policy.origins.get(f"rules.{code}", DEFAULT_ORIGIN)
    return out


def render_policy(policy: Policy) -> str:
    """The effective policy as YAML, each value followed by a comment naming its origin.
    The text loads back to the same policy."""
    from reviewgate.policy_render import render

    return render(policy_to_dict(policy), effective_origins(policy), policy.source)
