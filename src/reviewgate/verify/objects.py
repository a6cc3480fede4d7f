"""Read git objects through one `git cat-file --batch` process, and compute the
red state's tree without touching any index.

The red tree of a fix is its parent's tree with the fix's versions of its
test files put in (a test file the fix deletes is left out). It is built here in
Python from the trees git hands over, so `check` can find a cached verdict with
one git process for the whole range; `verify` then writes the few new tree
objects with `git hash-object -w` so a worktree can check the tree out.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from reviewgate.errors import GitError

TREE_MODE = b"40000"
Entry = tuple[bytes, bytes, bytes]  # (mode, name, raw object id)


@dataclass(frozen=True)
class RedTree:
    oid: str
    new_trees: tuple[bytes, ...]  # raw contents of the trees git may not have yet


class ObjectReader:
    """A `git cat-file --batch` process: ask for any object name, get its type
    and contents. Use as a context manager; one process serves every request."""

    def __init__(self, git_dir: str) -> None:
        self.git_dir = git_dir
        self._proc: subprocess.Popen[bytes] | None = None
        # Learnt from the first object id git prints (40 or 64 hex digits), which
        # saves asking `git rev-parse --show-object-format` in a process of its own.
        self.format = "sha1"

    def __enter__(self) -> ObjectReader:
        self._proc = subprocess.Popen(
            ["git", "--git-dir", self.git_dir, "cat-file", "--batch"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
        )
        return self

    def __exit__(self, *exc: object) -> None:
        proc, self._proc = self._proc, None
        if proc is not None:
            assert proc.stdin is not None
            proc.stdin.close()
            proc.wait()
            assert proc.stdout is not None
            proc.stdout.close()

    def read(self, name: str) -> tuple[str, str, bytes] | None:
        """(oid, type, contents) of `name`, or None when it does not exist."""
        proc = self._proc
        if proc is None or proc.stdin is None or proc.stdout is None:
            raise RuntimeError("ObjectReader used outside its `with` block")
        if "\n" in name:
            return None
        proc.stdin.write(name.encode() + b"\n")
        proc.stdin.flush()
        header = proc.stdout.readline()
        if not header:
            raise GitError("git cat-file --batch ended unexpectedly")
        parts = header.split()
        if len(parts) != 3:  # "<name> missing" or "ambiguous"
            return None
        if len(parts[0]) == 64:
            self.format = "sha256"
        size = int(parts[2])
        data = proc.stdout.read(size)
        proc.stdout.read(1)  # the newline after the contents
        return parts[0].decode(), parts[1].decode(), data

    def tree_of(self, revision: str) -> str | None:
        found = self.read(f"{revision}^{{tree}}")
        return found[0] if found else None

    def entries(self, tree_oid: str) -> list[Entry]:
        found = self.read(tree_oid)
        if found is None or found[1] != "tree":
            raise GitError(f"not a tree: {tree_oid}")
        return parse_tree(found[2], self.hash_size)

    @property
    def hash_size(self) -> int:
        return 32 if self.format == "sha256" else 20

    def entry_at(self, tree_oid: str, path: str) -> tuple[bytes, bytes] | None:
        """(mode, raw oid) of `path` inside the tree, or None when it is absent."""
        current = tree_oid
        parts = path.encode("utf-8", "surrogateescape").split(b"/")
        for depth, part in enumerate(parts):
            match = next((e for e in self.entries(current) if e[1] == part), None)
            if match is None:
                return None
            if depth == len(parts) - 1:
                return match[0], match[2]
            if match[0] != TREE_MODE:
                return None
            current = match[2].hex()
        return None

    def red_tree(self, base_tree: str, fix_tree: str, test_paths: Iterable[str]) -> RedTree:
        """`base_tree` with each of `test_paths` set as it is in `fix_tree`."""
        changes: dict[tuple[bytes, ...], tuple[bytes, bytes] | None] = {}
        for path in sorted(set(test_paths)):
            key = tuple(path.encode("utf-8", "surrogateescape").split(b"/"))
            entry = self.entry_at(fix_tree, path)
            # A test file that became a directory: the file goes, and the
            # directory's own test files (also in `test_paths`) fill it in.
            changes[key] = None if entry is not None and entry[0] == TREE_MODE else entry
        new: list[bytes] = []
        oid = self._apply(base_tree, changes, new)
        if oid is None:  # everything removed: the empty tree
            oid = self._hash(b"")
            new.append(b"")
        return RedTree(oid, tuple(new))

    def _apply(
        self,
        tree_oid: str | None,
        changes: Mapping[tuple[bytes, ...], tuple[bytes, bytes] | None],
        new: list[bytes],
    ) -> str | None:
        entries = {e[1]: e for e in self.entries(tree_oid)} if tree_oid else {}
        below: dict[bytes, dict[tuple[bytes, ...], tuple[bytes, bytes] | None]] = {}
        for path, entry in changes.items():
            if len(path) == 1:
                if entry is None:
                    entries.pop(path[0], None)
                else:
                    entries[path[0]] = (entry[0], path[0], entry[1])
            else:
                below.setdefault(path[0], {})[path[1:]] = entry
        for name, sub in below.items():
            old = entries.get(name)
            sub_oid = old[2].hex() if old is not None and old[0] == TREE_MODE else None
            result = self._apply(sub_oid, sub, new)
            if result is None:
                # A directory that became a file: the file set above stays.
                if old is None or old[0] == TREE_MODE:
                    entries.pop(name, None)
            else:
                entries[name] = (TREE_MODE, name, bytes.fromhex(result))
        if not entries:
            return None
        raw = serialize_tree(entries.values())
        oid = self._hash(raw)
        if oid != tree_oid:
            new.append(raw)
        return oid

    def _hash(self, raw: bytes) -> str:
        digest = hashlib.new(self.format)
        digest.update(b"tree %d\0" % len(raw) + raw)
        return digest.hexdigest()


def parse_tree(data: bytes, hash_size: int) -> list[Entry]:
    entries: list[Entry] = []
    pos = 0
    while pos < len(data):
        space = data.index(b" ", pos)
        nul = data.index(b"\0", space)
        mode, name = data[pos:space], data[space + 1:nul]
        entries.append((mode, name, data[nul + 1:nul + 1 + hash_size]))
        pos = nul + 1 + hash_size
    return entries


def serialize_tree(entries: Iterable[Entry]) -> bytes:
    # git orders a tree's entries by name, a subtree's name as if it ended in "/".
    ordered = sorted(entries, key=lambda e: e[1] + b"/" if e[0] == TREE_MODE else e[1])
    return b"".join(mode + b" " + name + b"\0" + oid for mode, name, oid in ordered)


def write_trees(git_dir: str, raw_trees: Sequence[bytes]) -> None:
    """Store the tree objects that `red_tree` computed, with one git process."""
    if not raw_trees:
        return
    with tempfile.TemporaryDirectory(prefix="reviewgate-trees-") as tmp:
        names = []
        for index, raw in enumerate(dict.fromkeys(raw_trees)):
            name = os.path.join(tmp, str(index))
            with open(name, "wb") as handle:
                handle.write(raw)
            names.append(name)
        written = subprocess.run(
            ["git", "--git-dir", git_dir, "hash-object", "-w", "-t", "tree", "--stdin-paths"],
            input="\n".join(names) + "\n", capture_output=True, text=True,
        )
    if written.returncode != 0:
        raise GitError(f"cannot write the red state's trees: {written.stderr.strip()}")
