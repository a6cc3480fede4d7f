"""`reviewgate init`: write the commented starter policy."""

from __future__ import annotations

from pathlib import Path

from reviewgate.errors import ReviewgateError
from reviewgate.policy import POLICY_FILE_NAME


def init(root: Path, *, force: bool, path: Path | None = None) -> Path:
    """Write the starter policy to `path` (relative paths from `root`; default
    `<root>/.reviewgate.yaml`) and return where it went. An existing file is left
    untouched unless `force` is set."""
    from reviewgate.policy_template import STARTER_POLICY

    target = Path(root) / (path if path is not None else POLICY_FILE_NAME)
    if target.is_dir():
        raise ReviewgateError(f"{target} is a directory; cannot write the policy there")
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
