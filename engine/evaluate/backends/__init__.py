"""Backends compute rule values; the rest of the engine never knows which one ran.

A backend takes the campaign and, per candidate, the list of (rule, facts it reads), and
returns per candidate the list of (value, waiver value) in the same order — values being
True, False, UNKNOWN or NA. Verdicts, reasons and output are shared code.
"""

from __future__ import annotations

from typing import Any, Protocol

from engine.common.errors import Problem, UsageError
from engine.model.campaign import Campaign, CompiledRule

Work = list[list[tuple[CompiledRule, dict[str, Any]]]]
Values = list[list[tuple[Any, Any]]]


class Backend(Protocol):
    name: str

    def run(self, campaign: Campaign, work: Work) -> Values: ...


BACKENDS = ("native", "durable")


def get_backend(name: str) -> Backend:
    if name == "native":
        from engine.evaluate.backends.native import NativeBackend

        return NativeBackend()
    if name == "durable":
        from engine.evaluate.backends.durable import DurableBackend  # imported only when chosen

        return DurableBackend()
    raise UsageError(Problem("--backend", f"unknown backend '{name}'", hint="native or durable"))
