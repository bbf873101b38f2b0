"""Backends compute rule traces; the rest of the engine never knows which one ran.

A backend takes the campaign and, per candidate, the list of (item, facts it reads) — an item
being a criterion, a disqualifier or a ranking key (`engine.evaluate.trace.Evaluable`) — and
returns per candidate the list of `RuleTrace`s in the same order: the value of every node of
the item's expression, and the waiver's trace when it was looked at. Traces are the same
format for every backend and must equal the reference interpreter's
(`engine.evaluate.trace.reference`); verdicts, reasons, ranks and output are shared code.
The shared types live in `engine.evaluate.backends.base`, which the backends import: this
package imports a backend only when it is chosen, and no backend imports this package.
"""

from __future__ import annotations

from engine.common.errors import Problem, UsageError
from engine.common.message import Msg
from engine.evaluate.backends.base import Backend, Traces, Work

__all__ = ["BACKENDS", "Backend", "Traces", "Work", "get_backend"]

BACKENDS = ("native", "durable", "columnar")


def get_backend(name: str) -> Backend:
    if name == "native":
        from engine.evaluate.backends.native import NativeBackend

        return NativeBackend()
    if name == "durable":
        _installed("durable", "durable")  # an install extra: thidua[durable]
        from engine.evaluate.backends.durable import DurableBackend  # imported only when chosen

        return DurableBackend()
    if name == "columnar":
        _installed("polars", "columnar")  # an install extra: thidua[columnar]
        from engine.evaluate.backends.columnar import ColumnarBackend  # imported only when chosen

        return ColumnarBackend()
    raise UsageError(
        Problem(
            "--backend",
            Msg("problem.eval_backend_unknown", name=name),
            hint=Msg("problem.eval_backend_choose", options=list(BACKENDS)),
        )
    )


def _installed(module: str, backend: str) -> None:
    """Refuse a backend whose install extra is missing: one line and how to install it."""
    import importlib.util

    if importlib.util.find_spec(module) is None:
        raise UsageError(
            Problem(
                "--backend",
                Msg(f"problem.eval_{backend}_missing"),
                hint=Msg(f"problem.eval_{backend}_missing_hint"),
            )
        )
