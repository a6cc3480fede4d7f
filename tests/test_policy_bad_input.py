"""Bad input around the policy: a dangling `.reviewgate.yaml` link, `init` in a bare
repository, and policy values that would only fail (or silently match nothing) at
check time. Each is one line and exit status 2, naming the file (and line and key)."""

from __future__ import annotations

from pathlib import Path

import git as gitpython
import pytest

from conftest import Repo, git
from reviewgate.commands.init import init
from reviewgate.errors import PolicyError, ReviewgateError
from reviewgate.pipeline.run import run_check
from reviewgate.policy.files import find_policy_file, load_policy
from reviewgate.policy.template import STARTER_POLICY
from reviewgate.signoff.gather import allowed_signers_at
from verify_helpers import reviewgate as run_reviewgate

SRC = ".reviewgate.yaml"
ASSISTED = "feat: x\n\nAssisted-by: Claude:opus\n"
MISSING = "is a symbolic link that points to a missing file ('nowhere.yaml')"


def reviewgate(cwd: Path, *args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    """The real CLI; its exit status and its one line of error."""
    result = run_reviewgate(cwd, *args, env=env)
    return result.returncode, result.stderr


def policy_error(text: str) -> str:
    with pytest.raises(PolicyError) as caught:
        load_policy(None, text=text, source=SRC)
    message = str(caught.value)
    assert "\n" not in message
    return message


# --- a dangling .reviewgate.yaml ----------------------------------------------------


def test_check_and_policy_refuse_a_dangling_policy_link(repo: Repo) -> None:
    repo.commit("feat: one\n", {"a.py": "1\n"})
    (repo.path / SRC).symlink_to("nowhere.yaml")
    expected = f"reviewgate: error: {repo.path / SRC}: {MISSING}\n"
    for command in (["check", "HEAD"], ["policy"]):
        assert reviewgate(repo.path, *command) == (2, expected), command
    # From a subdirectory too: the link at the top is the policy.
    (repo.path / "sub").mkdir()
    assert reviewgate(repo.path / "sub", "policy") == (2, expected)


def test_a_policy_link_that_loops_or_names_a_directory_is_refused(repo: Repo) -> None:
    (repo.path / SRC).symlink_to(SRC)
    with pytest.raises(PolicyError) as caught:
        find_policy_file(repo.path, None)
    assert str(caught.value) == (
        f"{repo.path / SRC}: is a symbolic link that cannot be followed "
        "(Too many levels of symbolic links)"
    )
    (repo.path / SRC).unlink()
    (repo.path / "conf").mkdir()
    (repo.path / SRC).symlink_to("conf")
    with pytest.raises(PolicyError, match="is not a file, so it cannot be the policy"):
        find_policy_file(repo.path, None)


def test_a_policy_link_to_a_file_is_still_read(repo: Repo) -> None:
    repo.write("config/policy.yaml", "assistance:\n  require: forbidden\n")
    (repo.path / SRC).symlink_to("config/policy.yaml")
    found = find_policy_file(repo.path, None)
    assert found == repo.path / SRC
    assert load_policy(found).assistance.require == "forbidden"


@pytest.mark.parametrize("how", ["--config", "REVIEWGATE_CONFIG"])
def test_an_explicit_dangling_link_says_so(repo: Repo, how: str) -> None:
    repo.commit("feat: one\n", {"a.py": "1\n"})
    (repo.path / "ci.yaml").symlink_to("nowhere.yaml")
    args, env = (["--config", "ci.yaml"], {}) if how == "--config" else ([], {how: "ci.yaml"})
    status, stderr = reviewgate(repo.path, "policy", *args, env=env)
    assert (status, stderr) == (
        2,
        f"reviewgate: error: policy file 'ci.yaml' (from {how}) {MISSING}\n",
    )


def test_init_names_a_dangling_link_and_force_writes_through_it(repo: Repo) -> None:
    link = repo.path / SRC
    link.symlink_to("nowhere.yaml")
    with pytest.raises(ReviewgateError) as caught:
        init(repo.path, force=False)
    assert str(caught.value) == (
        f"{link} {MISSING}; remove it, or pass --force to write through it"
    )
    assert not (repo.path / "nowhere.yaml").exists()
    assert init(repo.path, force=True) == link
    assert (repo.path / "nowhere.yaml").read_text() == STARTER_POLICY
    assert load_policy(find_policy_file(repo.path, None)).source == str(link)


def test_a_committed_dangling_link_at_the_trusted_revision_is_refused(repo: Repo) -> None:
    (repo.path / SRC).symlink_to("nowhere.yaml")
    trusted = repo.commit("chore: link the policy\n")
    repo.commit(ASSISTED, {"a.py": "1\n"})
    with pytest.raises(PolicyError, match="points to a missing file"):
        run_check(revisions=["HEAD"], cwd=repo.path, policy_from=trusted, with_paths=False)


# --- init in a bare repository --------------------------------------------------------


def test_init_in_a_bare_repository_is_refused(tmp_path: Path) -> None:
    bare = tmp_path / "origin.git"
    git(tmp_path, "init", "-q", "--bare", str(bare))
    before = sorted(p.name for p in bare.iterdir())
    expected = (
        f"reviewgate: error: cannot write .reviewgate.yaml in {bare}: a bare repository "
        "has no working tree; commit the policy from a clone, or name a file with --config\n"
    )
    assert reviewgate(bare, "init") == (2, expected)
    assert reviewgate(bare / "refs", "init", "--force") == (2, expected)
    assert sorted(p.name for p in bare.iterdir()) == before
    # A file the user names is the user's choice, bare repository or not.
    status, _ = reviewgate(bare, "init", "--config", str(tmp_path / "server.yaml"))
    assert status == 0
    assert (tmp_path / "server.yaml").read_text() == STARTER_POLICY
    assert not (bare / SRC).exists()


def test_init_in_a_working_tree_still_writes(repo: Repo) -> None:
    assert reviewgate(repo.path, "init") == (0, "")
    assert (repo.path / SRC).read_text() == STARTER_POLICY


# --- values refused at load time -------------------------------------------------------


REVIEWER_HINT = (
    "(write an email with a dotted domain, alone or as 'Name <email>', "
    "e.g. 'Grace Hopper <grace@example.org>')"
)
PATH_HINT = "write a path inside the repository, from its top, e.g. '.reviewgate/allowed_signers')"


@pytest.mark.parametrize(
    "text, message",
    [
        pytest.param(
            'version: 1\nsignoff:\n  reviewers: ["not an email"]\n',
            f".reviewgate.yaml:3: invalid reviewer 'not an email' in 'signoff.reviewers[0]' "
            f"{REVIEWER_HINT}",
            id="reviewer-not-an-email",
        ),
        pytest.param(
            "signoff:\n  reviewers:\n    - grace@example.org\n    - Ren <ren@localhost>\n",
            f".reviewgate.yaml:4: invalid reviewer 'Ren <ren@localhost>' in 'signoff.reviewers[1]' "
            f"{REVIEWER_HINT}",
            id="reviewer-undotted-domain",
        ),
        pytest.param(
            "signoff:\n  reviewers: ['grace@example.org, ren@example.org']\n",
            ".reviewgate.yaml:2: invalid reviewer 'grace@example.org, ren@example.org' in "
            "'signoff.reviewers[0]' (write one reviewer per list item, "
            "e.g. 'Grace Hopper <grace@example.org>')",
            id="reviewers-in-one-string",
        ),
        pytest.param(
            "signoff:\n  reviewers: ['Ann <ann@example.org>, Bob <bob@example.org>']\n",
            ".reviewgate.yaml:2: invalid reviewer 'Ann <ann@example.org>, Bob <bob@example.org>' "
            "in 'signoff.reviewers[0]' (write one reviewer per list item, "
            "e.g. 'Grace Hopper <grace@example.org>')",
            id="named-reviewers-in-one-string",
        ),
        pytest.param(
            "signoff:\n  reviewers: ['Ann <ann@example.org>, bob@example.org']\n",
            ".reviewgate.yaml:2: invalid reviewer 'Ann <ann@example.org>, bob@example.org' "
            "in 'signoff.reviewers[0]' (write one reviewer per list item, "
            "e.g. 'Grace Hopper <grace@example.org>')",
            id="mixed-reviewers-in-one-string",
        ),
        pytest.param(
            "signoff:\n  reviewers: ['ann@example.org, Bob <bob@example.org>']\n",
            ".reviewgate.yaml:2: invalid reviewer 'ann@example.org, Bob <bob@example.org>' "
            "in 'signoff.reviewers[0]' (write one reviewer per list item, "
            "e.g. 'Grace Hopper <grace@example.org>')",
            id="mixed-reviewers-other-order",
        ),
        pytest.param(
            "signoff:\n  reviewers: grace@example.org\n",
            ".reviewgate.yaml:2: 'signoff.reviewers' must be a list of reviewers, got a string; "
            'write a list, e.g. ["grace@example.org"]',
            id="reviewers-string-for-list",
        ),
        pytest.param(
            "assistance:\n  tools: [{name: x, email: not-an-email}]\n",
            ".reviewgate.yaml:2: invalid email 'not-an-email' for 'assistance.tools[0].email' "
            "(write the address alone, e.g. 'bot@example.org')",
            id="tool-email-no-at",
        ),
        pytest.param(
            "assistance:\n  tools:\n    - name: bot\n      email: Bot <bot@example.org>\n",
            ".reviewgate.yaml:4: invalid email 'Bot <bot@example.org>' for "
            "'assistance.tools[0].email' (write the address alone, e.g. 'bot@example.org')",
            id="tool-email-with-name",
        ),
        pytest.param(
            "assistance:\n  tools: [{name: x, email: 'a b@example.org'}]\n",
            ".reviewgate.yaml:2: invalid email 'a b@example.org' for 'assistance.tools[0].email' "
            "(write the address alone, e.g. 'bot@example.org')",
            id="tool-email-space",
        ),
        pytest.param(
            'version: 1\nsignoff:\n  signature: ssh\n  allowed_signers: "../../etc/passwd"\n',
            ".reviewgate.yaml:4: invalid path '../../etc/passwd' for 'signoff.allowed_signers' "
            f"(it leads out of the repository; {PATH_HINT}",
            id="signers-escape",
        ),
        pytest.param(
            "signoff:\n  allowed_signers: keys/../../signers\n",
            ".reviewgate.yaml:2: invalid path 'keys/../../signers' for 'signoff.allowed_signers' "
            f"(it leads out of the repository; {PATH_HINT}",
            id="signers-escape-midway",
        ),
        pytest.param(
            "signoff:\n  allowed_signers: /etc/ssh/allowed_signers\n",
            ".reviewgate.yaml:2: invalid path '/etc/ssh/allowed_signers' for "
            f"'signoff.allowed_signers' (it is absolute; {PATH_HINT}",
            id="signers-absolute",
        ),
        pytest.param(
            "signoff:\n  allowed_signers: ./\n",
            ".reviewgate.yaml:2: invalid path './' for 'signoff.allowed_signers' "
            f"(it names the repository itself; {PATH_HINT}",
            id="signers-the-top",
        ),
    ],
)
def test_values_refused_at_load_time(text: str, message: str) -> None:
    assert policy_error(text) == message


@pytest.mark.parametrize(
    "entry",
    [
        "grace@example.org",
        "Grace Hopper <grace@example.org>",
        "GRACE@Example.ORG.",
        '"grace"@example.org',
        "<grace@example.org>",
        "@grace <grace@example.org>",  # an "@" in the name is no second address
        "Grace Hopper (grace@navy) <grace@example.org>",
    ],
)
def test_reviewer_forms_rg303_can_match_are_accepted(entry: str) -> None:
    text = f"signoff:\n  reviewers: ['{entry}']\n"
    policy = load_policy(None, text=text, source=SRC)
    assert policy.signoff.reviewers == (entry,)


@pytest.mark.parametrize("email", ["bot@example.org", "bot@localhost", "12+bot@users.x.com"])
def test_tool_emails_that_look_like_emails_are_accepted(email: str) -> None:
    policy = load_policy(None, text=f"assistance:\n  tools: [{{name: b, email: '{email}'}}]\n")
    assert policy.assistance.tools[0].email == email


def _signoff_codes(repo: Repo, base: str, policy: str) -> list[str]:
    config = repo.path.parent / "policy.yaml"
    config.write_text(policy)
    result = run_check(
        revisions=[f"{base}..HEAD"], cwd=repo.path, config=str(config), with_paths=False
    )
    return [f.code for f in result.findings if f.code.startswith("RG30")]


@pytest.mark.parametrize(
    "entry",
    [
        "grace@example.org",
        "Grace <GRACE@example.org.>",
        "not an email",
        "grace@localhost",
        "Grace <grace smith@example.org>",
        "@example.org",
    ],
)
def test_the_loader_accepts_a_reviewer_exactly_when_a_sign_off_can_name_it(
    repo: Repo, entry: str
) -> None:
    """A refused entry is one that no sign-off can carry: the same identity written
    in a Reviewed-by trailer is no sign-off at all (RG301). An accepted one matches it."""
    base = repo.commit("base\n", {"a.py": "1\n"})
    trailer = entry if "<" in entry else f"Grace <{entry}>"
    repo.commit(f"{ASSISTED}Reviewed-by: {trailer}\n", {"b.py": "2\n"})
    policy = f"signoff:\n  reviewers: ['{entry}']\n"
    try:
        load_policy(None, text=policy, source=SRC)
    except PolicyError:
        assert _signoff_codes(repo, base, "version: 1\n") == ["RG301"]
    else:
        assert _signoff_codes(repo, base, policy) == []
        assert _signoff_codes(repo, base, "signoff:\n  reviewers: [rita@example.org]\n") == [
            "RG303"
        ]


def test_an_escaping_allowed_signers_path_stops_check_at_load_time(repo: Repo) -> None:
    policy = "version: 1\nsignoff:\n  signature: ssh\n  allowed_signers: ../../etc/passwd\n"
    repo.commit("base\n", {SRC: policy})
    repo.commit(f"{ASSISTED}Reviewed-by: Grace <grace@example.org>\n", {"b.py": "2\n"})
    status, stderr = reviewgate(repo.path, "check", "HEAD~1..HEAD", "--policy-from", "HEAD")
    assert (status, stderr) == (
        2,
        "reviewgate: error: HEAD:.reviewgate.yaml:4: invalid path '../../etc/passwd' for "
        f"'signoff.allowed_signers' (it leads out of the repository; {PATH_HINT}\n",
    )


def test_an_allowed_signers_path_is_read_as_git_names_it(repo: Repo) -> None:
    signers = "grace@example.org ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExample\n"
    repo.commit("base\n", {".reviewgate/allowed_signers": signers})
    for written in ("./.reviewgate/allowed_signers", ".reviewgate//keys/../allowed_signers/"):
        policy = load_policy(None, text=f"signoff:\n  allowed_signers: '{written}'\n")
        assert policy.signoff.allowed_signers == ".reviewgate/allowed_signers"
        # Read at a revision as check reads it: the written form would find nothing.
        handle = gitpython.Repo(repo.path)
        assert allowed_signers_at(handle, "HEAD", policy.signoff.allowed_signers) == signers
        assert allowed_signers_at(handle, "HEAD", written) is None
