"""The table writer (engine.render.grid) lays a table out exactly as rich's `Table` does: the
same bytes as `console.print(Table(…))` — widths, wrapping, folding, box lines, title — for the
shipped examples and for cells that test the edges (wide characters, combining marks, line
breaks, tabs, control codes, words longer than their column, empty tables). rich's `Table` is the
reference here only; thidua prints every table through `grid`."""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich import box
from rich.box import Box
from rich.table import Table

from engine.common.text import visible
from engine.model.campaign import available_campaigns
from engine.pipeline import run
from engine.render.grid import Col, print_grid
from engine.render.output import terminal
from engine.render.text import table

ROOT = Path(__file__).resolve().parent.parent
CAMPAIGNS = sorted(c for c in available_campaigns() if (ROOT / "examples" / f"{c}.yaml").exists())


def _both(
    title: str, columns: Sequence[Col], rows: Sequence[Sequence[str]], b: Box, width: int, justify: str = "center"
) -> tuple[str, str]:
    """(rich's Table, grid) printed on the same kind of console. The grid lays a cell out as it is
    shown (`visible`: a control character as its escape), so rich is given the shown text."""
    ref, mine = io.StringIO(), io.StringIO()
    tab = Table(title=title, box=b, title_justify=justify)  # type: ignore[arg-type]
    for c in columns:
        tab.add_column(c.header, justify=c.justify, no_wrap=c.no_wrap, min_width=c.min_width, overflow=c.overflow)
    for r in rows:
        tab.add_row(*map(visible, r))
    terminal(ref, width).print(tab)
    print_grid(terminal(mine, width), title, columns, rows, b, title_justify=justify)  # type: ignore[arg-type]
    return ref.getvalue(), mine.getvalue()


EDGES = [
    "Sở Nội vụ",
    "Trường Tiểu học [tiểu học] :cop: [/]",
    "一二三四五六七八九十 全角の名前",  # two cells a character
    "Nguye\u0302\u0303n Văn A",  # combining marks: no cell of their own
    "line one\nline two",
    "tab\there",
    "carriage\rreturn and \x07bell",
    "a-very-long-identifier-that-cannot-fit-in-any-column-of-this-table-at-all-whatever-happens",
    "",
    "  leading and trailing spaces  ",
    "para\u2028graph",
    "x" * 300,
    "a trailing line break\n",
    "\n",
    "三" * 50,
]


@pytest.mark.parametrize("width", [40, 80, 120, 160, 250])
@pytest.mark.parametrize("b", [box.SIMPLE_HEAVY, box.SIMPLE], ids=["simple_heavy", "simple"])
@pytest.mark.parametrize(
    "own",
    [(False,) * 5, (True, True, True, False, False), (False, True, False, True, False), (True,) * 5],
    ids=["remembered", "own-first", "alternating", "all-own"],
)
def test_grid_is_richs_table(width: int, b: Box, own: tuple[bool, ...]) -> None:
    """Every edge of a cell, in columns whose cells are remembered and in a row's own columns
    (`Col.own`: written as they come), in runs of either: rich's table, line for line."""
    columns = [
        Col("STT", own=own[0]),
        Col("Mã", no_wrap=True, min_width=12, overflow="ellipsis", own=own[1]),
        Col("Tên", own=own[2]),
        Col("Số tiền", justify="right", own=own[3]),
        Col("Lý do", own=own[4]),
    ]
    rows = [
        (
            str(i),
            f"id-{i}",
            EDGES[i % len(EDGES)],
            f"{i * 1000:,}  ",
            " ".join(EDGES[(i + 3) % len(EDGES)] for _ in range(i % 4)),
        )
        for i in range(40)
    ]
    for justify in ("center", "left"):
        title = "Danh sách đề nghị khen thưởng — " * (1 + width // 60)
        ref, mine = _both(title, columns, rows, b, width, justify)
        assert mine == ref
    ref, mine = _both("Không có ai", columns, [], b, width)  # the header alone
    assert mine == ref


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("campaign", CAMPAIGNS)
def test_the_evaluate_table_is_laid_out_as_richs(campaign: str, lang: str) -> None:
    """The verdict table of every example as rich's `Table` printed it before `grid`."""
    from engine.explain.reasons import SUBMISSION_LABELS, VERDICT_LABELS, Explainer
    from engine.model.vocabulary import words
    from engine.render.text import _title, short_reason

    ev = run(campaign, ROOT / "examples" / f"{campaign}.yaml")
    for width in (120, 160, 200):
        ex, v, m = Explainer(ev.campaign, lang), words(lang), ev.campaign.model
        tab = Table(title=_title(ev, lang), box=box.SIMPLE_HEAVY, show_lines=False, expand=False)
        longest = max((len(r.id) for r in ev.results), default=1)
        for col in ("no", "id", "name", "group", "verdict", "file", "reason"):
            if col == "id":
                tab.add_column(v[f"text.col_{col}"], no_wrap=True, min_width=longest)
            else:
                tab.add_column(v[f"text.col_{col}"], overflow="fold")
        for i, r in enumerate(ev.results, 1):
            group = m.groups[r.group].label.get(lang) if r.group else "—"
            sub = SUBMISSION_LABELS[lang][r.submission.outcome] if r.submission else ""
            tab.add_row(
                str(i), r.id, r.candidate.name, group, VERDICT_LABELS[lang][r.verdict], sub, short_reason(r, ex)
            )
        buf = io.StringIO()
        terminal(buf, width).print(tab)
        expected = buf.getvalue().split("\n")
        got = table(ev, lang, width=width).split("\n")
        assert got[: len(expected) - 1] == [line.rstrip() for line in expected[:-1]]


@settings(max_examples=200, deadline=None, database=None, derandomize=True)
@given(
    st.lists(st.text(st.sampled_from("ab ,.—Đơnvị\u0301漢字😀-xyz  "), max_size=90), min_size=1, max_size=6),
    st.sampled_from([30, 60, 100]),
)
def test_a_wrapped_cell_is_wrapped_as_rich_wraps_it(reasons: list[str], width: int) -> None:
    """A plain cell too wide for its column is wrapped at rich's own breaks without a `Text` a line
    (`_Cells._wrap`): the table is still rich's, for words of one and two cells, combining marks,
    runs of spaces and words longer than the column."""
    columns = [Col("STT"), Col("Mã", no_wrap=True, min_width=4, overflow="ellipsis"), Col("Lý do")]
    rows = [(str(i), f"u{i}", reason) for i, reason in enumerate(reasons)]
    ref, mine = _both("", columns, rows, box.SIMPLE_HEAVY, width)
    assert mine == ref
