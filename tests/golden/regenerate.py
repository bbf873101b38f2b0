"""Regenerate the golden reports and the template-context docs: `python tests/golden/regenerate.py`.

For every campaign with an example in examples/ that validates, writes tests/golden/<campaign>.md and
<campaign>.html (Vietnamese, the example's own as_of), and docs/report-context.md from the context's
field docs. tests/test_report.py compares against these files byte for byte.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
GOLDEN = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))

from engine.common.errors import UserError  # noqa: E402
from engine.model.campaign import available_campaigns, load_campaign  # noqa: E402


def golden_campaigns() -> list[str]:
    """Campaigns that have an example in examples/ and load without errors."""
    out = []
    for cid in available_campaigns():
        if not (ROOT / "examples" / f"{cid}.yaml").exists():
            continue
        try:
            load_campaign(cid)
        except UserError:
            continue
        out.append(cid)
    return out


def render(cid: str, suffix: str) -> bytes:
    from engine.pipeline import run
    from engine.render.report_file import make_report

    ev = run(cid, ROOT / "examples" / f"{cid}.yaml")
    return make_report(ev, Path(f"report{suffix}"), "vi")


def main() -> None:
    from engine.render.output import write_atomic
    from engine.render.report import context_doc

    for cid in golden_campaigns():
        for suffix in (".md", ".html"):
            path = GOLDEN / f"{cid}{suffix}"
            write_atomic(path, render(cid, suffix))
            print(f"wrote {path.relative_to(ROOT)}")
    doc = ROOT / "docs" / "report-context.md"
    write_atomic(doc, context_doc())
    print(f"wrote {doc.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
