"""`thidua init NEW_ID --from CAMPAIGN`: start next year's campaign from this year's file.

The new file is the old one's text — comments, rules, notes and layout kept — with the id
replaced and every field that belongs to one document cleared for the author to fill: the
document's number, date, signer and source file, the campaign period and the deadlines.
Each cleared value becomes `null` with a `# TODO(init)` comment; `thidua validate` then
points at exactly those lines until they are filled, and `thidua lint` checks every kept
quote against the new plan.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from engine.common.errors import Problem, UsageError
from engine.common.message import Msg, say
from engine.common.paths import new_campaigns_dir
from engine.model.campaign import DATA_FILES, read_campaign
from engine.render.output import write_atomic

TODO = "# TODO(init): "
CLEARED: tuple[tuple[tuple[str | int, ...], str], ...] = (  # what to fill: problem.init_todo_<word>
    (("document", "number"), "number"),
    (("document", "date"), "date"),
    (("document", "signer"), "signer"),
    (("document", "source"), "source"),
    (("period", "start"), "start"),
    (("period", "end"), "end"),
    (("nomination", "deadline"), "deadline"),
)


@dataclass
class InitResult:
    path: Path
    todo: list[tuple[int, str]]  # line, what to fill
    year_lines: list[int]  # lines that still mention the old campaign's year


def init_campaign(new_id: str, source: str, output: Path | None = None) -> InitResult:
    """Write `<new_id>.yaml` from `source` — into `output`, else the user's campaign folder
    (`engine.common.paths.new_campaigns_dir`: never an installed package's folder, which an
    upgrade replaces) — never over an existing file."""
    if not re.fullmatch(r"[a-z][a-z0-9_]*", new_id):
        raise UsageError(Problem(new_id, Msg("problem.init_bad_id"), hint=Msg("problem.init_bad_id_hint")))
    if new_id in DATA_FILES:  # facts.yaml, rewards.yaml, patterns.yaml beside the campaigns are data
        names = ", ".join(DATA_FILES)
        raise UsageError(
            Problem(new_id, Msg("problem.init_reserved_id", names=names), hint=Msg("problem.init_bad_id_hint"))
        )
    doc, model = read_campaign(source).require_model()
    path = output or new_campaigns_dir() / f"{new_id}.yaml"
    if path.exists():
        raise UsageError(Problem(str(path), Msg("problem.init_exists"), hint=Msg("problem.init_exists_hint")))
    text = doc.text
    node = yaml.compose(text, Loader=yaml.SafeLoader)
    paths = list(CLEARED)
    paths += [(("awards", i, "deadline"), "award_deadline") for i, a in enumerate(model.awards) if a.deadline]
    edits: list[tuple[int, int, str]] = []  # start, end, replacement
    top = _item(node, ("id",))
    if top is not None:
        edits.append((top[1].start_mark.index, top[1].end_mark.index, new_id))
    for path_, _ in paths:
        item = _item(node, path_)
        if item is not None and not (isinstance(item[1], yaml.ScalarNode) and item[1].tag.endswith("null")):
            colon = text.index(":", item[0].end_mark.index)
            edits.append((colon + 1, _end(item[1]), " null"))
    out = text
    for start, end, new in sorted(edits, reverse=True):
        out = out[:start] + new + out[end:]
    lines = out.split("\n")
    todo: list[tuple[int, str]] = []
    cleared = yaml.compose(out, Loader=yaml.SafeLoader)
    for path_, word in paths:
        what = say(Msg(f"problem.init_todo_{word}"))  # in the language of the one who made it
        item = _item(cleared, path_)
        if item is None:
            continue
        n, col = item[1].start_mark.line, item[1].start_mark.column
        if TODO not in lines[n]:  # the old line's comment described the old plan: replace it
            lines[n] = lines[n][: col + len("null")] + "  " + TODO + what
        todo.append((n + 1, what))
    # the file's first line speaks to whoever opens it: in the language of the one who made it
    header = "# " + say(Msg("problem.init_header", source=model.id, id=new_id))
    start = 1 if lines and lines[0].startswith("# yaml-language-server") else 0
    lines.insert(start, header)
    todo = [(line + 1, what) for line, what in todo]
    year = str(model.period.end.year)
    year_lines = [i for i, line in enumerate(lines, 1) if year in line and not line.lstrip().startswith("#")]
    write_atomic(path, "\n".join(lines))
    return InitResult(path, sorted(todo), year_lines)


def _item(node: yaml.Node | None, path: tuple[str | int, ...]) -> tuple[yaml.Node, yaml.Node] | None:
    """The (key, value) nodes at `path` in a composed YAML tree."""
    key: yaml.Node | None = None
    for part in path:
        if isinstance(node, yaml.MappingNode):
            pair = next(((k, v) for k, v in node.value if k.value == part), None)
            if pair is None:
                return None
            key, node = pair
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            key, node = node.value[part], node.value[part]
        else:
            return None
    return (key, node) if key is not None and node is not None else None


def _end(node: yaml.Node) -> int:
    """Where a value's own text ends (a block collection's end mark lies at the next key)."""
    if isinstance(node, yaml.MappingNode) and not node.flow_style and node.value:
        return _end(node.value[-1][1])
    if isinstance(node, yaml.SequenceNode) and not node.flow_style and node.value:
        return _end(node.value[-1])
    return int(node.end_mark.index)
