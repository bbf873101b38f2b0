"""The one application layer (engine.app, issue 25 points 3 and 4): requests, sessions, sources and
the renderer registry, as the command line and the web app both use them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli import app
from engine.app import commands, renderers
from engine.app import requests as rq
from engine.app.session import Session
from engine.app.sources import Source, load_campaign, read_campaign
from engine.common.environment import Environment, read
from engine.common.errors import UserError
from engine.render.formats import COMMAND_FORMATS

ROOT = Path(__file__).resolve().parent.parent
NT = "ninh_thuan_2020"
EXAMPLE = ROOT / "examples" / f"{NT}.yaml"
runner = CliRunner()


def test_every_format_of_every_evaluating_command_has_a_renderer() -> None:
    for command in ("evaluate", "award", "explain", "near", "report"):
        for fmt in COMMAND_FORMATS[command]:
            assert (command, fmt) in renderers.RENDERERS, (command, fmt)


def test_a_path_and_its_bytes_give_the_same_bytes() -> None:
    """An upload (`Source`) and the file it came from are one input: the same JSON, byte for byte."""
    session = Session()
    out = rq.Output("json")
    by_path = commands.evaluate(session, rq.Evaluate(rq.Run(NT, (EXAMPLE,)), out))
    by_bytes = commands.evaluate(session, rq.Evaluate(rq.Run(NT, (Source(EXAMPLE.name, EXAMPLE.read_bytes()),)), out))
    made = [renderers.as_bytes(renderers.render("evaluate", "json", r, "vi")) for r in (by_path, by_bytes)]
    assert made[0] == made[1]
    cli = runner.invoke(app, ["evaluate", NT, str(EXAMPLE), "-f", "json"])
    assert cli.exit_code == 0 and cli.stdout.encode("utf-8") == made[0]


def test_explain_json_has_the_allocation_the_table_says(tmp_path: Path) -> None:
    """Contract addition: `explain -f json` has `allocation` — each place in an award list and the
    lines the table form prints under its ranking heading."""
    got = runner.invoke(app, ["explain", NT, str(EXAMPLE), "so-tnmt", "-f", "json"])
    assert got.exit_code == 0, got.stderr
    data = json.loads(got.stdout)
    table = runner.invoke(app, ["explain", NT, str(EXAMPLE), "so-tnmt"]).stdout
    assert data["allocation"]["lines"] and all(line in table for line in data["allocation"]["lines"])
    for place in data["allocation"]["places"]:
        assert {"award", "group", "status", "rank", "pool", "quota"} <= place.keys()
        assert place["status"] in ("selected", "reserve", "tie")


def test_a_campaign_from_bytes_is_named_by_its_source() -> None:
    data = (ROOT / "campaigns" / f"{NT}.yaml").read_bytes()
    assert load_campaign(Source("mine.yaml", data)).id == NT
    broken = read_campaign(Source("mine.yaml", b"id: x\nschema_version: 1\n"))
    assert broken.campaign is None and broken.problems
    assert all(p.file == "mine.yaml" for p in broken.problems)
    undecodable = read_campaign(Source("latin.yaml", "tên: Sơn\n".encode("cp1258")))
    assert undecodable.campaign is None and undecodable.problems[0].file == "latin.yaml"


def test_sessions_do_not_share_their_campaign_folders(tmp_path: Path) -> None:
    """Two sessions side by side (two web apps, two tests): each finds its own campaigns; nothing
    is written to the process environment."""
    own = tmp_path / "own"
    own.mkdir()
    text = (ROOT / "campaigns" / f"{NT}.yaml").read_text(encoding="utf-8")
    (own / "mine_2030.yaml").write_text(text.replace(f"id: {NT}", "id: mine_2030", 1), encoding="utf-8")
    mine, plain = Session(Environment(campaigns=(own,))), Session(Environment())
    assert "mine_2030" in commands.campaign_ids(mine)
    assert "mine_2030" not in commands.campaign_ids(plain)
    assert "mine_2030" not in read().campaigns  # the process's environment is untouched
    with pytest.raises(UserError):
        commands.campaign(plain, "mine_2030")


def test_the_inputs_read_are_the_sessions(tmp_path: Path) -> None:
    """An output never goes over a file the session read — and another session's reads are not its own."""
    facts = tmp_path / "facts.yaml"
    facts.write_bytes(EXAMPLE.read_bytes())
    first, second = Session(), Session()
    commands.evaluate(first, rq.Evaluate(rq.Run(NT, (facts,))))
    assert facts.resolve() in first.inputs_read
    assert facts.resolve() not in second.inputs_read
    assert facts.resolve() in first.protected()


