"""Long dated histories for stats' tests, written by one `git fast-import`: a
few hundred commits in a fraction of a second, with the author dates a test names."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Sequence
from datetime import datetime, timezone
from pathlib import Path

from conftest import Repo

EPOCH = "1767323045"  # 2026-01-02T03:04:05Z, for SOURCE_DATE_EPOCH


def reviewgate(cwd: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "reviewgate", *args], cwd=cwd, capture_output=True, text=True,
        timeout=120, env={**os.environ, **env},
    )


def commit_stream(dated_messages: Sequence[tuple[str, str]], branch: str = "main") -> bytes:
    """A fast-import stream of one commit per (ISO date, message), oldest first,
    each changing `n.txt`, on `branch`."""
    out: list[bytes] = []
    for mark, (date, message) in enumerate(dated_messages, start=1):
        moment = datetime.fromisoformat(date.replace("Z", "+00:00"))
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=timezone.utc)
        stamp = f"{int(moment.timestamp())} +0000"
        body = message.encode()
        content = f"{mark}\n".encode()
        out.append(
            f"commit refs/heads/{branch}\nmark :{mark}\n"
            f"author Ada Author <ada@example.org> {stamp}\n"
            f"committer Ada Author <ada@example.org> {stamp}\n"
            f"data {len(body)}\n".encode() + body + b"\n"
            + (f"from :{mark - 1}\n".encode() if mark > 1 else b"")
            + f"M 100644 inline n.txt\ndata {len(content)}\n".encode() + content + b"\n"
        )
    return b"".join(out)


def import_history(repo: Repo, dated_messages: Sequence[tuple[str, str]]) -> None:
    repo.git("fast-import", "--quiet", input=commit_stream(dated_messages))


def monthly(first_year: int, months: int, per_month: int = 2) -> list[tuple[str, str]]:
    """`per_month` commits in each of `months` months from January of
    `first_year`: the first of each month declares Claude, the others no tool."""
    plan = []
    for index in range(months):
        year, month = divmod(index, 12)
        for day in range(per_month):
            date = f"{first_year + year:04d}-{month + 1:02d}-{day + 1:02d}T12:00:00Z"
            message = (
                f"Add part {index}.{day}\n\nAssisted-by: Claude:opus-4\n"
                if day == 0
                else f"Add part {index}.{day}\n"
            )
            plan.append((date, message))
    return plan


# Five commits over three months: two tools, the kernel docs' template text
# (AGENT_NAME:MODEL_VERSION, no tool), a sign-off, a fix without a test.
SMALL = (
    ("2025-11-03T12:00:00Z", "Add core\n"),
    ("2025-11-20T12:00:00Z", "Add api\n\nAssisted-by: Claude:opus-4\n"
                             "Reviewed-by: Bob Reviewer <bob@example.org>\n"),
    ("2025-12-01T12:00:00Z", "Add cli\n\nAssisted-by: AGENT_NAME:MODEL_VERSION\n"),
    ("2025-12-02T12:00:00Z", "fix: cli\n\nAssisted-by: Codex:gpt-5\n"),
    ("2026-01-15T12:00:00Z", "Add ui\n\nAssisted-by: AGENT_NAME:MODEL_VERSION [TOOL1]\n"
                             "Assisted-by: Claude:opus-4\n"),
)
