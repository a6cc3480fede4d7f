"""The policy's schema: its dataclasses and built-in defaults.

Policy.origins maps a dotted key ("assistance.require") to where its value came
from: "<built-in default>" or "FILE:LINE". Reading a file is policy.files (find,
read) and policy.load (parse, validate); rendering is policy.render.

The commit-msg hook imports this module: it imports no yaml.
"""

from __future__ import annotations

from reviewgate.model.record import field, fields, record
from reviewgate.model.rulebook import KNOWN_RULE_NAMES

# `typing` costs the commit-msg hook measurable start-up time; type checkers
# treat any name TYPE_CHECKING as true.
TYPE_CHECKING = False
if TYPE_CHECKING:
    pass

# gitignore-style globs (see reviewgate.pairs.paths). Rust's inline `#[cfg(test)]` modules
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
# Without .reviewgate.yaml, the [tool.reviewgate] table of pyproject.toml (policy.pyproject).
PYPROJECT_FILE_NAME = "pyproject.toml"
CONFIG_ENV_VAR = "REVIEWGATE_CONFIG"
DEFAULT_ORIGIN = "<built-in default>"

# The allowed values of every enumerated key, in the order the docs list them.
REQUIRE_VALUES: tuple[str, ...] = ("declared", "every-commit", "forbidden", "off")
FORMAT_VALUES: tuple[str, ...] = ("any", "kernel", "kernel-llm")
CO_AUTHOR_VALUES: tuple[str, ...] = ("any", "people")
AUTHOR_VALUES: tuple[str, ...] = ("any", "human")
HARNESS_VALUES: tuple[str, ...] = ("any", "free-software")
PAIRING_VALUES: tuple[str, ...] = ("same-commit", "previous-commit", "either")
REQUIRED_FOR_VALUES: tuple[str, ...] = ("assisted", "all", "none")
TESTS_REQUIRED_FOR_VALUES: tuple[str, ...] = ("fixes", "assisted", "code")
AUTO_COMMAND = "auto"  # verify.command: pick the project's test command (verify/auto.py)
SIGNATURE_VALUES: tuple[str, ...] = ("none", "ssh", "gpg", "any")
COMMIT_KIND_VALUES: tuple[str, ...] = ("skip", "check")
SEVERITY_VALUES: tuple[str, ...] = ("error", "warning", "off")
SANDBOX_VALUES: tuple[str, ...] = ("auto", "bwrap", "none")
CACHE_TRUST_VALUES: tuple[str, ...] = ("auto", "signed", "any")

# Every rule's code, so that a policy naming a rule is validated without importing
# the rule modules (reviewgate.model.rulebook keeps the table).
KNOWN_RULE_CODES: tuple[str, ...] = tuple(KNOWN_RULE_NAMES)


@record
class ToolIdentity:
    """An extra tool identity from `assistance.tools`: a name plus an exact email
    or a regular expression matched against "Name <email>"."""

    name: str
    email: str | None = None
    pattern: str | None = None


@record
class PathsPolicy:
    tests: tuple[str, ...] = DEFAULT_TEST_GLOBS
    ignore: tuple[str, ...] = DEFAULT_IGNORE_GLOBS


@record
class AssistancePolicy:
    require: str = "declared"  # declared | every-commit | forbidden | off
    trailers: tuple[str, ...] = ("Assisted-by", "Generated-by", "Co-authored-by")
    format: str = "any"  # any | kernel | kernel-llm
    tools: tuple[ToolIdentity, ...] = ()
    co_authors: str = "any"  # any | people: Co-authored-by names people only (RG106)
    author: str = "any"  # any | human: a tool may not author a commit (RG107)
    allow: tuple[str, ...] = ()  # registry names; empty: every tool (RG108)
    deny: tuple[str, ...] = ()  # registry names (RG108)
    harness: str = "any"  # any | free-software (RG108)


@record
class FixesPolicy:
    # `fix: x`, `fix(scope)!: x`, `Fix x`, `Fixes x`, `hotfix x`, and `area: fix x`.
    subject: str = r"^(bug|hot)?fix(e[sd])?\b|^[\w./-]+(\([^)]*\))?!?: *(bug|hot)?fix(e[sd])?\b"
    trailers: tuple[str, ...] = ("Fixes", "Closes", "Resolves")
    pairing: str = "either"  # same-commit | previous-commit | either


