"""What every backend shares: the work it is handed and the traces it returns.

The backends (`native`, `durable`) import this module, never their package: the package's
`get_backend` imports a backend only when it is chosen, so the imports run one way.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from engine.evaluate.trace import Evaluable, RuleTrace
from engine.model.campaign import Campaign

Work = list[list[tuple[Evaluable, Mapping[str, Any]]]]
Traces = list[list[RuleTrace]]


class Backend(Protocol):
    name: str

    def run(self, campaign: Campaign, work: Work) -> Traces: ...
