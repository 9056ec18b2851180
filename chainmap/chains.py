"""Chain library: load ``data/industry_chains/*.yaml``, validate, build the graph.

A chain file is validated by a pydantic schema (types, required fields), then by
the structural checks pydantic cannot express: unique segment ids, every link
resolves, and the graph is a DAG. Every error names the file, the segment where
there is one, and the problem, in Chinese and English.

Example::

    >>> lib = load_chain_library(Path("data/industry_chains"))
    >>> g = chain_graph(lib["nev-battery"])
    >>> "cathode" in g
    True
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated

import networkx as nx
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from chainmap.domain import Chain, Footprint, Region, Segment, Stage
from chainmap.errors import ChainDefinitionError, ChainNotFound
from chainmap.matching.regions import KNOWN_REGIONS

SEGMENT_ID = r"^[a-z0-9][a-z0-9-]*$"
# GB/T 4754-2017: a section letter followed by 2 (大类), 3 (中类) or 4 (小类) digits.
INDUSTRY_CODE = re.compile(r"^[A-T]\d{2,4}$")
WEIGHT_NAMES = (
    "segment_fit",
    "gap_priority",
    "strength",
    "region",
    "carrier_fit",
    "referral",
    "penalty",
)


class FootprintSchema(BaseModel):
    model_config = ConfigDict(extra="forbid")
    land_mu: float | None = Field(default=None, gt=0)
    factory_m2: float | None = Field(default=None, gt=0)
    clear_height_m: float | None = Field(default=None, gt=0)
    floor_load_kn_m2: float | None = Field(default=None, gt=0)
    power_kva: float | None = Field(default=None, gt=0)


class SegmentSchema(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: Annotated[str, Field(pattern=SEGMENT_ID)]
    name: Annotated[str, Field(min_length=1)]
    name_en: str = ""
    stage: Stage
    description: str = ""
    keywords: Annotated[list[Annotated[str, Field(min_length=1)]], Field(min_length=5)]
    industry_codes: list[str] = []
    footprint: FootprintSchema | None = None

    @field_validator("industry_codes")
    @classmethod
    def _codes(cls, codes: list[str]) -> list[str]:
        for code in codes:
            if not INDUSTRY_CODE.match(code):
                raise ValueError(f"'{code}' is not a GB/T 4754-2017 code (e.g. C3841)")
        return codes


class RegionSchema(BaseModel):
    """A priority source region: a known name alone (长三角, 珠三角, 京津冀) or a definition."""

    model_config = ConfigDict(extra="forbid")
    name: Annotated[str, Field(min_length=1)]
    provinces: list[str] | None = None
    cities: list[str] | None = None
    score: Annotated[float | None, Field(ge=0, le=1)] = None


class ChainSchema(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: Annotated[str, Field(pattern=SEGMENT_ID)]
    name: Annotated[str, Field(min_length=1)]
    name_en: str = ""
    aliases: list[str] = []
    weights: dict[str, Annotated[float, Field(ge=0)]] = {}
    regions: list[RegionSchema] | None = None
    segments: Annotated[list[SegmentSchema], Field(min_length=1)]
    links: list[Annotated[list[str], Field(min_length=2, max_length=2)]]

    @field_validator("weights")
    @classmethod
    def _weights(cls, weights: dict[str, float]) -> dict[str, float]:
        unknown = set(weights) - set(WEIGHT_NAMES)
        if unknown:
            raise ValueError(f"unknown weight(s) {sorted(unknown)}; known: {list(WEIGHT_NAMES)}")
        return weights


def _first_segment(errors: list[dict[str, object]], raw: object) -> str | None:
    """Name the segment a pydantic error sits in, when the location points at one."""
    for err in errors:
        loc = err.get("loc", ())
        if isinstance(loc, tuple) and len(loc) >= 2 and loc[0] == "segments":
            idx = loc[1]
            if isinstance(raw, dict) and isinstance(idx, int):
                segs = raw.get("segments")
                if isinstance(segs, list) and idx < len(segs) and isinstance(segs[idx], dict):
                    return str(segs[idx].get("id", f"#{idx + 1}"))
            return f"#{idx}"
    return None


def parse_chain(text: str, *, source: str = "<string>") -> Chain:
    """Parse and validate one chain definition; raise ChainDefinitionError naming what is wrong."""
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        where_zh = f"第 {mark.line + 1} 行" if mark is not None else ""
        raise ChainDefinitionError(
            source, f"malformed YAML{where}: {exc}", f"YAML 格式错误{where_zh}"
        ) from exc
    if not isinstance(raw, dict):
        raise ChainDefinitionError(
            source, "top level must be a mapping", "顶层必须是映射（键值对）"
        )
    try:
        schema = ChainSchema.model_validate(raw)
    except ValidationError as exc:
        errors = exc.errors()
        detail = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in errors[:5])
        raise ChainDefinitionError(
            source,
            f"invalid definition: {detail}",
            f"定义不合法：{detail}",
            segment=_first_segment([dict(e) for e in errors], raw),
        ) from exc
    return _to_chain(schema, source)


def _to_chain(schema: ChainSchema, source: str) -> Chain:
    seen: set[str] = set()
    for seg in schema.segments:
        if seg.id in seen:
            raise ChainDefinitionError(
                source, f"duplicate segment id '{seg.id}'", f"环节 id「{seg.id}」重复", seg.id
            )
        seen.add(seg.id)
    links: list[tuple[str, str]] = []
    for src, dst in schema.links:
        for end in (src, dst):
            if end not in seen:
                raise ChainDefinitionError(
                    source,
                    f"link {src} -> {dst} names unknown segment '{end}'",
                    f"链接 {src} → {dst} 引用了不存在的环节「{end}」",
                    end,
                )
        if src == dst:
            raise ChainDefinitionError(
                source, f"segment '{src}' links to itself", f"环节「{src}」链接到自身", src
            )
        links.append((src, dst))
    segments = tuple(
        Segment(
            id=s.id,
            name=s.name,
            name_en=s.name_en,
            stage=s.stage,
            description=s.description,
            keywords=tuple(s.keywords),
            industry_codes=tuple(s.industry_codes),
            footprint=Footprint(**s.footprint.model_dump()) if s.footprint else None,
        )
        for s in schema.segments
    )
    chain = Chain(
        id=schema.id,
        name=schema.name,
        name_en=schema.name_en,
        aliases=tuple(schema.aliases),
        segments=segments,
        links=tuple(links),
        weights=dict(schema.weights),
        regions=_regions(schema, source),
    )
    graph = chain_graph(chain)
    if not nx.is_directed_acyclic_graph(graph):
        cycle = nx.find_cycle(graph)
        path = " → ".join([u for u, _ in cycle] + [cycle[0][0]])
        raise ChainDefinitionError(
            source, f"links form a cycle: {path}", f"链接形成环路：{path}", cycle[0][0]
        )
    return chain


def _regions(schema: ChainSchema, source: str) -> tuple[Region, ...] | None:
    if schema.regions is None:
        return None
    out: list[Region] = []
    for r in schema.regions:
        known = KNOWN_REGIONS.get(r.name)
        if known is None and r.provinces is None and r.cities is None:
            raise ChainDefinitionError(
                source,
                f"region '{r.name}' is not a known region; give its provinces or cities "
                f"(known: {', '.join(KNOWN_REGIONS)})",
                f"区域「{r.name}」不是已知区域，须列出省份或城市（已知：{'、'.join(KNOWN_REGIONS)}）",
            )
        provinces = r.provinces if r.provinces is not None else known.provinces if known else ()
        cities = r.cities if r.cities is not None else known.cities if known else ()
        score = r.score if r.score is not None else known.score if known else 1.0
        out.append(Region(r.name, tuple(provinces), tuple(cities), score))
    return tuple(out)


def load_chain_file(path: Path) -> Chain:
    """Load one chain file; its ``id`` must match the file name."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ChainDefinitionError(str(path), f"cannot read file: {exc}", "无法读取文件") from exc
    chain = parse_chain(text, source=str(path))
    if chain.id != path.stem:
        raise ChainDefinitionError(
            str(path),
            f"chain id '{chain.id}' does not match file name '{path.stem}'",
            f"产业链 id「{chain.id}」与文件名「{path.stem}」不一致",
        )
    return chain


def load_chain_library(directory: Path) -> dict[str, Chain]:
    """Load every ``*.yaml`` chain in a directory, sorted by id."""
    if not directory.is_dir():
        raise ChainDefinitionError(str(directory), "chains directory not found", "产业链目录不存在")
    chains = [load_chain_file(p) for p in sorted(directory.glob("*.yaml"))]
    return {c.id: c for c in sorted(chains, key=lambda c: c.id)}


def get_chain(library: Mapping[str, Chain], chain_id: str) -> Chain:
    try:
        return library[chain_id]
    except KeyError:
        raise ChainNotFound(chain_id) from None


def chain_graph(chain: Chain) -> nx.DiGraph:
    """The chain as a networkx DiGraph; node attributes carry the Segment."""
    graph = nx.DiGraph(chain_id=chain.id, name=chain.name)
    for seg in chain.segments:
        graph.add_node(seg.id, segment=seg, name=seg.name, stage=seg.stage.value)
    graph.add_edges_from(chain.links)
    return graph
