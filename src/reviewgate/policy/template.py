"""The commented starter policy that `reviewgate init` writes.

Every value in it is the built-in default (a test loads it and compares), so writing
the file changes nothing until someone edits it.
"""

from __future__ import annotations

STARTER_POLICY = """\
# reviewgate policy, written by `reviewgate init`.
#
# Every value below is the built-in default: this file changes nothing until you
# edit it, and a key you delete falls back to its default. `reviewgate policy`
# prints the effective policy and where each value came from; `reviewgate explain
# RG101` explains a rule.
#
# Sections: `assistance` (disclosure, RG101-RG105), `paths` and `fixes` (test-plus-
# fix pairs, RG201 and RG204), `verify` (red/green proof, RG202-RG205), `signoff`
# (human sign-off, RG301-RG304), `perf` (RG401), `commits` and `rules`.

# The format of this file. Only version 1 exists.
version: 1

paths:
  # Glob patterns for test files, as in .gitignore: "**/" matches any directories,
  # a pattern without a slash matches at any depth, "!pattern" takes paths back
  # out, and the last matching pattern wins. A fix must change a test, in the fix
  # itself or in the commit just before it (RG201). A path matching both lists is
  # a test. Rust's inline #[cfg(test)] modules cannot be told apart by path.
  tests:
    # test directories: Python, Rust (integration tests), JavaScript, Java
    - "**/tests/**"
    - "**/test/**"
    # Python
    - "**/test_*.py"
    - "**/*_test.py"
    - "**/conftest.py"
    # Go
    - "**/*_test.go"
    - "**/testdata/**"
    # JavaScript / TypeScript: .js .ts .jsx .tsx .mjs .cjs .mts .cts
    - "**/__tests__/**"
    - "**/*.test.[jt]s"
    - "**/*.test.[jt]sx"
    - "**/*.test.[cm][jt]s"
    - "**/*.spec.[jt]s"
    - "**/*.spec.[jt]sx"
    - "**/*.spec.[cm][jt]s"
    # Java
    - "**/src/test/**"
    - "**/*Test.java"
    - "**/*Tests.java"
  # A fix that changes only files matching these never needs a test.
  ignore: ["docs/**", "**/*.md", "**/*.rst", "**/*.adoc", "**/*.txt"]

assistance:
  # Disclosure of commits written with an AI tool:
  #   declared      a commit that shows a tool must declare it in a trailer (RG101)
  #   every-commit  every commit declares its tool, or "none" (RG104)
  #   forbidden     no commit may declare or show a tool (RG105)
  #   off           disclosure is not checked
  require: declared
  # Trailer keys that count as a declaration, e.g. "Assisted-by: Claude:claude-opus-4".
  trailers: [Assisted-by, Generated-by, Co-authored-by]
  # The form of a declaration (RG102):
  #   any     any value names the tool
  #   kernel  the Linux kernel's form, AGENT_NAME:MODEL_VERSION [TOOL1] [TOOL2]
  #   kernel-llm  the shorter LLM [TOOL1] [TOOL2] (AGENT:MODEL still accepted)
  format: any
  # Tool identities in addition to the built-in registry. Each entry has a name and
  # exactly one of an exact email or a regular expression (Python syntax) matched
  # against "Name <email>". For example:
  #   tools:
  #     - {name: OurBot, email: ourbot@example.com}
  #     - {name: Helper, pattern: '^helper-[0-9]+ <.*@ci\\.example\\.com>$'}
  tools: []
  # "people": Co-authored-by credits people only; a tool there is RG106 (Mesa, kernel).
  co_authors: any
  # "human": a commit authored by a tool is RG107 (the kernel, LLVM).
  author: any
  # Which tools the project accepts (RG108), by registry name (docs/disclosure.md).
  # allow: only these tools (empty: every tool).
  allow: []
  # deny: never these tools.
  deny: []
  # "free-software": only tools whose harness is free software, by the registry.
  harness: any

fixes:
  # A commit is a fix when its subject matches this regular expression (Python
  # syntax, searched without regard to case): by default "fix: x", "fix(scope): x",
  # "Fix x", "Fixes x", "hotfix x" and "area: fix x"...
  subject: '^(bug|hot)?fix(e[sd])?\\b|^[\\w./-]+(\\([^)]*\\))?!?: *(bug|hot)?fix(e[sd])?\\b'
  # ...or when it carries one of these trailers, e.g. "Fixes: #123".
  trailers: [Fixes, Closes, Resolves]
  # Where the test that shows the bug may be (RG201):
  #   same-commit      in the fix itself
  #   previous-commit  in a test-only commit just before the fix, or in an earlier
  #                    test-only commit the fix names, "Test-commit: <sha>", on its
  #                    first-parent line with no test change in between
  #   either           in either place
  # A fix no test can show carries "Test-waiver: <reason>" and needs a human sign-off.
  pairing: either

tests:
  # Which commits must bring a test that shows what they change (RG201), which
  # `reviewgate verify` then runs red and green:
  #   fixes     the fixes (above)
  #   assisted  the fixes, and every commit that declares or shows a tool and
  #             changes a source file
  #   code      every commit that changes a source file
  required_for: fixes

perf:
  # A commit claims a speed-up when its subject matches this regular expression
  # (searched without regard to case): the `perf` type, or a claim of a measured
  # gain, a word of gain with a figure and its unit ("2x faster", "cut startup
  # from 300 ms to 40 ms"). docs:, test: and chore: subjects never claim one. It
  # must then carry evidence (RG401, a warning unless `rules` says error):
  # benchstat, hyperfine or pytest-benchmark output in its body, or one of the
  # trailers below.
  subject: "^perf(\\\\(.+\\\\))?!?:\\
    |^(?=.*\\\\b(faster|quicker|speed(s|ed)?[ -]?ups?|reduc(e|es|ed|ing)|cuts?|less|fewer\\
    |improv(e|es|ed|ing)|lower(s|ed)?|sav(e|es|ed|ing)|shav(e|es|ed|ing))\\\\b)\\
    (?=.*(?<![\\\\w.])\\\\d+([.,]\\\\d+)?\\\\s?(%|x|×|ms|µs|μs|us|ns|s)(?!\\\\w))"
  # Trailer keys whose value is the evidence, e.g. "Benchmark: bench/x.py, -38% time".
  trailers: [Benchmark]

verify:
  # The test command for `reviewgate verify`: "auto" (the project's own runner,
  # chosen from pyproject.toml, go.mod, package.json or Cargo.toml; `reviewgate
  # policy` says which), or a list of arguments (never a shell string) in which
  # "{tests}" stands for the fix's runnable test files, "{test_dirs}" for their
  # directories, "{packages}" for their Go packages, "{junit}" for a JUnit XML
  # file reviewgate reads back, and "{root}" for the temporary worktree. The
  # command proves the test fails without the fix (RG202) and passes with it
  # (RG203), and that it breaks no other test (RG206). It is only ever taken from
  # the trusted policy. For example:
  #   command: [python, -m, pytest, -q, "--junitxml={junit}"]
  #   command: [go, test, -json, "{packages}"]
  command: auto
  # Seconds before a run is stopped and reported (RG205).
  timeout: 600
  # When red passes or green fails, run that state this many more times; results
  # that disagree are reported as flaky, never as proven.
  reruns: 1
  # Exit statuses that mean the command could not run at all (RG205), not that a
  # test failed. pytest: 2 collection/import error or interrupted, 3 internal
  # error, 4 usage error, 5 no tests collected. Set [] for a command (such as
  # `node --test`) that exits 1 for every problem.
  error_exit_codes: [2, 3, 4, 5]
  # Regular expressions that, found in a failing run's output (^ matches at each
  # line start), also mean it could not run. For `node --test`, which exits 1 when
  # a test file cannot even load: ['^# (SyntaxError|Error: Cannot find module)']
  error_output: []
  # Where the command runs: auto (in bubblewrap where it works, else as you, with a
  # one-line notice), bwrap (always in bubblewrap) or none. In bubblewrap the
  # system is read-only, only the worktree is writable, /tmp and HOME are private
  # and empty, your repository is hidden and nothing outlives the run.
  sandbox: auto
  # Whether the command may reach the network inside the sandbox.
  network: false
  # Paths shown read-only inside the sandbox, which it hides otherwise (your home
  # directory, for instance): toolchains such as ['~/.cargo', '~/.rustup'].
  expose: []
  # Which cached results (refs/notes/reviewgate) count: auto (in CI only results
  # signed by a key that signoff.allowed_signers lists for the principal
  # "verify", elsewhere any), signed, or any.
  cache_trust: auto

signoff:
  # Which commits need a human reviewer's sign-off (RG301), given as a trailer on
  # the commit, on a merge that brings it in, with "Signoff-range: BASE..TIP", or
  # by `reviewgate approve`:
  #   assisted  the commits that declare or show a tool, or waive their test
  #   all       every commit
  #   none      no commit
  required_for: assisted
  # Trailer keys that count as a sign-off.
  trailers: [Reviewed-by, Acked-by]
  # Who may sign off, as "Name <email>" or an email. Empty: any human (RG303).
  reviewers: []
  # true: a sign-off by the commit's own author does not count (RG302).
  not_author: true
  # Whether a sign-off must be proven by a signature (RG304): none | ssh | gpg | any.
  signature: none
  # The ssh allowed-signers file (principal = the reviewer's email), read at the
  # trusted revision, never at the commits under check.
  allowed_signers: .reviewgate/allowed_signers

commits:
  # Whether the rules look at merge commits: skip | check.
  merges: skip
  # Whether the rules look at fixup!/squash!/amend! commits: skip | check.
  fixups: skip

# Per-rule severity: error | warning | off. A rule not listed keeps its default.
# For example:
#   rules:
#     RG204: warning
rules: {}
"""
