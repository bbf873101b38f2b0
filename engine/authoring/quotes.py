"""Find a campaign's quotes in the plan's own text (`../shared/plans/<source>`).

The plans arrive in mixed Unicode forms with tabs and non-breaking spaces, so both sides are
compared after NFC normalisation and whitespace folding. A quote that is not found gets the
closest passage of the plan (its line number and text) and the first words that differ, so
the author can copy the sentence exactly.
"""

from __future__ import annotations

import difflib
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

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


class PlanText:
    """A plan's text, folded, with each word's line for pointing at passages."""

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

    @classmethod
    def read(cls, path: Path, display: str | None = None) -> PlanText:
        """Read with the limits of every input: a regular file, within the size limit, UTF-8."""
        return cls(path, read_text(path, display))

    def contains(self, quote: str) -> bool:
        return fold(quote) in self.folded

    def closest(self, quote: str) -> Passage | None:
        """The passage of the plan most like `quote` (same length in words)."""
        q = fold(quote).split(" ")
        n = len(q)
        if not q or not self.words:
            return None
        want = Counter(_key(w) for w in q)
        window = Counter(self._keys[:n])
        best: list[tuple[int, int]] = []
        for start in range(max(len(self.words) - n + 1, 1)):
            if start:
                window[self._keys[start - 1]] -= 1
                if start + n - 1 < len(self._keys):
                    window[self._keys[start + n - 1]] += 1
            best.append((sum((window & want).values()), start))
        best.sort(key=lambda x: (-x[0], x[1]))
        joined = " ".join(q)
        scored = []
        for _, top in best[:5]:
            for start in range(max(top - 2, 0), top + 3):
                for size in range(max(n - 2, 1), n + 3):
                    cand = self.words[start : start + size]
                    ratio = difflib.SequenceMatcher(None, joined, " ".join(cand), autojunk=False).ratio()
                    scored.append((ratio, -start, -size))
        _, start, size = max(scored)
        start, size = -start, -size
        cand = self.words[start : start + size]
        quote_has, plan_has = _first_difference(q, cand)
        return Passage(self.lines[start], " ".join(cand), quote_has, plan_has)


def _key(word: str) -> str:
    return word.casefold().strip(".,;:()“”\"'")


def _first_difference(q: list[str], p: list[str]) -> tuple[str, str]:
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, q, p, autojunk=False).get_opcodes():
        if tag != "equal":
            return " ".join(q[max(i1 - 1, 0) : i2 + 1][:8]), " ".join(p[max(j1 - 1, 0) : j2 + 1][:8])
    return "", ""
