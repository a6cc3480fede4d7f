"""The records and pure text rules that every part of reviewgate shares.

commit     Commit, Person, ChangedPath: what reviewgate knows about one commit
finding    Finding, Severity: what a rule reports
rulebook   the registry of rules, severities under a policy, which commits rules see
fix        Fix: a fix commit and how it pairs with its test
evidence   what the range rules know beyond the commits (diffs, verdicts, sign-offs)
result     GatherOptions and CheckResult: one check's request and answer
message    git-exact message cleanup and trailer parsing
emails     addresses and identities as reviewgate compares them
memo       answers kept for the length of a run
display    commit data made safe to print: for people, in JSON, in XML

May import: the standard library and reviewgate.errors. Nothing here runs git or
reads a file; the hooks import most of it, so it stays light (no yaml, no click).
"""
