"""The web pages as HTTP sees them: public shells without data, every asset served by the
app itself (no CDN, no external font), the API docs offline too."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from api.web import pages

PAGES = [
    "/ui/login",
    "/ui/",
    "/ui/chains/nev-battery",
    "/ui/chains/nev-battery/map",
    "/ui/carriers",
    "/ui/meetings",
]
EXTERNAL = re.compile(
    r"""(?:src|href)\s*=\s*["'](?:https?:)?//|url\(\s*["']?(?:https?:)?//|@import"""
)


@pytest.fixture
def anonymous(auth_client: TestClient) -> TestClient:
    return auth_client


@pytest.mark.parametrize("path", PAGES)
def test_pages_are_chinese_shells_served_to_anyone(anonymous: TestClient, path: str) -> None:
    res = anonymous.get(path)
    assert res.status_code == 200
    assert res.headers["content-type"].startswith("text/html")
    assert '<html lang="zh-CN">' in res.text
    assert "/static/app.js" in res.text
    # scripts only from the app itself: the CSP refuses inline and foreign scripts
    assert "default-src 'self'" in res.headers["content-security-policy"]
    assert not EXTERNAL.search(res.text)


def test_root_sends_people_to_the_pages(anonymous: TestClient) -> None:
    res = anonymous.get("/", follow_redirects=False)
    assert res.status_code == 307 and res.headers["location"] == "/ui/"


def test_the_data_behind_a_page_still_needs_signing_in(anonymous: TestClient) -> None:
    assert anonymous.get("/ui/chains/nev-battery").status_code == 200
    assert anonymous.get("/chains/nev-battery").status_code == 401


def test_static_assets_reference_nothing_outside_the_app(anonymous: TestClient) -> None:
    files = sorted(p for p in pages.STATIC_DIR.iterdir() if p.suffix in {".js", ".css"})
    assert files
    for f in files:
        res = anonymous.get(f"/static/{f.name}")
        assert res.status_code == 200, f.name
        assert not EXTERNAL.search(res.text), f.name
        assert "http://" not in res.text.replace("http://www.w3.org/2000/svg", ""), f.name
        assert "https://" not in res.text, f.name


def test_api_docs_load_swagger_from_the_app(anonymous: TestClient) -> None:
    res = anonymous.get("/docs")
    assert res.status_code == 200
    srcs = re.findall(r"""(?:src|href)=["']([^"']+)""", res.text)
    assert srcs and all(s.startswith("/") for s in srcs), srcs
    for src in srcs:
        assert anonymous.get(src).status_code == 200, src
    assert "cdn.jsdelivr.net" not in res.text
