"""Outputs never replace what they must not (issue 13.3).

`-o` onto a device or a named pipe writes into it, never renames a file over it; a read-only
output is refused; an existing output keeps its mode; SIGTERM leaves no temporary file.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli import app

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "ninh_thuan_2020.yaml"
runner = CliRunner()


def _evaluate_to(out: Path, lang: str = "vi") -> tuple[int, str]:
    args = ["evaluate", "ninh_thuan_2020", str(EXAMPLE), "-f", "json", "-o", str(out)]
    result = runner.invoke(app, args, env={"THIDUA_LANG": lang})
    return result.exit_code, result.stderr


@pytest.mark.skipif(os.geteuid() != 0, reason="making a device node needs root")
def test_a_character_device_is_written_into_not_replaced(tmp_path: Path) -> None:
    """A private copy of /dev/null (never the real one: the old helper, as root, replaced it)."""
    null = tmp_path / "null"
    os.mknod(null, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    code, err = _evaluate_to(null)
    assert code == 0, err
    assert stat.S_ISCHR(null.stat().st_mode)
    assert [p.name for p in tmp_path.iterdir()] == ["null"]


def test_a_named_pipe_is_written_into_not_replaced(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    code, err = _evaluate_to(fifo)
    reader.join(10)
    assert code == 0, err
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert b'"campaign": "ninh_thuan_2020"' in got[0]
    assert [p.name for p in tmp_path.iterdir()] == ["pipe"]


def test_a_read_only_output_is_refused_not_replaced(tmp_path: Path) -> None:
    out = tmp_path / "result.json"
    out.write_text("keep me", encoding="utf-8")
    out.chmod(0o444)
    code, err = _evaluate_to(out)
    assert code == 2
    assert err.strip() == (
        f"{out}: tệp đang ở chế độ chỉ đọc — bỏ chế độ chỉ đọc của tệp trước, hoặc chọn tên khác cho tệp kết quả"
    )
    code, err = _evaluate_to(out, "en")
    assert err.strip() == f"{out}: the file is read-only — make it writable first, or choose another output name"
    assert out.read_text(encoding="utf-8") == "keep me" and stat.S_IMODE(out.stat().st_mode) == 0o444
    assert [p.name for p in tmp_path.iterdir()] == ["result.json"]


def test_an_existing_output_keeps_its_mode(tmp_path: Path) -> None:
    out = tmp_path / "result.json"
    out.write_text("old", encoding="utf-8")
    out.chmod(0o600)
    code, err = _evaluate_to(out)
    assert code == 0, err
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert out.read_text(encoding="utf-8").startswith("{")


SIGTERM_MID_WRITE = """
import os, signal, sys
import engine.render.output as output
real = output.os.replace
def replace(src, dst):  # the signal arrives while the temporary file exists
    os.kill(os.getpid(), signal.SIGTERM)
    real(src, dst)
