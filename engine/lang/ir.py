"""The typed IR of a rule: what the parser produces and every evaluator reads.

Nodes hold no code. Each node of a parsed expression carries `idx`, its position in a
pre-order walk of the expression (the root is 0): a trace (`engine.lang.interpret`) is the
tuple of every node's value in that order, so `trace[node.idx]` is the value of `node`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

TypeKind = Literal["bool", "number", "rating", "enum", "date", "series", "records", "word"]


@dataclass(frozen=True)
class Type:
    kind: TypeKind
    scale: str | None = None

    def __str__(self) -> str:
        return f"{self.kind}({self.scale})" if self.scale else self.kind


BOOL = Type("bool")
NUMBER = Type("number")
DATE = Type("date")
SERIES = Type("series")
RECORDS = Type("records")
WORD = Type("word")

CompareOp = Literal["==", "!=", "<", "<=", ">", ">="]
ArithOp = Literal["+", "-", "*", "/"]


@dataclass(eq=False)
class Node:
    type: Type
    col: int
    idx: int = field(default=0, init=False)

    def children(self) -> list[Node]:
        return []

    def walk(self) -> Iterator[Node]:
        """Every node of the expression in pre-order (the order of `idx`)."""
        yield self
        for child in self.children():
            yield from child.walk()

    def facts(self) -> list[str]:
        """The fact keys the expression reads, in reading order, once each."""
        out: list[str] = []
        for node in self.walk():
            if isinstance(node, Fact) and node.key not in out:
                out.append(node.key)
        return out

    def size(self) -> int:
        return sum(1 for _ in self.walk())


@dataclass(eq=False)
class Fact(Node):
    key: str = ""


@dataclass(eq=False)
class Const(Node):
    value: Any = None


@dataclass(eq=False)
class Compare(Node):
    op: CompareOp = "=="
    left: Node = field(default_factory=lambda: Const(WORD, 0))
    right: Node = field(default_factory=lambda: Const(WORD, 0))
    ranks: dict[str, int] | None = None  # rating comparisons compare the scale's ranks

    def children(self) -> list[Node]:
        return [self.left, self.right]


@dataclass(eq=False)
class Logic(Node):
    op: Literal["and", "or"] = "and"
    items: list[Node] = field(default_factory=list)

    def children(self) -> list[Node]:
        return list(self.items)


@dataclass(eq=False)
class Not(Node):
    item: Node = field(default_factory=lambda: Const(BOOL, 0))

    def children(self) -> list[Node]:
        return [self.item]


@dataclass(eq=False)
class Arith(Node):
    op: ArithOp = "+"
    left: Node = field(default_factory=lambda: Const(NUMBER, 0))
    right: Node = field(default_factory=lambda: Const(NUMBER, 0))

    def children(self) -> list[Node]:
        return [self.left, self.right]


@dataclass(eq=False)
class Neg(Node):
    item: Node = field(default_factory=lambda: Const(NUMBER, 0))

    def children(self) -> list[Node]:
        return [self.item]


@dataclass(eq=False)
class Call(Node):
    """A call of a builtin (`engine.lang.builtins.BUILTINS[name]`).

    `options`: what the builtin reads of the catalogue (`Builtin.marks`: `cumulative` when its
    series argument is a fact the catalogue marks `cumulative: true`), set by the parser; every
    evaluator passes them to `impl`, `dated` and `bounds` as keywords."""

    name: str = ""
    args: list[Node] = field(default_factory=list)
    options: dict[str, Any] = field(default_factory=dict)

    def children(self) -> list[Node]:
        return list(self.args)


def number(root: Node) -> Node:
    """Give every node its pre-order index; return the root."""
    for i, node in enumerate(root.walk()):
        node.idx = i
    return root
