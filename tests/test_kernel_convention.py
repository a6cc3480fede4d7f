"""The Linux kernel's convention: `Assisted-by: AGENT:MODEL [TOOL...]`, then the
human's `Signed-off-by:` (`git commit -s`), and never a tool in Signed-off-by.

Under `signoff.trailers: [Signed-off-by]`:
- with `not_author: false`, the developer's own tree passes on the author's
  sign-off (in the kernel the human who submits takes responsibility for it);
- with the default `not_author: true`, the author's and the applying maintainer's
  Signed-off-by (`git am -s`) are no review: the maintainer is the committer (RG302);
  a reviewer's Reviewed-by collected on the list, applied with the patch, is;
- a commit that a tool signed off fails with RG103 and RG302.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import Repo, git
from test_check_cli import reviewgate

# The kernel does not pair each fix with a test of its own, and `net: fix …` is a
# fix (fixes.subject): a kernel-like policy switches RG201 off.
KERNEL = ("assistance:\n  format: kernel\n  trailers: [Assisted-by]\n"
          "rules:\n  RG201: off\n"
          "signoff:\n  trailers: [Signed-off-by]\n")
DEVELOPER_TREE = KERNEL + "  not_author: false\n"
PATCH = "net: fix a leak in the error path\n\nFree the buffer before returning.\n\n" \
        "Assisted-by: Claude:claude-opus-4-1 coccinelle\n"
GRACE = {"GIT_COMMITTER_NAME": "Grace Maintainer", "GIT_COMMITTER_EMAIL": "grace@example.org"}


def write_policy(tmp_path: Path, text: str) -> str:
    path = tmp_path / "kernel-policy.yaml"
    path.write_text(text)
    return str(path)


def findings(result_stdout: str) -> list[str]:
    return [word for line in result_stdout.splitlines()
            for word in line.split() if word.startswith("RG") and word[2:].isdigit()]


def test_a_developer_tree_that_follows_the_convention_passes(
    repo: Repo, tmp_path: Path
) -> None:
    repo.commit("init\n", {"net/core.c": "int x;\n"})
    sha = repo.commit(PATCH, {"net/core.c": "int x = 0;\n"}, extra=("-s",))
    message = repo.git("log", "-1", "--format=%B", sha).stdout
    assert message.rstrip().endswith(
        "Assisted-by: Claude:claude-opus-4-1 coccinelle\n"
        "Signed-off-by: Ada Author <ada@example.org>")
    config = write_policy(tmp_path, DEVELOPER_TREE)
    result = reviewgate(repo.path, "check", "HEAD~1..HEAD", "--config", config)
    assert result.returncode == 0, result.stdout + result.stderr
    # Under the default not_author: true, the author's own sign-off is not a review.
    strict = reviewgate(repo.path, "check", "HEAD~1..HEAD",
                        "--config", write_policy(tmp_path, KERNEL))
    assert strict.returncode == 1
    assert findings(strict.stdout) == ["RG302"]


def test_a_maintainer_applying_the_patch_with_am_s_is_its_committer(
    repo: Repo, tmp_path: Path
) -> None:
    repo.commit("init\n", {"net/core.c": "int x;\n"})
    repo.commit(PATCH, {"net/core.c": "int x = 0;\n"}, extra=("-s",))
    patch = repo.git("format-patch", "-1", "--stdout").stdout
    tree = tmp_path / "maintainer"
    git(tmp_path, "clone", "-q", str(repo.path), str(tree))
    git(tree, "reset", "-q", "--hard", "HEAD~1")
    git(tree, "am", "-q", "-s", input=patch, env=GRACE)
    signers = git(tree, "log", "-1", "--format=%(trailers:key=Signed-off-by,valueonly)").stdout
    assert signers.split("\n")[:2] == ["Ada Author <ada@example.org>",
                                       "Grace Maintainer <grace@example.org>"]
    reviewed = KERNEL.replace("[Signed-off-by]", "[Signed-off-by, Reviewed-by]")
    result = reviewgate(tree, "check", "HEAD~1..HEAD", "--config",
                        write_policy(tmp_path, reviewed))
    assert result.returncode == 1
    assert findings(result.stdout) == ["RG302"] and "its committer" in result.stdout
    # The review that a list collects, applied with the patch (as b4 does).
    git(tree, "reset", "-q", "--hard", "HEAD~1")
    collected = patch.replace("Signed-off-by: Ada Author <ada@example.org>",
                              "Signed-off-by: Ada Author <ada@example.org>\n"
                              "Reviewed-by: Rita Reviewer <rita@example.org>")
    git(tree, "am", "-q", "-s", input=collected, env=GRACE)
    result = reviewgate(tree, "check", "HEAD~1..HEAD", "--config",
                        write_policy(tmp_path, reviewed))
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("policy", [KERNEL, DEVELOPER_TREE])
def test_a_tool_that_signed_off_fails_with_rg103_and_rg302(
    repo: Repo, tmp_path: Path, policy: str
) -> None:
    repo.commit("init\n", {"net/core.c": "int x;\n"})
    repo.commit(PATCH + "Signed-off-by: Claude <noreply@anthropic.com>\n",
                {"net/core.c": "int x = 0;\n"})
    result = reviewgate(repo.path, "check", "HEAD~1..HEAD", "--config",
                        write_policy(tmp_path, policy))
    assert result.returncode == 1
    assert sorted(findings(result.stdout)) == ["RG103", "RG302"], result.stdout
    assert "every sign-off is by a tool" in result.stdout
