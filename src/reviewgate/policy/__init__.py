"""The repository's policy (.reviewgate.yaml, or pyproject.toml's [tool.reviewgate]
table): what each rule enforces.

schema    the records (model/record.py) and built-in defaults (no yaml: the hooks import it)
files     find the policy file and read it (imports the parser only for a file)
load      parse and validate YAML into a Policy, naming file and line in errors
pyproject the [tool.reviewgate] table of a TOML file, validated by load, with lines
values    one reader per kind of value (strings, enums, globs, regexes, emails)
render    the effective policy as commented YAML (`reviewgate policy`)
template  the starter policy `reviewgate init` writes

May import: reviewgate.model, reviewgate.errors, yaml (load, values, render,
pyproject), tomllib or tomli (pyproject only).
"""
