"""The format reviewgate asks `git log -z` for, and its parser: one pass over the
stream's bytes, one record per commit, no git process of its own."""

from __future__ import annotations

import codecs
import queue
import re
import threading
from collections.abc import Iterator
from typing import NamedTuple

from reviewgate.errors import GitError
from reviewgate.model.commit import ChangedPath, Person

# Fields of one commit header, NUL-separated; the message (%B) comes last. git's
# own re-encoding to UTF-8 is kept (it honours the `encoding` header); `%e` lets us
# decode what git could not convert.
# git parses the trailers itself (%(trailers): committed messages, no `---`
# divider, core.commentChar and trailer.separators honoured): that is the very
# algorithm message.parse_trailers mirrors, and it costs git nothing measurable
# where Python would spend a third of a long check. RS between trailers, US
# between key and value; a message holding either falls back to our parser.
TRAILER_SEP, KEY_VALUE_SEP = b"\x1e", b"\x1f"
_TRAILERS = "%(trailers:only,unfold,separator=%x1e,key_value_separator=%x1f)"



_FIELDS = ("%H", "%P", "%an", "%ae", "%aI", "%cn", "%ce", "%cI", "%e", _TRAILERS, "%B")



LOG_FORMAT = "%x00".join(_FIELDS)



_HEADER_TOKENS = len(_FIELDS)



def read_chunks(stream: object, size: int = 1 << 20) -> Iterator[bytes]:
    """The bytes of `stream` as they come, read by a thread of their own.

    A pipe holds 64 KiB: read and parsed in one thread, git would stop whenever
    Python parses, and the two would take turns instead of working at once. The
    thread only waits in read(), which releases the GIL."""
    # Bounded so that a stalled consumer cannot buffer a whole history in memory.
    pending: queue.Queue[bytes | BaseException] = queue.Queue(maxsize=4096)
    read = getattr(stream, "read1", None) or stream.read  # type: ignore[attr-defined]

    def pump() -> None:
        try:
            while True:
                chunk = read(size)
                pending.put(chunk)
                if not chunk:
                    return
        except BaseException as error:  # handed to the consumer, raised there
            pending.put(error)

    threading.Thread(target=pump, name="reviewgate-git-log", daemon=True).start()
    while True:
        item = pending.get()
        if isinstance(item, BaseException):
            raise item
        if not item:
            return
        yield item



# A tuple, not a frozen dataclass: one is built per commit of a range, and a
# frozen dataclass sets each field through object.__setattr__ (3x the cost).
class _RawCommit(NamedTuple):
    sha: str
    parents: tuple[str, ...]
    author: Person
    committer: Person
    encoding: str
    trailers: bytes
    message: bytes
    changes: tuple[ChangedPath, ...]



# One commit of `git log -z --format=LOG_FORMAT --name-status`: NUL-ended header
# fields (the message last), then, when it changed paths, "\n" and its entries:
# R/C with two paths, any other status with one.
_RECORD = re.compile(
    rb"([0-9a-f]{40}(?:[0-9a-f]{24})?)\0([0-9a-f ]*)\0"
    + rb"([^\0]*)\0" * (_HEADER_TOKENS - 2)
    + rb"(?:\n((?:[RC][0-9]*\0[^\0]*\0[^\0]*\0|[ADMTUXB][0-9]*\0[^\0]*\0)*))?"
)



_NEXT_RECORD = re.compile(rb"[0-9a-f]{40}(?:[0-9a-f]{24})?\0")