def test_an_output_over_an_input_is_refused(tmp_path: Path) -> None:
    facts = tmp_path / "facts.yaml"
    facts.write_bytes(EXAMPLE.read_bytes())
    got = runner.invoke(app, ["evaluate", NT, str(facts), "-o", str(facts)])
    assert got.exit_code == 2 and facts.read_bytes() == EXAMPLE.read_bytes()
    campaign = tmp_path / "c.yaml"
    campaign.write_bytes((ROOT / "campaigns" / f"{NT}.yaml").read_bytes())
    got = runner.invoke(app, ["evaluate", str(campaign), str(facts), "-f", "json", "-o", str(campaign)])
    assert got.exit_code == 2 and campaign.read_bytes() == (ROOT / "campaigns" / f"{NT}.yaml").read_bytes()


@pytest.mark.parametrize(
    ("value", "vi", "en"),
    [
        ("31/02/2021", "không phải là một ngày có thật", "is not a real day"),
        ("soon", "không phải là một ngày", "is not a date"),
    ],
)
def test_one_date_parser_for_every_edge(value: str, vi: str, en: str) -> None:
    from engine.common.message import say

    assert rq.day(None, "--as-of") is None and rq.day("  ", "as_of") is None
    assert str(rq.day("20/01/2021", "--as-of")) == "2021-01-20"
    with pytest.raises(UserError) as e:
        rq.day(value, "as_of")
    (p,) = e.value.problems
    assert p.file == "as_of" and vi in say(p.message, "vi") and en in say(p.message, "en")


def test_the_web_checks_an_uploaded_campaign_in_memory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The author check reads the upload's bytes: no temporary file, problems named by the upload."""
    import tempfile

    from engine.web import service

    def no_temp(*args: object, **kwargs: object) -> str:
        raise AssertionError("a temporary folder was made")

    monkeypatch.setattr(tempfile, "mkdtemp", no_temp)
    data = (ROOT / "campaigns" / f"{NT}.yaml").read_bytes()
    checked = service.check_campaign(Session(), data, "mine.yaml", NT, (EXAMPLE.name, EXAMPLE.read_bytes()))
    assert checked.ok and checked.diff is not None and checked.diff.impact is not None
    broken = service.check_campaign(Session(), b"id: x\n", "broken.yaml")
    assert not broken.ok and all(p.file == "broken.yaml" for p in broken.findings)


# the authoring commands through their requests: (the command line, the request, the command, the format)
AUTHORING = [
    (["lint", NT], rq.Lint((NT,)), "lint", "table"),
    (["lint", NT, "-f", "json"], rq.Lint((NT,), output=rq.Output("json")), "lint", "json"),
    (["diff", NT, NT], rq.Diff(NT, NT), "diff", "table"),
    (["diff", NT, "my_thanh_2015", "-f", "json"], rq.Diff(NT, "my_thanh_2015"), "diff", "json"),
    (["schema", "facts"], rq.Schema("facts"), "schema", "json"),
    (["example", NT], rq.Example(NT), "example", "yaml"),
    (["validate", NT], rq.Validate((NT,)), "validate", "table"),
]


@pytest.mark.parametrize(("args", "request_", "command", "fmt"), AUTHORING, ids=lambda v: str(v)[:40])
def test_an_authoring_command_is_its_request_and_renderer(
    args: list[str], request_: object, command: str, fmt: str
) -> None:
    """`thidua lint/diff/schema/example/validate` write what the app function and the registry make of
    the request: the command line only parses into the request."""
    session = Session()
    if isinstance(request_, rq.Validate):
        result: object = commands.validate_one(session, request_.campaigns[0])
    else:
        result = getattr(commands, command)(session, request_)
    made = renderers.as_bytes(renderers.render(command, fmt, result, "vi")).decode("utf-8")
    got = runner.invoke(app, args)
    assert got.stdout == (made if made.endswith("\n") else made + "\n")


def test_every_command_that_writes_has_a_renderer() -> None:
    """Every command of the command line but `serve` (a server) and `verify` (lines said as it checks)
    writes through the registry."""
    names = {c.name or (c.callback.__name__ if c.callback else "") for c in app.registered_commands}
    assert {"lint", "diff", "test", "init", "validate", "template", "schema", "list"} <= names  # the scan sees them
    registered = {command for command, _ in renderers.RENDERERS}
    assert names - {"serve", "verify"} <= registered, names - registered


def test_the_test_command_writes_its_junit_through_the_registry(tmp_path: Path) -> None:
    cases = ROOT / "tests" / "cases" / NT
    one = sorted(cases.rglob("*.yaml"))[0]
    result = commands.test(Session(), rq.Test((one,), verbose=True))
    junit = tmp_path / "junit.xml"
    got = runner.invoke(app, ["test", str(one), "-v", "--junit", str(junit)])
    assert got.exit_code == (0 if result.run.ok else 1)
    made = renderers.render("test", "table", result, "vi")
    assert isinstance(made, str)
    assert got.stdout.rsplit("\n", 2)[0] == made.rsplit("\n", 2)[0]  # all but the summary line (its time)
    xml = renderers.render("test", "junit", result, "vi")
    assert isinstance(xml, bytes) and junit.read_bytes().split(b"time=")[0] == xml.split(b"time=")[0]
