"""YAML text into plain Python data, remembering where each value stood (engine.model.source's
YAML half: PyYAML is imported when the first YAML text is read, not by every command).

Numbers are read by the YAML 1.2 core rules: `040`, `0x1F`, `0b11`, `1:20` and `1_0`, which
YAML 1.1 readers turn into other numbers (`040` is 32), stay text, so a numeric fact refuses them
(`number_readings` gives the hint). Duplicate keys, alias bombs (before they are expanded), absurd
nesting and tags that construct objects are refused.
"""

from __future__ import annotations

import contextlib
import re
import unicodedata
from collections.abc import Hashable
from typing import Any

import yaml

from engine.common import limits
from engine.common.errors import Problem, UsageError
from engine.common.message import Msg, Text

# engine.model.source.PathT (a value's place: keys and indexes), spelled out: source imports this module
# when it reads YAML, so this one does not import source back (the import graph has no cycles)
PathT = tuple[Hashable, ...]

try:  # libyaml is ~4x faster; fall back to the pure-Python loader when absent
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover - depends on the build of PyYAML
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]

_INT, _FLOAT = "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"
_CORE_INT = re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$")  # YAML 1.2 core, less its 0o/0x forms
_EXP = r"[eE][-+]?[0-9]+"
_CORE_FLOAT = re.compile(
    rf"^[-+]?(?:(?:\.[0-9]+|[0-9]+\.[0-9]*)(?:{_EXP})?|[0-9]+{_EXP})$|^[-+]?\.(?:inf|Inf|INF)$|^\.(?:nan|NaN|NAN)$"
)


class _Loader(_BaseLoader):
    """The safe loader with YAML 1.2 core numbers: only plain decimals are numbers."""

    yaml_implicit_resolvers = {  # noqa: RUF012 - PyYAML's own class-level table, replaced
        first: [(tag, regexp) for tag, regexp in resolvers if tag not in (_INT, _FLOAT)]
        for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
    }


_Loader.add_implicit_resolver(_INT, _CORE_INT, list("-+0123456789"))
_Loader.add_implicit_resolver(_FLOAT, _CORE_FLOAT, list("-+0123456789."))


def number_readings(text: str) -> tuple[Any, Any] | None:
    """What YAML 1.1 and YAML 1.2 readers make of a text that is not a plain decimal number
    (`'040'` → (32, 40); `'1:20'` → (80, '1:20')), or None when neither reads a number."""
    t = text.strip()
    old: Any = t
    for tag, regexp in yaml.resolver.Resolver.yaml_implicit_resolvers.get(t[:1], []):
        if tag in (_INT, _FLOAT) and regexp.match(t):
            with contextlib.suppress(ValueError, yaml.YAMLError):
                old = yaml.constructor.SafeConstructor().construct_object(yaml.ScalarNode(tag, t))
            break
    new: Any = t
    body, sign = t.lstrip("+-"), -1 if t.startswith("-") else 1
    for pattern, base in ((r"[0-9]+", 10), (r"0o[0-7]+", 8), (r"0x[0-9a-fA-F]+", 16)):
        if re.fullmatch(pattern, body):
            new = sign * int(body[2:] if base != 10 else body, base)
            break
    if isinstance(old, str) and isinstance(new, str):
        return None
    return old, new


def compose(text: str, name: str) -> tuple[Any, dict[PathT, tuple[int, int]]]:
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = mark.line + 1 if mark else None
        col = mark.column + 1 if mark else None
        msg = (e.problem or e.context or "").strip()
        message, hint = _yaml_syntax(msg)
        raise UsageError(Problem(name, message, line, col, hint=hint)) from None
    except yaml.YAMLError as e:
        raise UsageError(
            Problem(name, Msg("problem.facts_yaml_error", detail=str(e)), hint=Msg("problem.facts_yaml_hint"))
        ) from None
    except RecursionError:
        raise UsageError(
            Problem(name, Msg("problem.facts_too_deep"), hint=Msg("problem.facts_too_deep_hint"))
        ) from None
    if node is None:
        return None, {(): (1, 1)}
    if "*" in text:  # an alias is written *name: without one there is nothing to expand
        _refuse_alias_bomb(node, name)
    builder = _Builder(name)
    data = builder.build(node, (), 0)
    return data, builder.marks


# PyYAML's words for the faults an officer makes most → what is wrong and what to do (facts_yaml_<x>)
_YAML_FAULTS = (
    ("second occurrence", "anchor_twice"),
    ("mapping values are not allowed", "colon"),
    ("found character '\\t'", "tab"),
    ("could not find expected ':'", "no_colon"),
    ("found undefined alias", "undefined_alias"),
    ("found unexpected end of stream", "unclosed"),
    ("found unknown escape character", "escape"),
)


def _yaml_syntax(msg: str) -> tuple[Msg, Msg]:
    """What a YAML syntax error means to the one who wrote the file, and what to do: the faults an
    officer makes most in their words; any other with PyYAML's own (English) in brackets."""
    for words, fault in _YAML_FAULTS:
        if words in msg:
            return Msg(f"problem.facts_yaml_{fault}"), Msg(f"problem.facts_yaml_{fault}_hint")
    return Msg("problem.facts_yaml_syntax", detail=msg), Msg("problem.facts_yaml_hint")