def parse_log_stream(chunks: Iterator[bytes]) -> Iterator[_RawCommit]:
    """Parse the output of `git log -z --format=LOG_FORMAT [--name-status]`.

    One regular expression per commit instead of a Python step per NUL-separated
    token: parsing is most of what `check` costs on a long range. A record is
    complete once the next one has visibly begun (or the stream has ended), since a
    chunk may end inside its list of paths.
    """
    buffer = b""
    pos = 0
    ended = False
    seen = _Seen()
    pending: list[bytes] = []  # chunks not yet joined to the buffer
    waiting = 0  # bytes in `pending`
    # A record that did not match yet is tried again only once the unparsed bytes
    # have doubled (or the stream has ended): a 50 MB message arriving in 64 KiB
    # pieces is then matched about 26 times, not 800 times over a growing buffer,
    # so the parse stays linear in the record's size.
    retry_at = 0
    # Nor before it holds the NULs of a whole header and the next record's first.
    nuls = 0  # in buffer[pos:] and `pending`
    while True:
        if waiting and (ended or (len(buffer) - pos + waiting >= retry_at
                                  and nuls > _HEADER_TOKENS)):
            buffer = buffer[pos:] + b"".join(pending)
            pos, pending, waiting = 0, [], 0
        found = _RECORD.match(buffer, pos)
        if found is not None and (ended or _NEXT_RECORD.match(buffer, found.end()) is not None):
            pos = found.end()
            yield _make_raw(found, seen)
            if ended and pos == len(buffer):
                return
            continue
        if ended:
            if pos == len(buffer):
                return
            raise GitError(f"unexpected git log output at byte {pos}")
        retry_at = 2 * (len(buffer) - pos)
        nuls = buffer.count(b"\0", pos) + sum(c.count(b"\0") for c in pending)
        while True:
            chunk = next(chunks, None)
            if chunk is None:
                ended = True
                break
            pending.append(chunk)
            waiting += len(chunk)
            nuls += chunk.count(b"\0")
            if len(buffer) - pos + waiting >= retry_at and nuls > _HEADER_TOKENS:
                break


class _Seen:
    """What one log has decoded already. A long history names the same paths and
    people again and again: each distinct one is one object, shared by every
    commit (they are immutable), which keeps a long range's memory to its
    messages. On git/git's history (82,000 commits) this saves ~70 MiB."""

    __slots__ = ("changes", "names", "paths")

    def __init__(self) -> None:
        self.changes: dict[bytes, ChangedPath] = {}
        self.paths: dict[bytes, str] = {}
        self.names: dict[bytes, str] = {}

    def path(self, raw: bytes) -> str:
        text = self.paths.get(raw)
        if text is None:
            # Paths are bytes to git; keep undecodable ones round-trippable.
            text = self.paths[raw] = raw.decode("utf-8", "surrogateescape")
        return text

    def name(self, raw: bytes) -> str:
        text = self.names.get(raw)
        if text is None:
            text = self.names[raw] = raw.decode("utf-8", "replace")
        return text


def _changes(block: bytes | None, seen: _Seen) -> tuple[ChangedPath, ...]:
    if not block:
        return ()
    tokens = block.split(b"\0")
    changes: list[ChangedPath] = []
    i, last = 0, len(tokens) - 1  # the block ends with a NUL: one empty token
    while i < last:
        status = tokens[i]
        if status[:1] in (b"R", b"C"):
            old, new = seen.path(tokens[i + 1]), seen.path(tokens[i + 2])
            changes.append(ChangedPath(chr(status[0]), new, old, int(status[1:] or 0)))
            i += 3
        else:
            key = status + b"\0" + tokens[i + 1]
            change = seen.changes.get(key)
            if change is None:
                change = seen.changes[key] = ChangedPath(
                    status.decode("ascii")[0], seen.path(tokens[i + 1])
                )
            changes.append(change)
            i += 2
    return tuple(changes)



def _person(name: bytes, email: bytes, date: bytes, seen: _Seen) -> Person:
    return Person(seen.name(name), seen.name(email), date.decode())



def _make_raw(found: re.Match[bytes], seen: _Seen) -> _RawCommit:
    sha, parents, an, ae, ad, cn, ce, cd, enc, trailers, message, paths = found.groups()
    return _RawCommit(
        sha=sha.decode("ascii"),
        parents=tuple(parents.decode("ascii").split()),
        author=_person(an, ae, ad, seen),
        committer=_person(cn, ce, cd, seen),
        encoding=enc.decode("ascii", "replace"),
        trailers=trailers,
        message=message,
        changes=_changes(paths, seen),
    )



def split_trailers(text: str) -> list[tuple[str, str]]:
    if not text:
        return []
    pairs = []
    for item in text.split(TRAILER_SEP.decode()):
        key, _, value = item.partition(KEY_VALUE_SEP.decode())
        pairs.append((key, value))
    return pairs



def decode_message(raw: bytes, encoding: str) -> str:
    """git re-encodes messages to UTF-8 by their `encoding` header; when it could not
    (an encoding iconv does not know, or a wrong header), decode here."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if encoding:
        try:
            codecs.lookup(encoding)
            return raw.decode(encoding, "replace")
        except LookupError:
            pass
    return raw.decode("utf-8", "replace")

