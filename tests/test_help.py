"""The command line's own words in the reader's language (issue 24, points 1 and 2): every command's
help from the vocabulary, readable placeholders, Typer's headings through the catalogue, usage errors
on one line — in Vietnamese by default, in English with --lang en or THIDUA_LANG=en."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import typer
from language import english_sentences, vietnamese_sentences
from typer.testing import CliRunner

from cli import app
from engine.model.vocabulary import load_labels
from engine.render.help import catalogues, compile_catalogue

runner = CliRunner()
COMMANDS = sorted(typer.main.get_command(app).commands)  # type: ignore[attr-defined]
# what the help names as written in both languages: the plan's and the document's own words
KEPT = ["Tờ trình + Danh sách", "Kính gửi", "Nơi nhận", "Giám đốc", "Số: …/TTr-SNV", "Nghị định 30/2020"]


def help_text(lang: str | None, *args: str) -> str:
    env = {"THIDUA_LANG": lang} if lang else {}
    result = runner.invoke(app, [*args, "--help"], env=env, terminal_width=100, prog_name="thidua")
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.mark.parametrize("command", [None, *COMMANDS])
def test_help_speaks_vietnamese_by_default_and_english_when_asked(command: str | None) -> None:
    args = [command] if command else []
    vi = help_text(None, *args)
    assert vi.startswith("Cách dùng: thidua") and "Tùy chọn:" in vi
    assert english_sentences(vi, KEPT) == []
    en = help_text("en", *args)
    assert en.startswith("Usage: thidua") and "Options:" in en
    assert vietnamese_sentences(en, KEPT) == []
    assert help_text(None, *args, "--lang", "en") == en  # --lang anywhere on the line, as THIDUA_LANG
    for text in (vi, en):  # placeholders say what to write, never a programmer's type
        assert not re.search(r"<(str|int|bool|path|list\[Path\])>", text), text


def test_placeholders_are_words_an_officer_reads() -> None:
    text = help_text(None, "evaluate")
    for word in ("KẾ_HOẠCH", "TỆP_SỐ_LIỆU", "--as-of NGÀY", "--round NĂM", "-o, --output TỆP", "--lang vi|en"):
        assert word in text, word
    assert "dd/mm/yyyy" in text and "YYYY-MM-DD" not in text


def test_every_command_and_parameter_has_its_help_in_the_vocabulary_and_none_is_left_over() -> None:
    entries = load_labels().help
    group = typer.main.get_command(app)
    used = {"thidua", "usage", "any.help", "metavar.options", "metavar.command"}
    missing = []
    for name, cmd in [("thidua", group), *group.commands.items()]:  # type: ignore[attr-defined]
        used.add(name)
        for p in cmd.params:
            key = f"{name}.{p.name}" if f"{name}.{p.name}" in entries else f"any.{p.name}"
            used.add(key)
            if key not in entries:
                missing.append(key)
            if type(p).__name__ == "TyperArgument":
                used.add(f"metavar.{p.name}")
                if f"metavar.{p.name}" not in entries:
                    missing.append(f"metavar.{p.name}")
    assert missing == []
    placeholders = {k for k in entries if k.startswith("metavar.")}
    assert set(entries) - used - placeholders == set(), "help entries nothing reads"


@pytest.mark.parametrize(
    ("args", "vi", "en"),
    [
        (["evaluate", "--frmat"], "không có tùy chọn --frmat (có phải ý bạn là: --format", "no such option --frmat"),
        (["evaluate", "ninh_thuan_2020"], "thiếu TỆP_SỐ_LIỆU", "missing FACTS"),
        (["evaluate", "a", "b", "--lang", "xx"], "--lang: 'xx' không dùng được — chọn một trong: vi, en", None),
        (["evaluate", "a", "b", "--round", "x"], "--round: phải ghi một số nguyên", "--round: write a whole number"),
        (["evalute"], "không có lệnh 'evalute' — có phải ý bạn là: evaluate", "no such command 'evalute'"),
        (["list", "extra"], "thừa tham số: extra", "unexpected extra arguments: extra"),
    ],
)
def test_usage_errors_are_one_line_in_the_readers_language(
    args: list[str], vi: str, en: str | None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Through `main`, as the console script runs it (Typer's test runner prints its own box)."""
    import sys

    from cli import main

    for lang, fragment in (("vi", vi), ("en", en)):
        if fragment is None:
            continue
        monkeypatch.setattr(sys, "argv", ["thidua", *args])
        monkeypatch.setenv("THIDUA_LANG", lang)
        with pytest.raises(SystemExit) as exit_:
            main()
        err = capsys.readouterr().err
        assert exit_.value.code == 2
        lines = err.strip().split("\n")
        assert len(lines) == 1 and fragment in lines[0], err
        found = english_sentences(err) if lang == "vi" else vietnamese_sentences(err)
        assert found == [], found


def test_the_shipped_catalogue_is_compiled_from_its_source() -> None:
    pairs = catalogues()
    assert pairs, "no catalogue shipped"
    for po, mo in pairs:
        assert mo.read_bytes() == compile_catalogue(po), f"{mo} is stale: python -m engine.render.help --compile"


def test_every_catalogue_entry_is_a_sentence_typer_still_asks_gettext_for() -> None:
    """A Typer upgrade that drops or rewords a sentence leaves our translation unread: said here."""
    from babel.messages.extract import extract_from_file
    from babel.messages.pofile import read_po

    source = Path(typer.__file__).parent
    asked = {
        m if isinstance(m, str) else m[0]
        for path in source.rglob("*.py")
        for _, m, _, _ in extract_from_file("python", str(path))
    }
    for po, _ in catalogues():
        with po.open("rb") as f:
            ours = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(f) if m.id}
        assert ours - asked == set(), f"{po}: entries Typer no longer asks for"


def test_a_lang_given_to_the_group_reaches_the_command() -> None:
    """`thidua --lang en list` speaks English as `thidua list --lang en` does: one language per run."""
    before = runner.invoke(app, ["--lang", "en", "list"], prog_name="thidua").stdout
    after = runner.invoke(app, ["list", "--lang", "en"], prog_name="thidua").stdout
    assert before == after and "(no number yet)" in before
    assert "(chưa có số)" in runner.invoke(app, ["list"], prog_name="thidua").stdout
