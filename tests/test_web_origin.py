"""Only the officer's own pages act (issue 26, that point): a page of another site cannot post
returns to `thidua serve` (which would show that site's data as the officer's result and evict
the officer's uploads) nor make it lint a campaign — refused with 403, in the request's language;
the app's own pages, and clients that are no browser page (curl, a script), are served."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from language import english_sentences, vietnamese_sentences
from serving import officer

ROOT = Path(__file__).resolve().parent.parent
NT = "ninh_thuan_2020"
FACTS = {"facts": (f"{NT}.yaml", (ROOT / "examples" / f"{NT}.yaml").read_bytes())}
UPLOAD = f"/campaigns/{NT}/upload"
API = f"/api/campaigns/{NT}/evaluate"


@pytest.fixture()
def client(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    monkeypatch.setenv("THIDUA_LOG_DIR", str(tmp_path / "logs"))
    with officer() as c:
        yield c


FOREIGN = [
    {"sec-fetch-site": "cross-site", "origin": "https://evil.example"},
    {"sec-fetch-site": "same-site", "origin": "http://127.0.0.1:9999"},
    {"origin": "https://evil.example"},
    {"origin": "null"},
    {"origin": "http://127.0.0.1:9999"},  # another port of this computer is another site
]


@pytest.mark.parametrize("headers", FOREIGN, ids=lambda h: ",".join(f"{k}={v}" for k, v in h.items()))
@pytest.mark.parametrize("path", [UPLOAD, API])
def test_a_post_from_another_site_is_refused(client: TestClient, headers: dict[str, str], path: str) -> None:
    got = client.post(path, files=FACTS, headers=headers, follow_redirects=False)
    assert got.status_code == 403, got.text
    text = got.text
    assert "yêu cầu gửi từ một trang khác" in text and english_sentences(text) == []
    en = client.post(path + "?lang=en", files=FACTS, headers=headers, follow_redirects=False)
    assert en.status_code == 403 and "a request from another site" in en.text
    assert vietnamese_sentences(en.text) == []


@pytest.mark.parametrize(
    "headers",
    [{"sec-fetch-site": "same-origin", "origin": "http://127.0.0.1"}, {"origin": "http://127.0.0.1"}, {}],
    ids=["same-origin page", "same origin", "no browser (curl)"],
)
def test_the_apps_own_pages_and_local_clients_are_served(client: TestClient, headers: dict[str, str]) -> None:
    page = client.post(UPLOAD, files=FACTS, headers=headers, follow_redirects=False)
    assert page.status_code == 303, page.text
    api = client.post(API, files=FACTS, headers=headers)
    assert api.status_code == 200, api.text


def test_reading_is_not_refused(client: TestClient) -> None:
    """A link from elsewhere may open a page (GET): it changes nothing."""
    assert client.get("/", headers={"sec-fetch-site": "cross-site"}).status_code == 200
