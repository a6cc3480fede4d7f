"""The README's Quick start: the first install line works on a machine whose
system Python refuses `pip install`, and its test command is the one CI runs."""

from __future__ import annotations

from test_readme_examples import README, ROOT, commands, section_blocks


def test_readme_first_install_works_where_pip_install_is_refused() -> None:
    # Issue 16, item 4: a fresh machine's system Python refuses `pip install` (PEP
    # 668), and `reviewgate` on PyPI is another project. The first install line is
    # pipx, by the distribution's name; the alternative is a virtual environment's pip.
    from reviewgate import DISTRIBUTION

    lines = [argv for block in section_blocks(README, "Quick start", "sh")
             for _, argv in commands(block)]
    assert lines[0] == ["pipx", "install", DISTRIBUTION]
    assert lines[1] == ["reviewgate", "hook", "install"]
    [venv] = [argv for argv in lines if argv[:3] == ["python3", "-m", "venv"]]
    assert venv[4:] == ["&&", f"{venv[3]}/bin/pip", "install", DISTRIBUTION]
    assert not [argv for argv in lines if argv[:2] == ["pip", "install"] and "-e" not in argv]


def test_readme_test_command_is_what_ci_runs() -> None:
    # Quick start's commands install things (pip), so they are not run here; the
    # test command must be the very line .ci/run runs.
    [test_command] = [
        line
        for block in section_blocks(README, "Quick start", "sh")
        for line, argv in commands(block)
        if "pytest" in argv
    ]
    ci_lines = [line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()]
    assert test_command in ci_lines
