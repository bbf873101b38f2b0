"""Find a campaign's quotes in the plan's own text (`../shared/plans/<source>`).

The plans arrive in mixed Unicode forms with tabs and non-breaking spaces, so both sides are
compared after NFC normalisation and whitespace folding. A quote that is not found gets the
closest passage of the plan (its line number and text) and the first words that differ, so
the author can copy the sentence exactly — within a budget of work per quote and per campaign
(`SearchBudget`, engine.common.limits): a long quote found nowhere costs one pass over the plan,
not minutes of comparisons, and its finding then names no passage.
"""

from __future__ import annotations

import difflib
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from engine.common import limits
from engine.common.errors import Problem, UsageError
from engine.common.message import Msg
from engine.common.paths import plans_dir
from engine.model.source import read_text


def fold(text: str) -> str:
    """NFC, every run of whitespace (tabs, non-breaking spaces, newlines) one space."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def plan_path(source: str) -> Path:
    """The plan a campaign's `document.source` names, in the plans folder and nowhere else.

    The schema has already refused a name with a folder in it; a link that leads out of the
    folder is refused here, so a campaign can never have another file read and quoted."""
    folder = plans_dir()
    path = folder / source
    if path.is_symlink() or path.exists():
        target = path.resolve()
        if not target.is_relative_to(folder.resolve()):
            raise UsageError(
                Problem(
                    str(path),
                    Msg("problem.campaign_plan_link_outside"),
                    hint=Msg("problem.campaign_plan_link_outside_hint"),
                )
            )
    return path


@dataclass(frozen=True)
class Passage:
    line: int  # 1-based line of the plan where the passage starts
    text: str  # folded
    quote_has: str  # the first words that differ, as the quote has them
    plan_has: str  # … and as the plan has them


class SearchBudget:
    """The work lint's closest-passage search may still do for one campaign (issue 26): characters
    compared plus plan words scanned, counted in `spent` (engine.common.limits). Made once per lint
    of a campaign and handed to every `PlanText.closest` of it."""

    def __init__(self, total: int | None = None):
        self.left = limits.MAX_CAMPAIGN_QUOTE_SEARCH if total is None else total
        self.spent = 0

    def allows(self, work: int) -> bool:
        """Whether one quote may cost `work`: within the quote's limit and what the campaign has left."""
        return work <= min(limits.MAX_QUOTE_SEARCH, self.left)

    def spend(self, work: int) -> None:
        self.left -= work
        self.spent += work


class PlanText:
    """A plan's text, folded, with each word's line for pointing at passages (and, built once, each
    word's comparison key and where each word starts in the folded text, for the passage search)."""

    def __init__(self, path: Path, text: str):
        self.path = path
        self.words: list[str] = []
        self.lines: list[int] = []
        for n, line in enumerate(text.split("\n"), 1):
            for word in fold(line).split(" "):
                if word:
                    self.words.append(word)
                    self.lines.append(n)
        self.folded = " ".join(self.words)
        self._keys = [_key(w) for w in self.words]
        self._offsets = [0]  # where word i starts in `folded` (one past the end for the last)
        for word in self.words:
            self._offsets.append(self._offsets[-1] + len(word) + 1)

    @classmethod
    def read(cls, path: Path, display: str | None = None) -> PlanText:
        """Read with the limits of every input: a regular file, within the size limit, UTF-8."""
        return cls(path, read_text(path, display))

    def contains(self, quote: str) -> bool:
        return fold(quote) in self.folded

    def closest(self, quote: str, budget: SearchBudget | None = None) -> Passage | None:
        """The passage of the plan most like `quote` (about its length in words), or None: an
        empty quote or plan, or a search that would cost more than `budget` allows (a fresh
        campaign's when None). The windows sharing most words with the quote are found in one
        pass over the plan; only those few are compared character by character."""
        q = fold(quote).split(" ")
        n = len(q)
        budget = budget if budget is not None else SearchBudget()
        if not q or not self.words or not budget.allows(len(self.words)):
            return None
        budget.spend(len(self.words))
        joined = " ".join(q)
        tops = self._best_windows(q)[:5]
        pairs = sorted(
            {(s, z) for top in tops for s in range(max(top - 2, 0), top + 3) for z in range(max(n - 2, 1), n + 3)}
        )
        work = sum(len(joined) * self._length(s, z) for s, z in pairs)
        if not budget.allows(work):
            return None
        budget.spend(work)
        scored = []
        for start, size in pairs:
            text = " ".join(self.words[start : start + size])
            ratio = difflib.SequenceMatcher(None, joined, text, autojunk=False).ratio()
            scored.append((ratio, -start, -size))
        _, start, size = max(scored)
        start, size = -start, -size
        cand = self.words[start : start + size]
        quote_has, plan_has = _first_difference(q, cand)
        return Passage(self.lines[start], " ".join(cand), quote_has, plan_has)

    def _best_windows(self, q: list[str]) -> list[int]:
        """The starts of the windows of len(q) words, most words shared with the quote first (then
        the earliest): one pass, each step adding a word and dropping one."""
        n = len(q)
        want = Counter(_key(w) for w in q)
        window: Counter[str] = Counter()
        shared = 0
        for key in self._keys[:n]:
            shared += window[key] < want[key]
            window[key] += 1
        best: list[tuple[int, int]] = []
        for start in range(max(len(self.words) - n + 1, 1)):
            if start:
                gone = self._keys[start - 1]
                window[gone] -= 1
                shared -= window[gone] < want[gone]
                if start + n - 1 < len(self._keys):
                    key = self._keys[start + n - 1]
                    shared += window[key] < want[key]
                    window[key] += 1
            best.append((shared, start))
        best.sort(key=lambda x: (-x[0], x[1]))
        return [start for _, start in best]

    def _length(self, start: int, size: int) -> int:
        """The characters of `" ".join(self.words[start : start + size])`, without joining."""
        end = min(start + size, len(self.words))
        return max(self._offsets[end] - self._offsets[start] - 1, 0) if end > start else 0


def _key(word: str) -> str:
    return word.casefold().strip(".,;:()“”\"'")


def _first_difference(q: list[str], p: list[str]) -> tuple[str, str]:
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, q, p, autojunk=False).get_opcodes():
        if tag != "equal":
            return " ".join(q[max(i1 - 1, 0) : i2 + 1][:8]), " ".join(p[max(j1 - 1, 0) : j2 + 1][:8])
    return "", ""
