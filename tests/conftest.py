"""Collect the regression cases in tests/cases/<campaign>/*.yaml as pytest items.

Each case is one item with a readable id (`ninh_thuan_2020/discipline/exactly_10pct_...`),
so `pytest -k "ninh_thuan_2020 and ten_percent"` runs one.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from engine.authoring.cases import Case, load_cases, run_case
from engine.common.errors import UserError
from engine.model.campaign import Campaign

LOADED: dict[str, Campaign] = {}  # the campaigns the cases have loaded, by name: once per test session

CASES = Path(__file__).parent / "cases"


@pytest.fixture(autouse=True)
def _one_language_per_test() -> Iterator[None]:
    """Each test starts in the default language: a command run in-process (Typer's runner) sets the
    run's language for the rest of the process, as the console script's one command does."""
    from engine.common.message import set_current

    set_current(None)
    yield
    set_current(None)


def pytest_collect_file(parent: pytest.Collector, file_path: Path) -> pytest.Collector | None:
    if file_path.suffix == ".yaml" and CASES in file_path.parents:
        return CaseFile.from_parent(parent, path=file_path)
    return None


class CaseFile(pytest.File):
    def collect(self) -> Iterator[pytest.Item]:
        try:
            cases = load_cases(self.path)
        except UserError as e:
            raise CaseFileError(str(e)) from None
        for case in cases:
            yield CaseItem.from_parent(self, name=case.name, case=case)


class CaseFileError(Exception):
    pass


class CaseItem(pytest.Item):
    def __init__(self, *, case: Case, **kwargs: Any):
        super().__init__(**kwargs)
        self.case = case
        self.add_marker(getattr(pytest.mark, case.campaign))

    def runtest(self) -> None:
        result = run_case(self.case, LOADED)
        if result.failures:
            raise CaseFailed(result.failures)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if isinstance(excinfo.value, CaseFailed):
            lines = [f"case {self.case.test_id}: {self.case.spec.description}".rstrip(": ")]
            lines += [f"  - {f}" for f in excinfo.value.failures]
            return "\n".join(lines)
        if isinstance(excinfo.value, UserError):
            return f"case {self.case.test_id}: {excinfo.value}"
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, 0, f"case: {self.case.test_id}"


class CaseFailed(Exception):
    def __init__(self, failures: list[str]):
        super().__init__("\n".join(failures))
        self.failures = failures
