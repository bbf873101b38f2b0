"""`engine.lang.decide`: what a trace leaves unknown but every possible value of the unknown facts
decides (issue 22.4, "zero is certain"). Held to the reference interpreter: for generated
expressions and facts, every node `decide` gives a value must have that value in every completion
of the unknown facts (sampled from their range, its ends, and n/a) — and a disqualifier decided
false must be false or n/a (clear) in every completion."""

from __future__ import annotations

import itertools
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.lang import NA, UNKNOWN, parse_rule, trace
from engine.lang.builtins import BUILTINS
from engine.lang.decide import decide, decide_rule
from engine.lang.operators import ARITHMETIC, COMPARISONS, LOGIC
from engine.model.catalogue import load_catalogue

CAT = load_catalogue()
# facts of the catalogue with their ranges: two counts (at least 0) and a percentage (0–100)
FACTS = {"staff_total": (0.0, math.inf), "staff_violating_discipline": (0.0, math.inf), "e_payment_pct": (0.0, 100.0)}
SAMPLES = {
    "staff_total": [0, 1, 7, 40, 10**6],
    "staff_violating_discipline": [0, 1, 4, 5, 10**6],
    "e_payment_pct": [0, 0.5, 10, 99.9, 100],
}

# every operator of the registry (engine.lang.operators), and every builtin that means one (share)
MEANS = sorted(b.name for b in BUILTINS.values() if b.means is not None)
number = st.recursive(
    st.one_of(st.sampled_from(sorted(FACTS)), st.sampled_from(["0", "1", "0.10", "100", "5"])),
    lambda inner: st.one_of(
        st.tuples(inner, st.sampled_from(sorted(ARITHMETIC)), inner).map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
        inner.map(lambda n: f"(-{n})"),
        st.tuples(st.sampled_from(MEANS), inner, inner).map(lambda t: f"{t[0]}({t[1]}, {t[2]})"),
    ),
    max_leaves=4,
)
comparison = st.tuples(number, st.sampled_from(sorted(COMPARISONS)), number).map(" ".join)
rule = st.recursive(
    comparison,
    lambda inner: st.one_of(
        st.tuples(inner, st.sampled_from(sorted(LOGIC)), inner).map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
        inner.map(lambda r: f"not ({r})"),
    ),
    max_leaves=3,
)
known = st.fixed_dictionaries({}, optional={k: st.sampled_from([*SAMPLES[k], NA]) for k in FACTS})


@pytest.mark.slow  # a long property test (300 examples)
@settings(max_examples=300, deadline=None)
@given(rule, known)
def test_what_decide_claims_holds_in_every_completion(text: str, env: dict[str, object]) -> None:
    node = parse_rule(text, CAT, scope_units=True)
    t = trace(node, env)
    domains = {k: v for k, v in FACTS.items() if k not in env}
    decided, _ = decide(node, t, domains)
    assert all(a is b or a == b for a, b in zip(t, decided, strict=True) if a is not UNKNOWN)  # definite kept
    claims = [(i, v) for i, (a, v) in enumerate(zip(t, decided, strict=True)) if a is UNKNOWN and v is not UNKNOWN]
    missing = [k for k in FACTS if k not in env]
    as_disqualifier = decide_rule("disqualifier", node, t, domains)
    for values in itertools.product(*([*SAMPLES[k], NA] for k in missing)):
        full = trace(node, {**env, **dict(zip(missing, values, strict=True))})
        for i, v in claims:
            assert full[i] == v and full[i] is not NA, (text, env, values, i, v, full[i])
        if t[0] is UNKNOWN and as_disqualifier[0] is False:
            assert full[0] is False or full[0] is NA, (text, env, values)


def test_zero_in_breach_of_an_unknown_total_is_clear() -> None:
    """Ninh Thuận 2020 II.2.a: "trên 10% tổng số biên chế" — no one in breach is not above 10% of
    any total: the exclusion is clear though the total is not given."""
    node = parse_rule("staff_violating_discipline > 0.10 * staff_total", CAT, scope_units=True)
    t = trace(node, {"staff_violating_discipline": 0})
    assert t[0] is UNKNOWN
    assert decide_rule("disqualifier", node, t, {"staff_total": FACTS["staff_total"]})[0] is False
    # one in breach of an unknown total is not decided: the total may be 5 or 50
    t1 = trace(node, {"staff_violating_discipline": 1})
    assert decide_rule("disqualifier", node, t1, {"staff_total": FACTS["staff_total"]})[0] is UNKNOWN


def test_a_criterion_is_not_decided_by_a_fact_that_may_be_na() -> None:
    """A criterion reading a fact that a file may yet write n/a stays unknown (n/a may be read as
    unknown by a criterion without an `na` allowance): nothing stronger than the facts."""
    node = parse_rule("staff_violating_discipline <= 0.10 * staff_total", CAT, scope_units=True)
    t = trace(node, {"staff_violating_discipline": 0})
    assert decide_rule("criterion", node, t, {"staff_total": FACTS["staff_total"]})[0] is UNKNOWN
