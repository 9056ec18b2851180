"""Page routes. A page carries no data of its own: it is a shell (layout, navigation, labels)
whose script signs in through ``POST /auth/token`` and reads the API with that token, so the
API's permissions are the pages' permissions. The shells are therefore public."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates

from api.deps import LibraryDep
from chainmap.domain import TAG_LABELS
from chainmap.matching.regions import DEFAULT_REGIONS

HERE = Path(__file__).resolve().parent
STATIC_DIR = HERE / "static"
templates = Jinja2Templates(directory=HERE / "templates")

router = APIRouter(include_in_schema=False)

#: (path, template, title, nav label); the navigation bar lists the ones with a label
NAV: list[tuple[str, str]] = [
    ("/ui/", "产业链"),
    ("/ui/carriers", "载体"),
    ("/ui/meetings", "调度会"),
]


def _page(request: Request, template: str, title: str, **context: object) -> HTMLResponse:
    return templates.TemplateResponse(request, template, {"title": title, "nav": NAV, **context})


@router.get("/")
def root() -> RedirectResponse:
    return RedirectResponse("/ui/", status_code=307)


@router.get("/ui/login", response_class=HTMLResponse)
def login_page(request: Request) -> HTMLResponse:
    return _page(request, "login.html", "登录")


@router.get("/ui/", response_class=HTMLResponse)
def home_page(request: Request) -> HTMLResponse:
    return _page(request, "home.html", "产业链")


@router.get("/ui/chains/{chain_id}", response_class=HTMLResponse)
def chain_page(request: Request, chain_id: str, library: LibraryDep) -> HTMLResponse:
    chain = library.get(chain_id)
    return _page(request, "chain.html", chain.name if chain else "产业链图谱", chain_id=chain_id)


@router.get("/ui/chains/{chain_id}/map", response_class=HTMLResponse)
def target_map_page(request: Request, chain_id: str, library: LibraryDep) -> HTMLResponse:
    chain = library.get(chain_id)
    regions = chain.regions if chain and chain.regions is not None else DEFAULT_REGIONS
    return _page(
        request,
        "targetmap.html",
        f"{chain.name} · 招商地图" if chain else "招商地图",
        chain_id=chain_id,
        regions=[r.name for r in regions],
        tags=[(t.value, label) for t, label in TAG_LABELS.items()],
    )


@router.get("/ui/carriers", response_class=HTMLResponse)
def carriers_page(request: Request) -> HTMLResponse:
    return _page(request, "carriers.html", "载体")


@router.get("/ui/meetings", response_class=HTMLResponse)
def meetings_page(request: Request) -> HTMLResponse:
    return _page(request, "meetings.html", "双月调度会")
