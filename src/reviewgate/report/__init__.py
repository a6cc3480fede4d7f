"""Reports: a CheckResult (or stats' figures) as text, JSON, SARIF, GitHub
annotations, JUnit XML, or an HTML page with SVG charts. Writers only: what to
report was decided by the rules.

May import: reviewgate.pipeline (the rule registry), the enforcement packages
(stats' figures read their answers) and every layer below them.
"""
