"""The benchmark history as a `git fast-import` stream: files, changes, merges.

Pure apart from the `write` callback; everything comes from one `random.Random`,
so a seed always gives the same stream.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from _messages import CommitText, commit_text, merge_text, sentence

_EPOCH = 1_600_000_000
_ZONES = ("+0000", "+0100", "+0200", "-0700", "-0400", "+0530", "+0900", "-0300")
_PKGS = ("core", "api", "cli", "io", "util", "plugins", "data files")
_PKG_WEIGHTS = (5, 4, 3, 3, 3, 2, 1)
_DOC_DIRS = ("guide", "reference", "user guide")
_STEMS = ("parser", "cache", "store", "router", "config", "loader", "walker", "report",
          "session", "client", "schema", "retry", "diff", "index", "hooks", "tokens")
_TOP_FILES = ("pyproject.toml", "README.md", ".github/workflows/ci.yml", "CHANGELOG.md")
_CHANGES = (1, 2, 3, 4, 5, 6, 7, 8)
_CHANGE_WEIGHTS = (30, 22, 15, 10, 8, 6, 5, 4)


def _quote(path: str) -> str:
    # fast-import needs quoting for a path with spaces in R/C; quoting is legal anywhere.
    if " " in path or '"' in path or "\\" in path:
        return '"' + path.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return path


class _Tree:
    """A branch's files, with a per-area list so a random pick costs O(1)."""

    def __init__(self) -> None:
        self.data: dict[str, bytes] = {}
        self.by_area: dict[str, list[str]] = {}
        self.index: dict[str, int] = {}

    @staticmethod
    def area(path: str) -> str:
        head = path.split("/", 1)[0]
        return head if head in ("src", "tests", "docs") else "top"

    def __contains__(self, path: object) -> bool:
        return path in self.data

    def __len__(self) -> int:
        return len(self.data)

    def put(self, path: str, data: bytes) -> None:
        if path not in self.data:
            paths = self.by_area.setdefault(self.area(path), [])
            self.index[path] = len(paths)
            paths.append(path)
        self.data[path] = data

    def remove(self, path: str) -> bytes:
        paths = self.by_area[self.area(path)]
        where = self.index.pop(path)
        last = paths.pop()
        if last != path:
            paths[where] = last
            self.index[last] = where
        return self.data.pop(path)

    def pick(self, rng: random.Random, area: str, exclude: set[str]) -> str | None:
        paths = self.by_area.get(area)
        for _ in range(8 if paths else 0):
            path = paths[rng.randrange(len(paths))]  # type: ignore[index]
            if path not in exclude:
                return path
        return None

    def copy(self) -> _Tree:
        other = _Tree()
        other.data = dict(self.data)
        other.by_area = {k: list(v) for k, v in self.by_area.items()}
        other.index = dict(self.index)
        return other


