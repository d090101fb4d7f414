"""Which known name a misspelt one probably meant: the "did you mean" of every rule that has one.

Only a name that is certainly close is proposed, so that a suggestion never swaps one real name for
another that merely looks alike.
"""

from __future__ import annotations


def typo_of(name: str, candidates: list[str]) -> str | None:
    """The known name a misspelt one stands for: the same name in another case, the one name it
    abbreviates (`param`, at least half of it), or the one a typo away (one edit, two in a name
    over ten characters); never a real name that merely looks alike (`parseJSON`, `parseNumber`)."""
    by_case = [candidate for candidate in candidates if candidate.lower() == name.lower()]
    if by_case:
        return by_case[0]
    longer = [c for c in candidates if c.lower().startswith(name.lower()) and len(c) <= 2 * len(name)]
    if len(name) >= 3 and len(longer) == 1:
        return longer[0]
    limit = 1 if len(name) <= 10 else 2
    close = [(typos(name.lower(), c.lower(), limit), c) for c in candidates if abs(len(c) - len(name)) <= limit]
    best = sorted((count, c) for count, c in close if count <= limit)
    unique = len(best) == 1 or (len(best) > 1 and best[0][0] < best[1][0])
    return best[0][1] if unique else None


def typos(typed: str, known: str, limit: int) -> int:
    """Edits (insert, delete, replace, swap two neighbours) from ``typed`` to ``known``; above
    ``limit`` the count is only known to exceed it."""
    before: list[int] | None = None
    previous = list(range(len(known) + 1))
    for i, char in enumerate(typed, 1):
        current = [i] + [0] * len(known)
        for j, other in enumerate(known, 1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char != other))
            if before is not None and i > 1 and j > 1 and char == known[j - 2] and typed[i - 2] == other:
                current[j] = min(current[j], before[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        before, previous = previous, current
    return previous[-1]
