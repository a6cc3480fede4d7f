"""One module per command and hook: the glue between the command line and the
pipeline. A command reads its arguments' meaning, runs the pipeline (or, for the
commit-message hooks, their fast path) and hands the result to a report.

May import: reviewgate.report, reviewgate.pipeline and every layer below them.
The commit-message hooks (hook_commit_msg, hook_prepare_commit_msg) import only
their fast path: docs/architecture.md.
"""
