"""Where thidua's own data lives, installed or in a checkout — and where a user's campaigns are.

The shipped campaigns with their catalogue (`facts.yaml`) and reward table (`rewards.yaml`), the
templates with the vocabulary, the JSON schemas and the example facts files live in the project's
top-level folders `campaigns/`, `templates/`, `schemas/` and `examples/`. `pyproject.toml` ships
each as a package (`thidua_campaigns`, `thidua_templates`, …), so a wheel installed anywhere finds
them through `importlib.resources`; a checkout that is not installed finds the folders beside
`engine/`. Nothing else in the engine builds these paths.

A user's own campaigns sit in the folders of the session in progress (`THIDUA_CAMPAIGNS` or
`--campaigns DIR`, read at the edge: engine.common.environment), searched before the shipped ones.
The plan texts quotes are checked against are the session's (`THIDUA_PLANS`), else
`../shared/plans` beside a checkout.
"""

from __future__ import annotations

import importlib.resources
from functools import cache
from pathlib import Path
from typing import Literal

from engine.common import environment

Shipped = Literal["campaigns", "templates", "schemas", "examples"]
CHECKOUT = Path(__file__).resolve().parents[2]  # the project folder, when run from a checkout


@cache
def shipped(name: Shipped) -> Path:
    """The folder of shipped data `name`: the installed package's, else the checkout's (looked up
    once: where thidua is installed does not change while it runs)."""
    try:
        return Path(str(importlib.resources.files(f"thidua_{name}")))
    except ModuleNotFoundError:
        return CHECKOUT / name


def user_campaign_dirs() -> list[Path]:
    """The user's campaign folders, in the order given (the session's: `--campaigns`, `THIDUA_CAMPAIGNS`)."""
    return list(environment.current().campaigns)


def plans_dir() -> Path:
    """The plans' own texts: the session's (`THIDUA_PLANS`), else `<project>/../shared/plans`."""
    given = environment.current().plans
    return given if given is not None else CHECKOUT.parent / "shared" / "plans"


def new_campaigns_dir() -> Path:
    """Where `thidua init` writes a new campaign: the user's first campaign folder (`--campaigns`,
    `THIDUA_CAMPAIGNS`); else, in a checkout, its `campaigns/` (the project's own); else — an
    installed thidua, whose shipped folder the next upgrade replaces — the current folder."""
    own = user_campaign_dirs()
    if own:
        return own[0]
    here = shipped("campaigns")
    if here.resolve() == (CHECKOUT / "campaigns").resolve():
        return here
    return Path.cwd()
