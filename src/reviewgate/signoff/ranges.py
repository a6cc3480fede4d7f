"""What `Signoff-range: BASE..TIP` statements cover: all of them in one walk.

Pure: a parent graph and the statements in, no git. Walking each statement's
BASE..TIP on its own costs the whole range once per statement, so a commit
stating thousands of them (one line each) made the check quadratic. Here every
statement is a bit of three integers carried down the graph, children before
parents (by generation): which statements' carriers reach a commit, which tips,
which bases. A commit reached by statement i's tip, not by its base, and whose
tip its carrier reaches, is covered by statement i. Python's integers do the
set operations for all statements at once, in C.

Only the keys of `parents` are commits of the graph (as in git.ancestry): a
parent outside it is never walked.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from reviewgate.git.ancestry import generations

__all__ = ["cover"]


def cover(
    parents: Mapping[str, Sequence[str]], statements: Sequence[tuple[str, str, str]]
) -> dict[str, set[str]]:
    """For each carrier, the commits its statements (carrier, base, tip) cover:
    BASE..TIP (`git rev-list TIP ^BASE` within the graph), without the carrier,
    and only where TIP is the carrier or one of its ancestors."""
    carrier_bits: dict[str, int] = {}
    tip_bits: dict[str, int] = {}
    base_bits: dict[str, int] = {}
    carriers: list[str] = []
    carrier_mask: dict[str, int] = {}
    for i, (carrier, base, tip) in enumerate(statements):
        bit = 1 << i
        carriers.append(carrier)
        if carrier in parents and tip in parents:
            carrier_bits[carrier] = carrier_bits.get(carrier, 0) | bit
            tip_bits[tip] = tip_bits.get(tip, 0) | bit
        base_bits[base] = base_bits.get(base, 0) | bit
        carrier_mask[carrier] = carrier_mask.get(carrier, 0) | bit
    if not tip_bits:
        return {}
    generation = generations(parents)
    # Carried down from the children: (carriers, tips, bases) that reach a commit.
    reach: dict[str, tuple[int, int, int]] = {}
    covered: dict[str, set[str]] = {}
    for sha in sorted(parents, key=generation.__getitem__, reverse=True):
        k, t, b = reach.pop(sha, (0, 0, 0))
        k |= carrier_bits.get(sha, 0)
        t |= tip_bits.get(sha, 0) & k  # a tip counts where its own carrier reaches it
        b |= base_bits.get(sha, 0)
        if not (k or t or b):
            continue
        here = t & ~b
        while here:
            i = (here & -here).bit_length() - 1
            carrier = carriers[i]
            if carrier != sha:
                covered.setdefault(carrier, set()).add(sha)
            here &= ~carrier_mask[carrier]  # one carrier once, however many statements
        for parent in parents[sha]:
            if parent in parents:
                pk, pt, pb = reach.get(parent, (0, 0, 0))
                reach[parent] = (pk | k, pt | t, pb | b)
    return covered
