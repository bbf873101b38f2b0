"""Where thidua's own data lives, installed or in a checkout — and where a user's campaigns are.

The shipped campaigns with their catalogue (`facts.yaml`) and reward table (`rewards.yaml`), the
templates with the vocabulary, the JSON schemas and the example facts files live in the project's
top-level folders `campaigns/`, `templates/`, `schemas/` and `examples/`. `pyproject.toml` ships
each as a package (`thidua_campaigns`, `thidua_templates`, …), so a wheel installed anywhere finds
them through `importlib.resources`; a checkout that is not installed finds the folders beside
`engine/`. Nothing else in the engine builds these paths.

A user's own campaigns sit in folders named by `THIDUA_CAMPAIGNS` (several joined by the path
separator; the CLI's `--campaigns DIR` sets it), searched before the shipped ones. The plan texts
quotes are checked against are in `THIDUA_PLANS`, else `../shared/plans` beside a checkout.
"""

from __future__ import annotations

import importlib.resources
import os
from pathlib import Path
from typing import Literal

Shipped = Literal["campaigns", "templates", "schemas", "examples"]
CHECKOUT = Path(__file__).resolve().parents[2]  # the project folder, when run from a checkout
CAMPAIGNS_ENV = "THIDUA_CAMPAIGNS"
PLANS_ENV = "THIDUA_PLANS"


def shipped(name: Shipped) -> Path:
    """The folder of shipped data `name`: the installed package's, else the checkout's."""
    try:
        return Path(str(importlib.resources.files(f"thidua_{name}")))
    except ModuleNotFoundError:
        return CHECKOUT / name


def user_campaign_dirs() -> list[Path]:
    """The user's campaign folders, in the order given (`THIDUA_CAMPAIGNS`)."""
    value = os.environ.get(CAMPAIGNS_ENV, "")
    return [Path(p) for p in value.split(os.pathsep) if p]


def plans_dir() -> Path:
    """The plans' own texts: `THIDUA_PLANS`, else `<project>/../shared/plans`."""
    value = os.environ.get(PLANS_ENV)
    return Path(value) if value else CHECKOUT.parent / "shared" / "plans"


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
