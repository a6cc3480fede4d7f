"""`reviewgate init`: write the commented starter policy."""

from __future__ import annotations

from pathlib import Path

from reviewgate.errors import ReviewgateError
from reviewgate.git.repo import open_repo
from reviewgate.policy.schema import POLICY_FILE_NAME, PYPROJECT_FILE_NAME
from reviewgate.policy.template import STARTER_POLICY


def init(root: Path, *, force: bool, path: Path | None = None) -> Path:
    """Write the starter policy to `path` (relative paths from `root`; default
    `<root>/.reviewgate.yaml`) and return where it went. An existing file is left
    untouched unless `force` is set. `root` is a repository's top: the default
    target is refused in a bare repository, whose "top" is its git directory."""
    if path is None and _is_bare(root):
        raise ReviewgateError(
            f"cannot write {POLICY_FILE_NAME} in {root}: a bare repository has no working "
            "tree; commit the policy from a clone, or name a file with --config"
        )
    if path is None and not force:
        _refuse_over_pyproject(Path(root))
    target = Path(root) / (path if path is not None else POLICY_FILE_NAME)
    if target.is_dir():
        raise ReviewgateError(f"{target} is a directory; cannot write the policy there")
    if not force and target.is_symlink() and not target.exists():
        from reviewgate.policy.files import broken_link

        raise ReviewgateError(
            f"{target} {broken_link(str(target))}; remove it, or pass --force to write "
            "through it"
        )
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        # Exclusive creation: nothing is overwritten, even if the file appears meanwhile.
        with open(target, "w" if force else "x", encoding="utf-8", newline="\n") as out:
            out.write(STARTER_POLICY)
    except FileExistsError:
        raise ReviewgateError(f"{target} already exists; pass --force to overwrite it") from None
    except OSError as exc:
        raise ReviewgateError(f"cannot write {target}: {exc.strerror}") from None
    return target


def _refuse_over_pyproject(root: Path) -> None:
    """A .reviewgate.yaml takes precedence over pyproject.toml's [tool.reviewgate]:
    writing one beside that table would replace the project's policy with the
    starter's defaults, silently."""
    from reviewgate.policy.files import pyproject_has_table

    if pyproject_has_table(root):
        raise ReviewgateError(
            f"{root / PYPROJECT_FILE_NAME} holds the policy in its [tool.reviewgate] table, "
            f"which a {POLICY_FILE_NAME} would override; edit that table (`reviewgate policy` "
            f"shows it), or pass --force to write {POLICY_FILE_NAME} anyway"
        )


def _is_bare(root: Path) -> bool:
    return bool(open_repo(root).bare)
