"""reviewgate stats: figures over real repositories, and the self-contained HTML page."""

from __future__ import annotations

import dataclasses
from html.parser import HTMLParser

import pytest

from conftest import Repo
from reviewgate.commands.stats import run_stats
from reviewgate.pairs.paths import glob_to_regex, path_matches
from reviewgate.pipeline.run import run_check
from reviewgate.policy.schema import DEFAULT_TEST_GLOBS, FixesPolicy
from reviewgate.report.html import render_stats_html
from reviewgate.report.stats import (
    NOT_MEASURED,
    MonthStats,
    Share,
    Stats,
    compute_stats,
    render_stats_text,
)

CLAUDE_FOOTER = (
    "🤖 Generated with [Claude Code](https://claude.com/claude-code)\n\n"
    "Co-Authored-By: Claude <noreply@anthropic.com>\n"
)


def commit_at(repo: Repo, mp: pytest.MonkeyPatch, date: str, message: str, **kw: object) -> str:
    mp.setenv("GIT_AUTHOR_DATE", date)
    mp.setenv("GIT_COMMITTER_DATE", date)
    return repo.commit(message, **kw)  # type: ignore[arg-type]


@pytest.fixture
def history(repo: Repo, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Seven commits the rules look at, over three months, and one fixup."""
    shas = {}
    shas["app"] = commit_at(
        repo, monkeypatch, "2025-12-05T10:00:00Z", "Add app\n", files={"src/app.py": "x = 1\n"}
    )
    shas["parser"] = commit_at(
        repo, monkeypatch, "2025-12-20T10:00:00Z",
        "Add parser\n\nAssisted-by: Claude:opus-4\n"
        "Reviewed-by: dependabot[bot] <49699333+dependabot[bot]@users.noreply.github.com>\n",
        files={"src/parse.py": "def parse(s): return s\n"},
    )
    shas["fix_same"] = commit_at(
        repo, monkeypatch, "2026-01-03T10:00:00+01:00",
        "fix: crash on empty input\n\nAssisted-by: Claude:opus-4\n"
        "Reviewed-by: Bob Reviewer <bob@example.org>\n",
        files={"src/app.py": "x = 2\n", "tests/test_app.py": "def test(): pass\n"},
    )
    shas["test_first"] = commit_at(
        repo, monkeypatch, "2026-01-10T10:00:00Z", "Add a test for commas\n",
        files={"tests/test_parse.py": "def test_commas(): pass\n"},
    )
    shas["fix_prev"] = commit_at(
        repo, monkeypatch, "2026-01-11T10:00:00Z",
        "Parse commas\n\n"
        + CLAUDE_FOOTER
        + "Fixes: #12\nReviewed-by: Ada Author <ada@example.org>\n",
        files={"src/parse.py": "def parse(s): return s.split(',')\n"},
    )
    shas["fix_untested"] = commit_at(
        repo, monkeypatch, "2026-02-01T10:00:00Z",
        "fix(ui): wrong colour\n\nAcked-by: Claude <noreply@anthropic.com>\n",
        files={"src/ui.py": "colour = 'red'\n"},
        author="Codex <noreply@openai.com>",
    )
    shas["docs"] = commit_at(
        repo, monkeypatch, "2026-02-02T10:00:00Z", "Document it\n\nAssisted-by: none\n",
        files={"README.md": "hello\n"},
    )
    shas["fixup"] = commit_at(
        repo, monkeypatch, "2026-02-03T10:00:00Z", "fixup! Add parser\n\nAssisted-by: Claude:x\n",
        files={"src/parse.py": "def parse(s): return s.split(',')  # x\n"},
    )
    return shas


def test_figures_of_a_real_history(repo: Repo, history: dict[str, str]) -> None:
    stats = run_stats(["main"], cwd=repo.path)
    assert stats.range == "main"
    assert stats.total == 7
    assert stats.skipped == 1  # the fixup! commit, as policy.commits.fixups says
    assert stats.assisted == Share(4, 7)
    # fix_untested shows two tools: Codex as author, Claude in a trailer.
    assert stats.by_tool == (("Claude Code", 4), ("OpenAI Codex", 1))
    assert stats.by_month == (
        MonthStats("2025-12", 2, 1),
        MonthStats("2026-01", 3, 2),
        MonthStats("2026-02", 2, 1),
    )
    # Only Bob counts: a bot, the author herself and a tool are no sign-off.
    assert stats.signed_off == Share(1, 4)
    assert stats.fixes == 3
    assert stats.fixes_with_tests == Share(2, 3)
    assert stats.verified is None
    assert stats.verified_text == NOT_MEASURED


def test_pairing_and_a_parent_outside_the_range(repo: Repo, history: dict[str, str]) -> None:
    result = run_check(revisions=["main"], cwd=repo.path)
    same_only = dataclasses.replace(
        result.policy, fixes=FixesPolicy(pairing="same-commit")
    )
    assert compute_stats(result.commits, same_only).fixes_with_tests == Share(1, 3)
    previous_only = dataclasses.replace(
        result.policy, fixes=FixesPolicy(pairing="previous-commit")
    )
    assert compute_stats(result.commits, previous_only).fixes_with_tests == Share(1, 3)
    # The test commit before fix_prev lies outside the range; as fix_prev's parent
    # it is read apart from the range and still pairs.
    cut = run_stats([f"{history['test_first']}..main"], cwd=repo.path)
    assert (cut.total, cut.fixes, cut.fixes_with_tests) == (3, 2, Share(1, 2))


def test_policy_changes_what_counts(repo: Repo, history: dict[str, str]) -> None:
    repo.write(
        "policy.yaml",
        "version: 1\n"
        "fixes:\n  subject: '^Parse'\n  trailers: []\n"
        "signoff:\n  trailers: [Acked-by]\n"
        "commits:\n  fixups: check\n",
    )
    stats = run_stats(["main"], cwd=repo.path, config=str(repo.path / "policy.yaml"))
    assert (stats.total, stats.skipped) == (8, 0)
    assert stats.assisted == Share(5, 8)
    assert stats.fixes == 1  # only "Parse commas"
    assert stats.fixes_with_tests == Share(1, 1)
    assert stats.signed_off == Share(0, 5)  # the only Acked-by is a tool


def test_month_is_the_authors_own(repo: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    commit_at(repo, monkeypatch, "2026-01-31T23:30:00-05:00", "late\n")
    commit_at(repo, monkeypatch, "2026-03-01T00:10:00+09:00", "early\n")
    stats = run_stats(["HEAD"], cwd=repo.path)
    assert [m.month for m in stats.by_month] == ["2026-01", "2026-03"]


def test_empty_range(repo: Repo, history: dict[str, str]) -> None:
    stats = run_stats(["main..main"], cwd=repo.path)
    assert stats.total == 0
    assert stats.assisted.describe() == "0 of 0 (n/a)"
    text = render_stats_text(stats)
    assert "commits" in text and NOT_MEASURED in text
    page = render_stats_html(stats)
    assert "<rect" not in page and "No commits." in page


def test_text_report(repo: Repo, history: dict[str, str]) -> None:
    text = render_stats_text(run_stats(["main"], cwd=repo.path))
    lines = text.splitlines()
    assert lines[0] == "reviewgate stats: main"
    assert any(line.split() == ["tool-assisted", "4", "of", "7", "(57%)"] for line in lines)
    assert any(line.split()[-5:] == ["sign-off", "1", "of", "4", "(25%)"] for line in lines)
    assert any(line.split()[-5:] == ["test", "2", "of", "3", "(67%)"] for line in lines)
    assert any(line.endswith(f"red/green  {NOT_MEASURED}") for line in lines)
    assert any(line.split() == ["Claude", "Code", "4"] for line in lines)
    assert any(line.split() == ["2026-01", "3", "2"] for line in lines)


@pytest.mark.parametrize(
    ("glob", "path", "expected"),
    [
        ("tests/**", "tests/test_a.py", True),
        ("tests/**", "tests/a/b/c.py", True),
        ("tests/**", "src/tests/a.py", False),
        ("tests/**", "tests", False),
        ("**/test_*.py", "test_a.py", True),
        ("**/test_*.py", "pkg/sub/test_a.py", True),
        ("**/test_*.py", "pkg/test_a.pyc", False),
        ("**/test_*.py", "pkg/test_/a.py", False),
        ("**/__tests__/**", "web/__tests__/x.js", True),
        ("**/__tests__/**", "__tests__/x.js", True),
        ("src/**/*_test.go", "src/a_test.go", True),
        ("src/**/*_test.go", "src/x/y/a_test.go", True),
        ("src/**/*_test.go", "lib/a_test.go", False),
        ("*.md", "docs/deep/README.md", True),  # no slash: any depth, as .gitignore
        ("/*.md", "docs/README.md", False),
        ("t?st/*.py", "test/a.py", True),
        ("t?st/*.py", "t/st/a.py", False),
        ("spec/[a-c]*.rb", "spec/b_spec.rb", True),
        ("spec/[!a-c]*.rb", "spec/b_spec.rb", False),
        ("a+b/(x).py", "a+b/(x).py", True),
        ("a+b/(x).py", "aab/x.py", False),
    ],
)
def test_glob(glob: str, path: str, expected: bool) -> None:
    assert bool(glob_to_regex(glob).fullmatch(path)) is expected


def test_default_globs_see_renamed_tests(repo: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    repo.commit("base\n", files={"old/test_x.py": "a = 1\n" * 20, "src/a.py": "a\n"})
    (repo.path / "misc").mkdir()
    repo.git("mv", "old/test_x.py", "misc/x_check.py")
    repo.commit("fix: move\n", files={"src/a.py": "b\n"})
    stats = run_stats(["HEAD~1..HEAD"], cwd=repo.path)
    # The rename is seen (its old path is a test), but a test moved out of the tests
    # shows no bug: no test, as check's RG201 says. (This used to expect 1 of 1.)
    assert stats.fixes_with_tests == Share(0, 1)
    assert path_matches("old/test_x.py", DEFAULT_TEST_GLOBS)
    assert not path_matches("misc/x_check.py", DEFAULT_TEST_GLOBS)


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(page: str) -> _Collect:
    parser = _Collect()
    parser.feed(page)
    parser.close()
    return parser


def assert_self_contained(page: str, parser: _Collect) -> None:
    assert page.startswith("<!DOCTYPE html>")
    assert "http://" not in page and "https://" not in page and "file:" not in page
    for tag, attrs in parser.tags:
        assert tag not in ("script", "link", "img", "iframe", "object", "embed"), tag
        for name in ("src", "href", "xlink:href", "action", "srcset"):
            assert name not in attrs, (tag, name)
    assert "url(" not in page and "@import" not in page


def test_html_page_matches_the_figures(repo: Repo, history: dict[str, str]) -> None:
    stats = run_stats(["main"], cwd=repo.path)
    page = render_stats_html(stats)
    parser = parse(page)
    assert_self_contained(page, parser)
    ids = {attrs.get("id") for _, attrs in parser.tags}
    assert {"figures", "chart-months", "chart-tools", "table-months", "table-tools"} <= ids
    rects = [attrs for tag, attrs in parser.tags if tag == "rect"]
    month_rects = [r for r in rects if "data-period" in r]
    assert len(month_rects) == 2 * len(stats.by_month)
    for month in stats.by_month:
        parts = {r["data-kind"]: r for r in month_rects if r["data-period"] == month.month}
        assert int(parts["assisted"]["data-count"]) == month.assisted
        assert int(parts["other"]["data-count"]) == month.other
        # Heights are proportional: a bar of twice the commits is twice as tall.
        total_h = float(parts["assisted"]["height"]) + float(parts["other"]["height"])
        peak = max(m.total for m in stats.by_month)
        assert total_h == pytest.approx(156 * month.total / peak, abs=0.2)
    tool_rects = [(r["data-tool"], int(r["data-count"])) for r in rects if "data-tool" in r]
    assert tuple(tool_rects) == stats.by_tool
    cells = {
        attrs["id"]: attrs for tag, attrs in parser.tags if tag == "tr" and "id" in attrs
    }
    assert set(cells) >= {"fig-total", "fig-assisted", "fig-verified", "fig-skipped"}
    tds = [attrs for tag, attrs in parser.tags if tag == "td" and "data-of" in attrs]
    assert {(a["data-count"], a["data-of"]) for a in tds} == {("4", "7"), ("1", "4"), ("2", "3")}
    assert any(attrs.get("data-measured") == "false" for _, attrs in parser.tags)
    assert NOT_MEASURED in "".join(parser.text)


def test_html_escapes_names() -> None:
    nasty = '<script>alert("x")</script> & "Q"'
    stats = Stats(
        range="a<b>..c&d",
        total=1,
        skipped=0,
        assisted=Share(1, 1),
        by_tool=((nasty, 1),),
        by_month=(MonthStats('20"26-01', 1, 1),),
        signed_off=Share(0, 1),
        fixes=0,
        fixes_with_tests=Share(0, 0),
    )
    page = render_stats_html(stats)
    parser = parse(page)
    assert_self_contained(page, parser)
    assert "<script" not in page and "<b>" not in page
    tools = [a["data-tool"] for tag, a in parser.tags if tag == "rect" and "data-tool" in a]
    assert tools == [nasty]
    # The chart's label column is narrow: a long name is cut there, whole elsewhere.
    assert nasty[:23] + "\u2026" in parser.text and nasty in parser.text
    assert "a<b>..c&d" in "".join(parser.text)
    assert any(a.get("data-month") == '20"26-01' for _, a in parser.tags)


def test_sign_offs_count_as_check_counts_them(repo: Repo) -> None:
    # stats used to see only a Reviewed-by on the commit itself; a merge's sign-off
    # and a Signoff-range, which check accepts, counted as none.
    base = repo.commit("Start\n", files={"a.py": "a = 0\n"})
    repo.git("checkout", "-q", "-b", "topic")
    repo.commit("Add b\n\nAssisted-by: Claude:opus-4\n", files={"b.py": "b = 1\n"})
    repo.git("checkout", "-q", "main")
    repo.git("merge", "-q", "--no-ff", "topic", "-m",
             "Merge topic\n\nReviewed-by: Grace Hopper <grace@example.org>")
    first = repo.commit("Add c\n\nAssisted-by: Claude:opus-4\n", files={"c.py": "c = 1\n"})
    second = repo.commit("Add d\n\nAssisted-by: Claude:opus-4\n", files={"d.py": "d = 1\n"})
    repo.commit(
        f"Add e\n\nAssisted-by: Claude:opus-4\nSignoff-range: {first}..{second}\n"
        "Reviewed-by: Grace Hopper <grace@example.org>\n",
        files={"e.py": "e = 1\n"},
    )
    repo.commit("Add f\n\nAssisted-by: Claude:opus-4\n", files={"f.py": "f = 1\n"})
    stats = run_stats([f"{base}..main"], cwd=repo.path)
    assert stats.assisted == Share(5, 5)
    # b (by the merge), d (by the range), e (itself); c lies below the range's base
    # and f has none.
    assert stats.signed_off == Share(3, 5)
    result = run_check(revisions=[f"{base}..main"], cwd=repo.path)
    assert len({f.sha for f in result.findings if f.code == "RG301"}) == 2


@pytest.mark.parametrize(
    "policy",
    ["signoff:\n  required_for: none\n",
     "rules:\n  RG301: 'off'\n  RG302: 'off'\n  RG303: 'off'\n  RG304: 'off'\n"],
)
def test_sign_offs_count_when_policy_asks_for_none(repo: Repo, policy: str) -> None:
    # check gathers no sign-off evidence then, and a Signoff-range counted as none.
    base = repo.commit("Start\n", files={".reviewgate.yaml": f"version: 1\n{policy}"})
    assisted = repo.commit("Add b\n\nAssisted-by: Claude:opus-4\n", files={"b.py": "b\n"})
    repo.commit(
        f"Sign off\n\nSignoff-range: {base}..{assisted}\n"
        "Reviewed-by: Rev Iewer <rev@example.com>\n",
        files={"c.py": "c\n"},
    )
    stats = run_stats([f"{base}..HEAD"], cwd=repo.path)
    assert stats.signed_off == Share(1, 1)
