"""Test-plus-fix pairs: a fix comes with the test that shows its bug (RG201, RG204).

paths         which changed paths are tests, which are sources, which need no test
fixes         which commits are fixes, and where each fix's test is
diffs         the fix candidates' changed paths, from one `git diff-tree --stdin`
prefetch      read those diffs while `git log` still streams the range
test_patches  the line changes of the test files a fix touches (RG204) or rests on (RG201)
weakening     added lines that disable a test; changes of comments and whitespace only
hook          RG201 in the commit-msg hook, for the commit being made
rules         RG201 and RG204, pure

May import: reviewgate.git, reviewgate.policy, reviewgate.model, reviewgate.errors.
Not disclosure, verify, signoff or perf: whether a commit shows a tool (for
`tests.required_for: assisted`) is a check that reviewgate.pipeline hands in.
"""
