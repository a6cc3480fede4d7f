"""Peak memory of one command: its own resident set, and its git children's.

Sampled from /proc every 5 ms (Linux only): memory grows over a long range, so
the samples find the peak within a few MiB. A process's VmRSS counts the pages of
git's pack files it has mapped, which the page cache shares; the anonymous part
(RssAnon) is what the process itself allocated, so both are reported for git.
"""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Peak:
    own_mib: float  # the command's own process, VmRSS
    children_anon_mib: float  # the largest sum of its children's RssAnon at one time


def _status(pid: int) -> dict[str, int]:
    fields: dict[str, int] = {}
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as handle:
            for line in handle:
                name, _, value = line.partition(":")
                if name in ("VmRSS", "RssAnon"):
                    fields[name] = int(value.split()[0])
    except (OSError, ValueError):
        pass
    return fields


def _children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as handle:
                parent = int(handle.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        if parent == pid:
            found.append(int(entry))
    return found


def available() -> bool:
    return Path("/proc/self/status").exists()


def peak_memory(argv: Sequence[str], cwd: Path, env: Mapping[str, str]) -> Peak:
    """Run `argv` to its end, its output thrown away, sampling its memory."""
    proc = subprocess.Popen(list(argv), cwd=cwd, env=dict(env), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    own = children = 0
    while proc.poll() is None:
        own = max(own, _status(proc.pid).get("VmRSS", 0))
        children = max(children, sum(_status(c).get("RssAnon", 0) for c in _children(proc.pid)))
        time.sleep(0.005)
    return Peak(own / 1024, children / 1024)
