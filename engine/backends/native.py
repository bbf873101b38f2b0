"""The native backend: each rule was compiled once into closures (engine.rules)."""

from __future__ import annotations

from engine.backends import Values, Work
from engine.campaign import Campaign
from engine.rules import UNKNOWN


class NativeBackend:
    name = "native"

    def run(self, campaign: Campaign, work: Work) -> Values:
        out: Values = []
        for items in work:
            row = []
            for rule, env in items:
                value = rule.node.fn(env)
                waived = UNKNOWN
                if rule.waiver is not None and value is not (rule.kind == "criterion"):
                    waived = rule.waiver.fn(env)
                row.append((value, waived))
            out.append(row)
        return out