@record
class RequiredTestsPolicy:
    """Which commits must bring a test (RG201) and have it verified: `fixes`, or also
    `assisted` commits that change source files, or every commit that does (`code`)."""

    required_for: str = "fixes"  # fixes | assisted | code


@record
class PerfPolicy:
    """Which commits claim a speed-up (RG401), and the trailers that carry evidence."""

    # Searched in the subject without regard to case: the `perf` type, or a claim
    # of a measured gain: a word of gain and a figure with its unit ("2x faster",
    # "cut startup from 300 ms to 40 ms", "speed up parsing by 30%"). A word alone
    # ("a faster path") claims nothing; docs:, test: and chore: subjects never do.
    subject: str = (
        r"^perf(\(.+\))?!?:"
        r"|^(?=.*\b(faster|quicker|speed(s|ed)?[ -]?ups?|reduc(e|es|ed|ing)|cuts?|less|fewer"
        r"|improv(e|es|ed|ing)|lower(s|ed)?|sav(e|es|ed|ing)|shav(e|es|ed|ing))\b)"
        r"(?=.*(?<![\w.])\d+([.,]\d+)?\s?(%|x|×|ms|µs|μs|us|ns|s)(?!\w))"
    )
    trailers: tuple[str, ...] = ("Benchmark",)


@record
class VerifyPolicy:
    # An argv, or "auto": the project's own test command (verify/auto.py).
    command: tuple[str, ...] | str = AUTO_COMMAND
    timeout: int = 600
    # How many more times a state runs when red passes or green fails: results that
    # disagree are flaky, never proven, and not cached.
    reruns: int = 1
    # Exit statuses that mean "the command could not run" (RG205), not "a test
    # failed": pytest's 2 interrupted/collection error, 3 internal, 4 usage, 5 none.
    error_exit_codes: tuple[int, ...] = (2, 3, 4, 5)
    # Regular expressions (multi-line: ^ is any line's start) that, found in a failing
    # run's output, mean it could not run: for runners that exit 1 for a load error
    # as for a failing test (node --test, go test, cargo test).
    error_output: tuple[str, ...] = ()
    # Where the command runs (verify/sandbox.py): bubblewrap when it works (auto),
    # always (bwrap), or as the user, with their files and network (none).
    sandbox: str = "auto"
    network: bool = False  # inside the sandbox
    expose: tuple[str, ...] = ()  # host paths shown read-only inside the sandbox
    # Which cached results count (verify/provenance.py): auto = only signed ones in CI.
    cache_trust: str = "auto"


@record
class SignoffPolicy:
    required_for: str = "assisted"  # assisted | all | none
    trailers: tuple[str, ...] = ("Reviewed-by", "Acked-by")
    reviewers: tuple[str, ...] = ()
    not_author: bool = True
    signature: str = "none"  # none | ssh | gpg | any
    allowed_signers: str = ".reviewgate/allowed_signers"


@record
class CommitsPolicy:
    """Which kinds of commit the rules look at."""

    merges: str = "skip"  # skip | check
    fixups: str = "skip"  # skip | check   (fixup!/squash!/amend! commits)


@record
class Policy:
    version: int = 1
    paths: PathsPolicy = field(default_factory=PathsPolicy)
    assistance: AssistancePolicy = field(default_factory=AssistancePolicy)
    fixes: FixesPolicy = field(default_factory=FixesPolicy)
    tests: RequiredTestsPolicy = field(default_factory=RequiredTestsPolicy)
    perf: PerfPolicy = field(default_factory=PerfPolicy)
    verify: VerifyPolicy = field(default_factory=VerifyPolicy)
    signoff: SignoffPolicy = field(default_factory=SignoffPolicy)
    commits: CommitsPolicy = field(default_factory=CommitsPolicy)
    rules: dict[str, str] = field(default_factory=dict)  # code -> error|warning|off
    extends: str = ""  # the preset this policy builds on (policy.presets)
    source: str = "<built-in>"
    origins: dict[str, str] = field(default_factory=dict)


# The sections of a policy, in file order; each is a dataclass field of Policy.
SECTIONS: tuple[str, ...] = (
    "paths",
    "assistance",
    "fixes",
    "tests",
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