class _History:
    """Writes the fast-import stream while tracking each branch's files."""

    def __init__(self, rng: random.Random, write: Callable[[bytes], None]) -> None:
        self.rng = rng
        self.write = write
        self.mark = 0
        self.clock = _EPOCH
        self.issue = 1000

    def new_path(self, files: _Tree, area: str) -> str:
        rng = self.rng
        stem = rng.choice(_STEMS) + ("_" + rng.choice(_STEMS) if rng.random() < 0.5 else "")
        if area == "tests":
            path = f"tests/{rng.choice(('unit', 'integration'))}/test_{stem}.py"
        elif area == "docs":
            dirname = rng.choices(_DOC_DIRS, weights=(5, 4, 1))[0]
            path = f"docs/{dirname}/{stem.replace('_', '-')}.md"
        else:
            pkg = rng.choices(_PKGS, weights=_PKG_WEIGHTS)[0]
            path = f"src/acme/{pkg}/{stem}.py"
        number = 2
        base = path
        while path in files:
            head, dot, ext = base.rpartition(".")
            path = f"{head}_{number}{dot}{ext}"
            number += 1
        return path

    def content(self, path: str) -> bytes:
        rng = self.rng
        if path.endswith(".md"):
            lines = [f"# {path}", ""] + [sentence(rng, 5, 10) for _ in range(rng.randint(4, 10))]
        else:
            lines = [f'"""{path}"""', ""]
            for i in range(rng.randint(3, 7)):
                lines += [f"def f{i}_{rng.randint(0, 999)}(x):", f"    return x + {i}", ""]
        return ("\n".join(lines) + "\n").encode()

    def modify(self, old: bytes) -> bytes:
        rng = self.rng
        lines = old.decode().split("\n")
        for _ in range(rng.randint(1, 3)):
            index = rng.randrange(1, len(lines))
            fresh = f"# note {rng.randint(0, 99999)}"
            if rng.random() < 0.3 and len(lines) < 40:
                lines.insert(index, fresh)
            elif rng.random() < 0.1 and len(lines) > 8:
                del lines[index]
            else:
                lines[index] = fresh
        return "\n".join(lines).encode()

    def areas(self, kind: str) -> list[str]:
        return {
            "docs": ["docs"], "test": ["tests"], "perf": ["src"], "refactor": ["src", "tests"],
            "fix": ["src", "tests"], "feat": ["src", "tests", "docs"], "deps": ["top"],
            "chore": ["top", "src", "docs"], "ci": ["top"], "build": ["top"],
        }.get(kind, ["src", "tests"])

    def changes(self, files: _Tree, kind: str) -> list[bytes]:
        """Pick this commit's file operations, apply them to `files`, return the stream."""
        rng = self.rng
        out: list[bytes] = []
        touched: set[str] = set()
        areas = self.areas(kind)
        for _ in range(rng.choices(_CHANGES, weights=_CHANGE_WEIGHTS)[0]):
            area = rng.choice(areas)
            if area == "top":
                path = rng.choice(_TOP_FILES)
                if path not in touched:
                    data = self.modify(files.data[path]) if path in files else self.content(path)
                    out.append(self.put(files, touched, path, data))
                continue
            existing = files.pick(rng, area, touched)
            roll = rng.random()
            grow = 0.2 if len(files) < 1500 else 0.05
            if existing is None or roll < grow:
                path = self.new_path(files, area)
                out.append(self.put(files, touched, path, self.content(path)))
            elif roll < grow + 0.06:
                files.remove(existing)
                touched.add(existing)
                out.append(f"D {_quote(existing)}\n".encode())
            elif roll < grow + 0.14:
                new = self.new_path(files, area)
                files.put(new, files.remove(existing))
                touched.update((existing, new))
                out.append(f"R {_quote(existing)} {_quote(new)}\n".encode())
                if rng.random() < 0.4:  # renamed and edited: a similarity below 100%
                    out.append(self.put(files, touched, new, self.modify(files.data[new])))
            else:
                data = self.modify(files.data[existing])
                out.append(self.put(files, touched, existing, data))
        return out

    @staticmethod
    def put(files: _Tree, touched: set[str], path: str, data: bytes) -> bytes:
        files.put(path, data)
        touched.add(path)
        return b"M 100644 inline %s\ndata %d\n%s\n" % (_quote(path).encode(), len(data), data)

    def commit(self, ref: str, text: CommitText, ops: list[bytes], *,
               parent: int | None = None, merge: int | None = None) -> int:
        rng = self.rng
        self.mark += 1
        self.clock += rng.randint(60, 20_000)
        zone = rng.choice(_ZONES)
        committed = self.clock + (rng.randint(0, 86_400) if text.author != text.committer else 0)
        codec, encoding = "utf-8", b""
        message = text.message
        if rng.random() < 0.002:
            # A legacy client: the whole commit (identities too) in ISO-8859-1, declared
            # by git's `encoding` header.
            codec, encoding = "latin-1", b"encoding ISO-8859-1\n"
            message = message.rstrip("\n") + "\n\nCafé façade résumé.\n"
        raw = message.encode(codec, "replace")
        author, committer = (x.encode(codec, "replace") for x in (text.author, text.committer))
        head = b"commit %s\nmark :%d\nauthor %s %d %s\ncommitter %s %d %s\n%sdata %d\n%s\n" % (
            ref.encode(), self.mark, author, self.clock, zone.encode(),
            committer, committed, zone.encode(), encoding, len(raw), raw,
        )
        links = (b"from :%d\n" % parent if parent else b"") + (
            b"merge :%d\n" % merge if merge else b"")
        self.write(head + links + b"".join(ops) + b"\n")
        return self.mark


def _one(history: _History, files: _Tree, ref: str, parent: int | None = None) -> int:
    text = commit_text(history.rng, fix_ref=history.issue)
    history.issue += 1
    return history.commit(ref, text, history.changes(files, text.kind), parent=parent)


def _topic(history: _History, main: _Tree, tip: int, side_len: int, main_len: int) -> int:
    """A topic branch forked from `tip`, main moving on meanwhile, then a merge whose
    tree takes the topic's version of every path the topic changed."""
    fork = main.copy()
    side = main.copy()
    side_tip = _one(history, side, "refs/heads/side", parent=tip)
    for _ in range(side_len - 1):
        side_tip = _one(history, side, "refs/heads/side")
    for _ in range(main_len):
        tip = _one(history, main, "refs/heads/main")
    ops: list[bytes] = []
    for path in sorted(fork.data.keys() | side.data.keys()):
        if path not in side:
            if path in main:
                main.remove(path)
                ops.append(f"D {_quote(path)}\n".encode())
        elif fork.data.get(path) != side.data[path]:
            ops.append(history.put(main, set(), path, side.data[path]))
    rng = history.rng
    branch = f"{rng.choice(('ada', 'zoe', 'kofi', 'priya'))}/topic-{history.issue}"
    return history.commit("refs/heads/main", merge_text(rng, history.issue, branch), ops,
                          parent=tip, merge=side_tip)


def generate(commits: int, seed: int, write: Callable[[bytes], None]) -> int:
    """Write a history of exactly `commits` commits reachable from refs/heads/main.
    Return how many of them are merges."""
    rng = random.Random(seed)
    history = _History(rng, write)
    main = _Tree()
    initial = CommitText("Ada Lovelace <ada@example.org>", "Ada Lovelace <ada@example.org>",
                         "chore: initial import\n", "chore")
    ops: list[bytes] = []
    for area in ("src",) * 16 + ("tests",) * 10 + ("docs",) * 6:
        path = history.new_path(main, area)
        ops.append(history.put(main, set(), path, history.content(path)))
    tip = history.commit("refs/heads/main", initial, ops)
    made, merges = 1, 0
    while made < commits:
        left = commits - made
        side_len, main_len = rng.randint(1, 5), rng.randint(0, 3)
        # Roughly one topic branch per 120 commits, and at least one in any history
        # long enough to hold it, so small test repositories have merges too.
        wanted = rng.random() < 1 / 120 or (merges == 0 and made >= commits // 2)
        if wanted and left >= side_len + main_len + 1:
            tip = _topic(history, main, tip, side_len, main_len)
            made += side_len + main_len + 1
            merges += 1
        else:
            tip = _one(history, main, "refs/heads/main")
            made += 1
    write(b"done\n")
    return merges
