"""Documentation that cannot go stale: the parts of docs/ generated from the code.

`python -m engine.authoring.docs` rewrites them; `--check` exits 1 when one is stale (CI runs
it through tests/test_semantics.py). Today: the table of rule-language functions in
docs/campaign-format.md, from the builtin registry (`engine.lang.builtins`).
"""

from __future__ import annotations

import sys
from pathlib import Path

from engine.lang.builtins import doc_table
from engine.render.output import write_atomic

DOC_BEGIN = "<!-- functions: generated from engine/lang/builtins.py; do not edit -->"
DOC_END = "<!-- /functions -->"
CAMPAIGN_FORMAT = Path(__file__).resolve().parents[2] / "docs" / "campaign-format.md"


def regenerated(text: str) -> str:
    head, begin, rest = text.partition(DOC_BEGIN)
    if not begin:
        raise ValueError(f"{CAMPAIGN_FORMAT}: no '{DOC_BEGIN}' marker")
    _, _, tail = rest.partition(DOC_END)
    return f"{head}{DOC_BEGIN}\n{doc_table()}\n{DOC_END}{tail}"


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    text = CAMPAIGN_FORMAT.read_text(encoding="utf-8")
    new = regenerated(text)
    if "--check" in args:
        if new != text:
            hint = "run python -m engine.authoring.docs"
            print(f"{CAMPAIGN_FORMAT}: the functions table is stale; {hint}", file=sys.stderr)
            return 1
        return 0
    write_atomic(CAMPAIGN_FORMAT, new)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