output.os.replace = replace
sys.argv = ["thidua", "evaluate", "ninh_thuan_2020", sys.argv[1], "-f", "json", "-o", sys.argv[2]]
import cli
cli.main()
"""


@pytest.mark.slow  # a fresh process and a signal
def test_sigterm_is_handled_like_ctrl_c_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    out = tmp_path / "result.json"
    # a SIGTERM is no Ctrl-C: the line does not name one
    for lang, line in (("vi", "thidua: đã dừng theo yêu cầu"), ("en", "thidua: interrupted")):
        proc = subprocess.run(
            [sys.executable, "-c", SIGTERM_MID_WRITE, str(EXAMPLE), str(out)],
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=120,
            env={**os.environ, "THIDUA_LANG": lang},
        )
        assert proc.returncode == 2, proc.stderr
        assert proc.stderr.strip() == line, proc.stderr
        assert list(tmp_path.iterdir()) == []


# ---------------------------------------------------------------- output integrity (issue 13.4)

MARKUP = "[/] [b]Nội vụ[/b] [link=x]a[/link] :cop:"


def _example_named(tmp_path: Path, name: str) -> Path:
    facts = tmp_path / "facts.yaml"
    text = EXAMPLE.read_text(encoding="utf-8").replace("  name: Sở Nội vụ\n", f"  name: '{name}'\n", 1)
    facts.write_text(text, encoding="utf-8")
    return facts


@pytest.mark.parametrize(
    "command",
    [["evaluate"], ["award"], ["explain", "{facts}", "so-noi-vu"], ["evaluate", "-f", "csv"]],
    ids=lambda c: " ".join(c),
)
def test_markup_in_a_name_is_printed_as_written(tmp_path: Path, command: list[str]) -> None:
    """`[/]` crashed the table; `[bold]…` vanished; `[link=…]` became a hyperlink; `:cop:` an emoji."""
    facts = _example_named(tmp_path, MARKUP)
    args = [command[0], "ninh_thuan_2020", str(facts), *(a.format(facts=facts) for a in command[1:] if a != "{facts}")]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert all(word in result.stdout for word in MARKUP.split())  # a table may fold the cell


def test_csv_quotes_every_field_holding_cr_or_lf_and_keeps_formulas_text() -> None:
    import csv
    import io

    from engine.render.output import csv_rows

    text = csv_rows([["id", "name"], ["u1", "a\rb=1+1"], ["u2", "c\nd"], ["u3", "=HYPERLINK(1)"]])
    assert text == 'id,name\nu1,"a\rb=1+1"\nu2,"c\nd"\nu3,\'=HYPERLINK(1)\n'
    assert list(csv.reader(io.StringIO(text, newline=""))) == [
        ["id", "name"],
        ["u1", "a\rb=1+1"],
        ["u2", "c\nd"],
        ["u3", "'=HYPERLINK(1)"],
    ]


def _campaign_with(tmp_path: Path, old: str, new: str) -> Path:
    camp = tmp_path / "camp.yaml"
    text = (ROOT / "campaigns" / "ninh_thuan_2020.yaml").read_text(encoding="utf-8")
    assert old in text
    camp.write_text(text.replace(old, new), encoding="utf-8")
    return camp


def test_the_csv_template_writes_campaign_text_that_looks_like_a_formula_as_text(tmp_path: Path) -> None:
    import csv

    camp = _campaign_with(tmp_path, "clause: II.2.a\n", 'clause: "=HYPERLINK(\\"http://x.invalid\\")"\n')
    out = tmp_path / "t.csv"
    result = runner.invoke(app, ["template", str(camp), "-o", str(out)])
    assert result.exit_code == 0, result.output
    cells = [c for row in csv.reader(out.read_text(encoding="utf-8-sig").splitlines()) for c in row]
    assert any(c.startswith("'=HYPERLINK") for c in cells)
    assert not any(c.startswith("=") for c in cells)
    # and the blank template still reads as a facts file: nothing in it is misread, its one
    # problem is that it names no candidate yet (engine.model.facts.refuse_empty)
    result = runner.invoke(app, ["evaluate", str(camp), str(out), "-f", "json", "--lang", "en"])
    assert result.exit_code == 2
    assert result.output.strip().endswith(
        "t.csv: the file lists no unit and no person — start from the blank file: thidua template <campaign> -o facts.csv"
    ), result.output


ESCAPES = "Ninh Thuận\x1b]0;pwned\x07\x1b[2J\x9b31m"


@pytest.mark.parametrize("fmt", ["table", "markdown", "csv", "json"])
def test_control_characters_from_any_input_are_shown_as_escapes(tmp_path: Path, fmt: str) -> None:
    """A campaign title with ESC, BEL, CSI: no output carries them; JSON decodes back to the same text."""
    import json

    title = ESCAPES.encode("unicode_escape").decode("ascii")
    camp = _campaign_with(
        tmp_path, "vi: Phong trào thi đua cải cách hành chính tỉnh Ninh Thuận năm 2020", f'vi: "{title}"'
    )
    result = runner.invoke(app, ["evaluate", str(camp), str(EXAMPLE), "-f", fmt])
    assert result.exit_code == 0, result.output
    assert not any(c in result.stdout for c in "\x1b\x07\x9b")
    if fmt == "json":
        assert json.loads(result.stdout)["candidates"]  # still JSON
    elif fmt in ("table", "markdown"):
        assert "\\u001b]0;pwned" in result.stdout and "\\u001b[2J\\u009b31m" in result.stdout


def test_the_xlsx_report_does_not_crash_on_control_characters_in_campaign_text(tmp_path: Path) -> None:
    title = ESCAPES.encode("unicode_escape").decode("ascii")
    camp = _campaign_with(
        tmp_path, "vi: Phong trào thi đua cải cách hành chính tỉnh Ninh Thuận năm 2020", f'vi: "{title}"'
    )
    out = tmp_path / "r.xlsx"
    result = runner.invoke(app, ["report", str(camp), str(EXAMPLE), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.stat().st_size > 0


def test_stderr_shows_control_characters_as_escapes(tmp_path: Path) -> None:
    facts = tmp_path / "f.yaml"
    facts.write_text('units:\n  - {id: u1, name: A, kind: department, facts: {"staff\\e[2J": 1}}\n', encoding="utf-8")
    result = runner.invoke(app, ["evaluate", "ninh_thuan_2020", str(facts)])
    assert result.exit_code == 2
    assert "\x1b" not in result.stderr and "không có chỉ tiêu 'staff\\u001b[2J'" in result.stderr
    english = runner.invoke(app, ["evaluate", "ninh_thuan_2020", str(facts)], env={"THIDUA_LANG": "en"})
    assert "\x1b" not in english.stderr and "unknown fact 'staff\\u001b[2J'" in english.stderr


# ---------------------------------------------------------------- a reader that goes away (issue 13.6)


class _GoneReader:
    """A stdout whose reader left after `keep` characters (`| head -1`): writes, or the flush at exit, fail."""

    def __init__(self, keep: int, on_flush: bool) -> None:
        self.keep, self.on_flush, self.got = keep, on_flush, ""

    def write(self, text: str) -> int:
        if not self.on_flush and len(self.got) + len(text) > self.keep:
            raise BrokenPipeError(32, "Broken pipe")
        self.got += text
        return len(text)

    def flush(self) -> None:
        if self.on_flush and len(self.got) > self.keep:
            raise BrokenPipeError(32, "Broken pipe")

    def fileno(self) -> int:
        raise OSError("not a real stream")

    def isatty(self) -> bool:
        return False


@pytest.mark.parametrize("on_flush", [False, True], ids=["mid-write", "at-exit-flush"])
@pytest.mark.parametrize(
    "args",
    [["list"], ["evaluate", "ninh_thuan_2020", str(EXAMPLE), "-f", "json"], ["schema", "campaign"]],
    ids=lambda a: a[0],
)
def test_a_broken_pipe_is_a_clean_exit(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], args: list[str], on_flush: bool
) -> None:
    import cli

    monkeypatch.setattr(sys, "argv", ["thidua", *args])
    monkeypatch.setattr(sys, "stdout", _GoneReader(10, on_flush))
    with pytest.raises(SystemExit) as stop:
        cli.main()
    assert stop.value.code == 1  # cut short, silently: nothing is wrong with the input
    assert capsys.readouterr().err == ""


def test_a_result_written_in_pieces_appears_whole_or_not_at_all(tmp_path: Path) -> None:
    """A big JSON result is written as it is made (issue 16); a failure half-way leaves nothing."""
    from engine.render.output import write_atomic

    def pieces():  # type: ignore[no-untyped-def]
        yield "{\n"
        raise RuntimeError("made half-way")

    out = tmp_path / "r.json"
    with pytest.raises(RuntimeError):
        write_atomic(out, pieces())
    assert list(tmp_path.iterdir()) == []
    write_atomic(out, iter(["{", "}\n"]))
    assert out.read_text(encoding="utf-8") == "{}\n"


@pytest.mark.slow  # a fresh process and a signal
def test_sigterm_before_the_commands_guard_is_said_too(tmp_path: Path) -> None:
    """With a cold cache the first file replaced is the vocabulary's, written while the command line
    is read — outside any command's guard, where Typer turns an interrupt into a silent 130."""
    out = tmp_path / "out" / "result.json"
    out.parent.mkdir()
    proc = subprocess.run(
        [sys.executable, "-c", SIGTERM_MID_WRITE, str(EXAMPLE), str(out)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        env={**os.environ, "THIDUA_LANG": "vi", "THIDUA_CACHE_DIR": str(tmp_path / "cold-cache")},
    )
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.strip() == "thidua: đã dừng theo yêu cầu", proc.stderr
    assert list(out.parent.iterdir()) == []
