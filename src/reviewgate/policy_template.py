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
# This version enforces `assistance` (RG101-RG105) and `commits`. The sections
# `paths`, `fixes`, `verify` and `signoff` are validated already, but their rules
# (test-plus-fix pairs RG2xx, human sign-off RG3xx) are planned, not enforced yet.

# The format of this file. Only version 1 exists.
version: 1

paths:
  # Glob patterns, relative to the repository root, for test files. A fix must
  # change one of them, in the fix itself or in the commit just before it (RG201).
  tests:
    - "tests/**"
    - "test/**"
    - "**/test_*.py"
    - "**/*_test.py"
    - "**/*_test.go"
    - "**/*.test.ts"
    - "**/*.test.js"
    - "**/*.spec.ts"
    - "**/*.spec.js"
    - "**/__tests__/**"
    - "src/test/**"
  # A fix that changes only files matching these never needs a test.
  ignore: ["docs/**", "**/*.md", "**/*.rst", "**/*.txt"]

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
  format: any
  # Tool identities in addition to the built-in registry. Each entry has a name and
  # exactly one of an exact email or a regular expression (Python syntax) matched
  # against "Name <email>". For example:
  #   tools:
  #     - {name: OurBot, email: ourbot@example.com}
  #     - {name: Helper, pattern: '^helper-[0-9]+ <.*@ci\\.example\\.com>$'}
  tools: []

fixes:
  # A commit is a fix when its subject matches this regular expression (Python
  # syntax)...
  subject: '^(fix|bugfix|hotfix)(\\(.+\\))?!?:'
  # ...or when it carries one of these trailers, e.g. "Fixes: #123".
  trailers: [Fixes, Closes, Resolves]
  # Where the test that shows the bug may be:
  #   same-commit      in the fix itself
  #   previous-commit  in the commit just before the fix
  #   either           in either place
  pairing: either

verify:
  # (planned) The test command for `reviewgate verify`, as a list of arguments (never a shell
  # string). "{tests}" stands for the test files of the fix. The command proves the
  # test fails without the fix (RG202) and passes with it (RG203). It is only ever
  # taken from the trusted policy.
  command: [pytest, -q, "{tests}"]
  # Seconds before a run is stopped and reported (RG205).
  timeout: 600

signoff:
  # (planned) Which commits need a human reviewer's sign-off (RG301):
  #   assisted  the commits that declare or show a tool
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
  # The ssh allowed-signers file, read at the trusted revision.
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
