"""The comparison table (engine.lang.operators) is whole and consistent with itself."""

from __future__ import annotations

import itertools
from typing import get_args

import pytest

from engine.explain.reasons import _OPS, _RATING_OPS
from engine.lang.ir import CompareOp
from engine.lang.operators import COMPARISONS

SAMPLES = [-1, 0, 1, 2.5]


def test_every_comparison_is_declared() -> None:
    assert set(COMPARISONS) == set(get_args(CompareOp))
    assert len({c.syntax for c in COMPARISONS.values()}) == len(COMPARISONS)


@pytest.mark.parametrize("op", list(COMPARISONS))
def test_negation_and_flip_agree_with_the_function(op: CompareOp) -> None:
    c = COMPARISONS[op]
    assert COMPARISONS[c.negation].negation == op
    assert COMPARISONS[c.flipped].flipped == op
    for a, b in itertools.product(SAMPLES, repeat=2):
        assert COMPARISONS[c.negation].fn(a, b) is (not c.fn(a, b))
        assert COMPARISONS[c.flipped].fn(b, a) is c.fn(a, b)
    if not c.ordered:
        assert c.fn(1, 1) is (op == "==")


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_comparison_has_its_words(lang: str) -> None:
    assert set(_OPS[lang]) == set(COMPARISONS)
    assert set(_RATING_OPS[lang]) == set(COMPARISONS)
