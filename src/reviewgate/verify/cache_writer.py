"""New verify results written to refs/notes/reviewgate in batches: one notes
commit and one `git fast-import` process for many results, instead of a
`git notes add` (and a notes commit) per fix.

`Batch` collects the results as they arrive and writes them when the run ends,
when it is interrupted (engine.verify_jobs writes in a `finally`), and whenever
its oldest unwritten result is FLUSH_SECONDS old, so a SIGKILL loses at most
that much work.

A write reads the notes ref's commit and, for each green tree, the note it
holds (to merge the new line into, cache.render_note), then hands fast-import a
commit on top of that one. fast-import updates the ref only if it still points
where it was read (it refuses a non-fast-forward, and its ref transaction
checks the old value): when another verify wrote meanwhile, the write starts
again from the new tip. fast-import's notemodify (`N`) takes commits only, and
the notes hang on trees, so each note is written as a file at the path `git
notes` would read it from: where the tree has it already, else at the fan-out
(`ab/cdef…`) the tree uses (git's next `git notes add` rewrites the fan-out to
its taste).
"""

from __future__ import annotations

import subprocess
import tempfile
import time
from collections.abc import Sequence

from reviewgate.errors import GitError
from reviewgate.verify.cache import NOTES_REF, CachedResult, render_note
from reviewgate.verify.objects import TREE_MODE, ObjectReader

FALLBACK_IDENTITY = ("-c", "user.name=reviewgate", "-c", "user.email=reviewgate@localhost")
FLUSH_SECONDS = 30.0
ATTEMPTS = 5  # the ref moved under each of them: another verify writes as fast as we do
MESSAGE = "reviewgate verify: {count} result(s)\n"
_HEX = frozenset("0123456789abcdef")


class Batch:
    """The results of a run not yet in the notes ref."""

    def __init__(self, git_dir: str, flush_seconds: float = FLUSH_SECONDS) -> None:
        self.git_dir = git_dir
        self.flush_seconds = flush_seconds
        self.pending: list[CachedResult] = []
        self._since = 0.0

    def add(self, result: CachedResult) -> None:
        if not self.pending:
            self._since = time.monotonic()
        self.pending.append(result)
        if time.monotonic() - self._since >= self.flush_seconds:
            self.flush()

    def flush(self) -> None:
        """Write every pending result (nothing when there is none)."""
        if not self.pending:
            return
        write_results(self.git_dir, self.pending)
        self.pending = []


def write_results(git_dir: str, results: Sequence[CachedResult]) -> None:
    """Merge `results` into the notes, in one notes commit."""
    committer = _committer(git_dir)
    tip = ""
    for attempt in range(ATTEMPTS):
        with ObjectReader(git_dir) as reader:
            found = reader.read(NOTES_REF)
            if found is not None and found[1] != "commit":
                raise GitError(f"{NOTES_REF} does not point at a commit: it cannot hold notes")
            tip = found[0] if found is not None else ""
            files = _note_files(reader, f"{tip}^{{tree}}" if tip else None, results)
        stream = _stream(tip, committer, files, len(results))
        code, stderr = _run_to_the_end(
            ["git", "--git-dir", git_dir, "fast-import", "--quiet", "--done"], stream)
        if code == 0:
            return
        time.sleep(0.05 * (attempt + 1))
    raise GitError(f"cannot write the verify cache ({NOTES_REF}): {stderr.strip()}")


def _note_files(
    reader: ObjectReader, root: str | None, results: Sequence[CachedResult]
) -> dict[str, bytes]:
    """path in the notes tree -> the note's new text, for every green tree."""
    texts: dict[str, str] = {}
    paths: dict[str, str] = {}
    for result in results:
        green = result.key.green
        if green not in paths:
            paths[green], texts[green] = _find_note(reader, root, green)
        texts[green] = render_note(texts[green], result)
    return {paths[green]: text.encode("utf-8") for green, text in texts.items()}


def _find_note(reader: ObjectReader, root: str | None, name: str) -> tuple[str, str]:
    """(the path of `name`'s note in the notes tree, its text), "" for none yet."""
    if root is None:
        return name, ""
    parts: list[str] = []
    rest = name
    tree = root
    while True:
        entries = {entry[1].decode("ascii", "replace"): entry for entry in reader.entries(tree)}
        note = entries.get(rest)
        if note is not None and note[0] != TREE_MODE:
            found = reader.read(note[2].hex())
            text = found[2].decode("utf-8", "replace") if found else ""
            return "/".join([*parts, rest]), text
        below = entries.get(rest[:2])
        if below is not None and below[0] == TREE_MODE:
            parts.append(rest[:2])
            rest = rest[2:]
            tree = below[2].hex()
            continue
        fanned = any(mode == TREE_MODE and len(key) == 2 and set(key) <= _HEX
                     for key, (mode, _, _) in entries.items())
        new = [*parts, rest[:2], rest[2:]] if fanned else [*parts, rest]
        return "/".join(new), ""


def _stream(tip: str, committer: str, files: dict[str, bytes], count: int) -> bytes:
    message = MESSAGE.format(count=count).encode()
    out = [
        b"feature done\n",
        f"commit {NOTES_REF}\ncommitter {committer}\n".encode(),
        b"data %d\n%s\n" % (len(message), message),
    ]
    if tip:
        out.append(f"from {tip}\n".encode())
    for path, data in sorted(files.items()):
        out.append(b"M 100644 inline %s\ndata %d\n%s\n" % (path.encode(), len(data), data))
    out.append(b"\ndone\n")
    return b"".join(out)


def _committer(git_dir: str) -> str:
    """The committer line `git notes add` would write: the user's identity now,
    or reviewgate's when git has none (a CI runner often has none)."""
    for extra in ((), FALLBACK_IDENTITY):
        ident = subprocess.run(["git", *extra, "--git-dir", git_dir, "var", "GIT_COMMITTER_IDENT"],
                               capture_output=True, text=True)
        if ident.returncode == 0 and ident.stdout.strip():
            return ident.stdout.strip()
    raise GitError(f"cannot write the verify cache ({NOTES_REF}): {ident.stderr.strip()}")


def _run_to_the_end(argv: list[str], data: bytes) -> tuple[int, str]:
    """Run git on `data` in a session of its own and let it finish even on Ctrl-C
    (raised afterwards): killed halfway, it could leave the notes ref locked. The
    stream comes from a file, so a Ctrl-C cannot cut it short either (and a stream
    cut short, without its `done`, changes nothing)."""
    with tempfile.TemporaryFile() as stream:
        stream.write(data)
        stream.seek(0)
        proc = subprocess.Popen(argv, stdin=stream, stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE, start_new_session=True)
    interrupted: BaseException | None = None
    while True:
        try:
            _, stderr = proc.communicate()
            break
        except KeyboardInterrupt as error:
            interrupted = error
    if interrupted is not None:
        raise interrupted
    return proc.returncode, stderr.decode("utf-8", "replace")
