"""engine.model.source: YAML/JSON reading with positions and refusals."""

import pytest

from engine.common.errors import UsageError
from engine.model.source import decode, load_json_text, load_yaml_text


def test_positions_of_nested_values() -> None:
    doc = load_yaml_text("a: 1\nb:\n  - {x: 2021-01-20, y: n/a}\n", "t.yaml")
    assert doc.locate(("b", 0, "y")) == (3, 21)
    assert doc.locate(("b", 0, "missing")) == (3, 5)


@pytest.mark.parametrize(
    ("text", "fragment", "english"),
    [
        ("a: 1\na: 2\n", "khóa 'a' bị lặp lại", "duplicate key 'a'"),
        ("a: !!python/object:os.system x\n", "không được dùng thẻ", "not allowed"),
        ("a: &x [1]\nb:\n  <<: {c: 1}\n", "không được dùng khóa gộp", "merge keys"),
        ("a: [\n", "lỗi cú pháp YAML", "YAML syntax error"),
        (
            "a: b: c\n",
            "dấu ':' đứng ở chỗ không được phép — một giá trị có ': ' phải đặt trong dấu nháy",
            "must be quoted",
        ),
        ("d: 2024-02-30\n", "'2024-02-30' không phải là một ngày có thật", "'2024-02-30' is not a real day"),
    ],
)
def test_refusals(text: str, fragment: str, english: str) -> None:
    with pytest.raises(UsageError) as e:
        load_yaml_text(text, "t.yaml")
    assert fragment in str(e.value)
    assert english in e.value.problems[0].render("en")


def test_alias_bomb_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    from engine.common import limits

    monkeypatch.setattr(limits, "MAX_NODES", 10_000)
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
    for i, name in enumerate("bcdefg"):
        prev = "abcdefg"[i]
        bomb += f"{name}: &{name} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"
    with pytest.raises(UsageError) as e:
        load_yaml_text(bomb, "bomb.yaml")
    assert "(bom bí danh)" in str(e.value) and "12.345.678 giá trị" in str(e.value)
    assert "into 12,345,678 (an alias bomb)" in e.value.problems[0].render("en")


def test_nfc_normalisation() -> None:
    decomposed = "Uy\u0309 ban"  # 'Uỷ' written with a combining hook above
    doc = load_yaml_text(f"name: {decomposed}\n", "t.yaml")
    assert doc.data["name"] == "Uỷ ban"


def test_bom_and_crlf_accepted() -> None:
    assert decode(b"\xef\xbb\xbfa: 1\r\nb: 2\r\n", "t") == "a: 1\nb: 2\n"


def test_windows_1258_refused_with_hint() -> None:
    raw = "S\u01a1\u0309 N\u00f4\u0323i vu\u0323".encode("cp1258")  # "Sở Nội vụ" as Windows-1258 writes it
    with pytest.raises(UsageError) as e:
        decode(raw, "t.yaml")
    assert "không phải văn bản UTF-8" in str(e.value) and "Windows-1258" in str(e.value)


def test_json_duplicate_keys_and_lazy_positions() -> None:
    with pytest.raises(UsageError, match="khóa 'a' bị lặp lại"):
        load_json_text('{"a": 1, "a": 2}', "t.json")
    doc = load_json_text('{\n  "units": [\n    {"id": "x"}\n  ]\n}', "t.json")
    assert doc.locate(("units", 0, "id"))[0] == 3