def _refuse_alias_bomb(root: yaml.Node, name: str) -> None:
    """Count the values the document would have once its aliases are expanded — from the node
    graph, without expanding it — and refuse a file whose aliases multiply it."""
    sizes: dict[int, int] = {}
    first_alias: list[yaml.Node] = []

    def size(node: yaml.Node, depth: int) -> int:
        known = sizes.get(id(node))
        if known is not None:
            if not first_alias:
                first_alias.append(node)
            return known
        if depth > limits.MAX_DEPTH:  # also where an alias refers to its own ancestor
            m = node.start_mark
            raise UsageError(
                Problem(
                    name,
                    Msg("problem.facts_nested", levels=limits.MAX_DEPTH),
                    m.line + 1,
                    m.column + 1,
                    hint=Msg("problem.facts_too_deep_hint"),
                )
            )
        total = 1
        if isinstance(node, yaml.MappingNode):
            total += sum(size(value, depth + 1) for _, value in node.value)
        elif isinstance(node, yaml.SequenceNode):
            total += sum(size(child, depth + 1) for child in node.value)
        sizes[id(node)] = total
        return total

    expanded, own = size(root, 0), len(sizes)
    allowed = min(limits.MAX_NODES, own + max(limits.ALIAS_ALLOWANCE, limits.ALIAS_FACTOR * own))
    if expanded <= allowed:
        return
    where = (first_alias or [root])[0].start_mark
    if expanded > own:
        message = Msg("problem.facts_alias_bomb", own=own, expanded=expanded)
        hint = Msg("problem.facts_alias_bomb_hint", factor=limits.ALIAS_FACTOR, most=limits.MAX_NODES)
    else:
        message = Msg("problem.facts_too_many_values", most=limits.MAX_NODES)
        hint = Msg("problem.facts_too_many_values_hint")
    raise UsageError(Problem(name, message, where.line + 1, where.column + 1, hint=hint))


_SCALAR_TAGS = {f"tag:yaml.org,2002:{t}" for t in ("str", "int", "float", "bool", "null", "timestamp")}


class _Builder:
    """Turns a YAML node tree into Python data, recording each value's position."""

    def __init__(self, name: str):
        self.name = name
        self.marks: dict[PathT, tuple[int, int]] = {}
        self.count = 0
        self.scalars = yaml.constructor.SafeConstructor()

    def _fail(self, node: yaml.Node, message: Text, hint: Text = "") -> UsageError:
        m = node.start_mark
        return UsageError(Problem(self.name, message, m.line + 1, m.column + 1, hint=hint))

    def _tag(self, node: yaml.Node) -> UsageError:
        return self._fail(node, Msg("problem.facts_yaml_tag", tag=node.tag), Msg("problem.facts_yaml_tag_hint"))

    def build(self, node: yaml.Node, path: PathT, depth: int) -> Any:
        self.count += 1
        if self.count > limits.MAX_NODES:  # `_refuse_alias_bomb` has counted them: a safety net
            raise self._fail(
                node,
                Msg("problem.facts_too_many_values", most=limits.MAX_NODES),
                Msg("problem.facts_too_many_values_hint"),
            )
        if depth > limits.MAX_DEPTH:
            raise self._fail(
                node, Msg("problem.facts_nested", levels=limits.MAX_DEPTH), Msg("problem.facts_too_deep_hint")
            )
        if path not in self.marks:
            self.marks[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path, depth)
        if isinstance(node, yaml.SequenceNode):
            if node.tag != "tag:yaml.org,2002:seq":
                raise self._tag(node)
            return [self.build(child, (*path, i), depth + 1) for i, child in enumerate(node.value)]
        return self._scalar(node)

    def _mapping(self, node: yaml.MappingNode, path: PathT, depth: int) -> dict[Any, Any]:
        if node.tag != "tag:yaml.org,2002:map":
            raise self._tag(node)
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise self._fail(key_node, Msg("problem.facts_yaml_merge"), Msg("problem.facts_yaml_merge_hint"))
            if not isinstance(key_node, yaml.ScalarNode):
                raise self._fail(key_node, Msg("problem.facts_yaml_key"), Msg("problem.facts_yaml_key_hint"))
            key = self._scalar(key_node)
            if not isinstance(key, Hashable):
                raise self._fail(key_node, Msg("problem.facts_yaml_key"), Msg("problem.facts_yaml_key_hint"))
            if key in out:
                raise self._fail(
                    key_node,
                    Msg("problem.facts_duplicate_key", field=str(key)),
                    Msg("problem.facts_duplicate_key_yaml"),
                )
            child = (*path, key)
            self.marks[child] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            out[key] = self.build(value_node, child, depth + 1)
        return out

    def _scalar(self, node: yaml.Node) -> Any:
        if node.tag not in _SCALAR_TAGS:
            raise self._tag(node)
        try:
            value = self.scalars.construct_object(node, deep=True)
        except (yaml.YAMLError, ValueError):  # an impossible date such as 2024-02-30, a number too long
            shown = str(node.value) if len(str(node.value)) <= 60 else str(node.value)[:57] + "…"
            if node.tag == "tag:yaml.org,2002:timestamp":
                raise self._fail(
                    node, Msg("problem.facts_no_such_day", value=shown), Msg("problem.facts_write_a_day")
                ) from None
            raise self._fail(
                node, Msg("problem.facts_bad_value", value=shown), Msg("problem.facts_check_value")
            ) from None
        if isinstance(value, str):
            return unicodedata.normalize("NFC", value)
        if isinstance(value, bytes | set):
            raise self._fail(node, Msg("problem.facts_yaml_binary"), Msg("problem.facts_yaml_tag_hint"))
        return value
