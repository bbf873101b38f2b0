"""Documentation that cannot go stale: the parts of docs/ generated from the code and the data.

`python -m engine.authoring.docs` rewrites them; `--check` exits 1 when one is stale (CI runs
it through tests/test_semantics.py and tests/test_docs.py). Each part sits between two markers
in a hand-written page, so the prose around it stays the author's:
- the rule-language functions in docs/campaign-format.md, from the builtin registry
  (`engine.lang.builtins`);
- the fact keys, kinds and nomination documents in docs/facts-format.md, from the catalogue
  (`campaigns/facts.yaml`), the contract's kinds (`engine.model.schema`) and their words in the
  vocabulary;
- the table of TD codes in docs/authoring.md, from the registry of checks (`engine.authoring.lint.REGISTRY`).
The CLI and HTTP references (docs/cli.md, docs/api.md) come from the Typer app and the web app,
which sit above the engine's rooms: docs/regenerate.py makes them.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from engine.common import fmt
from engine.lang.builtins import doc_table
from engine.model.catalogue import FactDef, load_catalogue
from engine.model.schema import PERSON_KINDS, UNIT_KINDS
from engine.model.vocabulary import words
from engine.render.output import write_atomic

DOCS = Path(__file__).resolve().parents[2] / "docs"
CAMPAIGN_FORMAT = DOCS / "campaign-format.md"
FACTS_FORMAT = DOCS / "facts-format.md"
HINT = "run python -m engine.authoring.docs"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _type(fact: FactDef) -> str:
    """A fact's type as a facts file writes it: a rating's or a choice's values best first, each
    with the Vietnamese word a spreadsheet cell may hold instead."""
    scale = load_catalogue().scale_of
    if fact.scale is not None and (s := scale(fact.scale)) is not None:
        sep = " > " if s.ordered else " / "
        return sep.join(f"`{v.value}` ({v.label.get('vi')})" for v in s.values)
    if fact.type == "records":
        return fact.description or "a list"
    low, high = fact.bounds
    if fact.type == "series":
        dated = "a number, or a dated series `{YYYY-MM-DD: value}`"
        return dated + (" (cumulative: only grows within the year)" if fact.cumulative else "")
    if low is not None and high is None:
        return f"{fact.type} ≥ {fmt.number(low, 'en')}"
    if low is not None and high is not None and fact.type != "percent":
        return f"{fact.type} {fmt.number(low, 'en')}–{fmt.number(high, 'en')}"
    return fact.type


def facts_table() -> str:
    """Every catalogue fact: its key, how it is written, who has it, its labels in both languages."""
    rows = ["| key | value | for | nhãn (vi) | label (en) |", "|---|---|---|---|---|"]
    for key, fact in load_catalogue().facts.items():
        kind = _type(fact) + (" (computed when not given)" if fact.derived else "")
        vi, en = _cell(fact.label.get("vi")), _cell(fact.label.get("en"))
        rows.append(f"| `{key}` | {_cell(kind)} | {', '.join(fact.for_)} | {vi} | {en} |")
    return "\n".join(rows)


def kinds_table() -> str:
    """The contract's kinds, each with the names a file may also write (short and as the plans say)."""
    vi, en = words("vi"), words("en")
    rows = ["| group | key | tên (vi) | name (en) |", "|---|---|---|---|"]
    for group, kinds in (("units", UNIT_KINDS), ("people", PERSON_KINDS)):
        for k in kinds:
            names_vi = " · ".join(f"*{n}*" for n in dict.fromkeys((vi[f"kind.{k}"], vi[f"kind_full.{k}"])))
            names_en = " · ".join(f"*{n}*" for n in dict.fromkeys((en[f"kind.{k}"], en[f"kind_full.{k}"])))
            rows.append(f"| {group} | `{k}` | {_cell(names_vi)} | {_cell(names_en)} |")
    return "\n".join(rows)


def documents_table() -> str:
    vi, en = words("vi"), words("en")
    rows = ["| key | tên (vi) | name (en) |", "|---|---|---|"]
    rows += [f"| `{k}` | {vi[f'document.{k}']} | {en[f'document.{k}']} |" for k in vi.section("document")]
    return "\n".join(rows)


def codes_table() -> str:
    """Every TD code of the registry of checks: its severity, stage, who makes it and what it finds."""
    from engine.authoring.lint import REGISTRY

    rows = ["| code | severity | stage | made by | finding |", "|---|---|---|---|---|"]
    rows += [f"| `{c.code}` | {c.severity} | {c.stage} | {c.by} | {_cell(c.title)} |" for c in REGISTRY]
    return "\n".join(rows)


@dataclass(frozen=True)
class Part:
    """A generated part of a page: between `<!-- NAME: generated from SOURCE; do not edit -->` and
    `<!-- /NAME -->`."""

    page: Path
    name: str
    source: str
    make: Callable[[], str]

    @property
    def begin(self) -> str:
        return f"<!-- {self.name}: generated from {self.source}; do not edit -->"

    @property
    def end(self) -> str:
        return f"<!-- /{self.name} -->"


PARTS = (
    Part(CAMPAIGN_FORMAT, "functions", "engine/lang/builtins.py", doc_table),
    Part(FACTS_FORMAT, "facts", "campaigns/facts.yaml", facts_table),
    Part(FACTS_FORMAT, "kinds", "engine/model/schema.py and templates/vocabulary.yaml", kinds_table),
    Part(FACTS_FORMAT, "documents", "templates/vocabulary.yaml", documents_table),
    Part(
        DOCS / "authoring.md",
        "codes",
        "the registry of checks (engine/model/checks.py, engine/authoring/lint.py)",
        codes_table,
    ),
)


def regenerated(text: str, part: Part) -> str:
    head, begin, rest = text.partition(part.begin)
    if not begin:
        raise ValueError(f"{part.page}: no '{part.begin}' marker")
    _, _, tail = rest.partition(part.end)
    return f"{head}{part.begin}\n{part.make()}\n{part.end}{tail}"


def refresh(parts: Sequence[Part], check: bool, hint: str = HINT) -> int:
    """Rewrite every page's generated parts; with `check`, write nothing and return 1 when one
    is stale, naming the page and how to regenerate it."""
    stale = 0
    for page in dict.fromkeys(p.page for p in parts):
        text = page.read_text(encoding="utf-8")
        new = text
        for part in (p for p in parts if p.page == page):
            new = regenerated(new, part)
        if new == text:
            continue
        if check:
            print(f"{page}: a generated part is stale; {hint}", file=sys.stderr)
            stale = 1
        else:
            write_atomic(page, new)
    return stale


def main(argv: list[str] | None = None) -> int:
    """`python -m engine.authoring.docs [--check]`: its own edge, so it reads the environment (here)."""
    from engine.common import environment

    args = sys.argv[1:] if argv is None else argv
    with environment.using(environment.read()):
        return refresh(PARTS, check="--check" in args)


if __name__ == "__main__":
    raise SystemExit(main())
