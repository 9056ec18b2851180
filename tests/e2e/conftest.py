"""Browser tests: the real app served by uvicorn on the bundled demo city (a throwaway SQLite
file, as after ``make run``), driven by Playwright in Debian's headless Chromium.

Chromium is installed by ``make test`` (``make browser``); when it is missing the tests fail
with that instruction rather than being skipped. Screenshots go to ``test-artifacts/``.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page, Playwright, sync_playwright

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
DEMO_PASSWORD = "chainmap-demo"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str:
    found = os.environ.get("CHAINMAP_CHROMIUM") or shutil.which("chromium")
    if not found:
        pytest.fail(
            "找不到 Chromium：请运行 make test（会安装 chromium）/ Chromium not found: "
            "`make test` installs Debian's chromium, or set CHAINMAP_CHROMIUM",
            pytrace=False,
        )
    return found


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``make run`` in miniature: migrate, load the demo city, serve it."""
    db_file = tmp_path_factory.mktemp("e2e") / "demo.db"
    env = {
        **os.environ,
        "CHAINMAP_DATABASE_URL": f"sqlite:///{db_file}",
        "CHAINMAP_SECRET_KEY": "e2e-secret-key-for-browser-tests-only",
    }
    env.pop("CHAINMAP_TEST_DATABASE_URL", None)
    cli = [str(Path(sys.executable).with_name("chainmap"))]
    for args in (["db", "upgrade"], ["demo", "load"]):
        subprocess.run([*cli, *args], env=env, check=True, capture_output=True, timeout=600)
    port = _free_port()
    log = (tmp_path_factory.getbasetemp() / "e2e-server.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "api", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the app did not start; see {log.name}", pytrace=False)
            time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        log.close()


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    b = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
    yield b
    b.close()


@contextmanager
def page_at(browser: Browser, live_server: str, width: int, height: int) -> Iterator[Page]:
    """A fresh page of ``width`` × ``height`` CSS px on the live server (a laptop is the
    ``page`` fixture's 1440 × 900; the meeting room's projector 1920 × 1080). Fails the test
    if a script on the page threw."""
    context = browser.new_context(
        base_url=live_server,
        locale="zh-CN",
        viewport={"width": width, "height": height},
        accept_downloads=True,
    )
    context.set_default_timeout(15_000)
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        yield pg
    finally:
        context.close()
    assert not errors, f"script errors on the page: {errors}"


@pytest.fixture
def page(browser: Browser, live_server: str) -> Iterator[Page]:
    with page_at(browser, live_server, 1440, 900) as pg:
        yield pg


def login(page: Page, username: str) -> None:
    page.goto("/ui/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/ui/")


def screenshot(page: Page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def sign_in_token(live_server: str, username: str) -> str:
    """A demo user's bearer token, for reading the API beside the page."""
    res = httpx.post(
        f"{live_server}/auth/token", data={"username": username, "password": DEMO_PASSWORD}
    )
    res.raise_for_status()
    return str(res.json()["access_token"])


def api_get(live_server: str, username: str, path: str, **params: object) -> Any:
    """What the API answers a demo user: the numbers a page must show."""
    res = httpx.get(
        f"{live_server}{path}",
        params=params,  # type: ignore[arg-type]
        headers={"Authorization": f"Bearer {sign_in_token(live_server, username)}"},
        timeout=60,
    )
    res.raise_for_status()
    return res.json()
