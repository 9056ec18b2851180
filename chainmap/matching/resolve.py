"""Entity resolution: an incoming enterprise name → registry records, and duplicate clusters.

How a pair is judged. Both names go through :func:`~chainmap.matching.normalize.parse_name`;
the pair then falls in exactly one *tier*:

========== =================================================================== ==============
tier       rule                                                                reason
========== =================================================================== ==============
exact      match keys equal (legal form, region, 繁/简, 全/半角 aside)          名称一致 …
abbr       same brand (core), one industry tail contains the other             简称匹配
           (宁德时代 ↔ 宁德时代新能源科技股份有限公司)
initials   a 2–4 character brand-only name spells the initials of the other    简称匹配（首字缩写）
           (上汽 ↔ 上海汽车集团, 中石化 ↔ 中国石油化工, 工行 ↔ 中国工商银行)
conflict   one of the three above, but the names state different regions       地区不同
core_other same brand, unrelated industries (格力电器 ↔ 格力地产)               同字号不同行业
fuzzy_*    anything else, binned by rapidfuzz ``fuzz.ratio`` of the match keys  近似名称
========== =================================================================== ==============

A name matched through a registered alias says 英文别名 / 别名匹配 instead.

Calibration. Each tier's score is its Laplace-smoothed precision ``(same + 1) / (n + 2)``
on ``tests/data/name_pairs.csv`` (rule-made variants and hard negatives plus hand-written
real cases; ``calibrate`` in ``tests/data/make_name_pairs.py``), so a score reads as "the share
of labelled pairs of this kind that were the same enterprise". Tiers join the linking set best
first while their own score is ≥ 0.9 and the pooled precision stays ≥ 0.98;
:data:`MATCH_THRESHOLD` is the score of the last tier that joined (exact + abbr + initials:
402 of 403 labelled pairs in those tiers are the same enterprise). A unit test re-runs the
calibration and fails when these constants drift from it. Within a tier, results are ordered
by same city, same province, then ``fuzz.ratio`` of the match keys, then id.

Blocking. :class:`NameIndex` keeps, per stored name (record names and aliases), its match key,
brand and region in flat lists / numpy arrays, and sorted 64-bit hash postings for: the brand
(every tier at or above the threshold needs an equal brand, except initials), the exact key,
the initials pairs of a name (for 上汽-like queries) and the key's character bigrams (only for
below-threshold "近似" suggestions, with over-common bigrams skipped). A query therefore scores
tens to a few hundred names, whatever the registry size.

Example::

    >>> index = NameIndex([(1, "宁德时代新能源科技股份有限公司", ["CATL"]), (2, "比亚迪", [])])
    >>> [(m.id, m.reason) for m in index.resolve("寧德時代")]
    [(1, '简称匹配')]
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from rapidfuzz import fuzz

from chainmap.matching.normalize import NameParts, normalize_name, parse_name

Record = tuple[int, str, Sequence[str]]  # (id, name, aliases incl. English)

# Tier → calibrated score; copied from calibrate() on tests/data/name_pairs.csv.
TIER_SCORES: dict[str, float] = {
    "exact": 0.997,
    "abbr": 0.982,
    "initials": 0.909,
    "conflict": 0.026,
    "core_other": 0.143,
    "fuzzy_high": 0.048,
    "fuzzy_mid": 0.010,
    "fuzzy_low": 0.017,
}
MATCH_THRESHOLD = 0.909
TIER_ORDER = tuple(TIER_SCORES)  # priority when one name meets a record under several tiers
_LINKING = ("exact", "abbr", "initials")
_FUZZY_HIGH, _FUZZY_MID = 90.0, 75.0
_FUZZY_MAX = max(TIER_SCORES["fuzzy_high"], TIER_SCORES["fuzzy_mid"], TIER_SCORES["fuzzy_low"])
_UNSEEN_REGION = 1 << 30

_I64 = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class Match:
    """A registry record an incoming name resolved to, with a calibrated score and why."""

    id: int
    name: str
    score: float
    reason: str


@dataclass(frozen=True, slots=True)
class _Name:
    """The per-name facts a judgement needs (a stored row or a query)."""

    key: str
    core: str
    province: int
    city: int
    forms: str  # initials forms "石化|中石化" and the key's last character after "#"


class _Postings:
    """Hash → row ids, as two sorted arrays (a CSR inverted index)."""

    def __init__(self, hashes: Sequence[int], rows: Sequence[int]) -> None:
        h = np.fromiter(hashes, dtype=np.int64, count=len(hashes))
        r = np.fromiter(rows, dtype=np.int64, count=len(rows))
        order = np.argsort(h, kind="stable")
        self.hashes: _I64 = h[order]
        self.rows: _I64 = r[order]

    def get(self, token: str, cap: int) -> _I64:
        h = hash(token)
        lo = int(np.searchsorted(self.hashes, h, "left"))
        hi = int(np.searchsorted(self.hashes, h, "right"))
        return self.rows[lo:hi] if hi - lo <= cap else self.rows[lo : lo + cap]

    def size(self, token: str) -> int:
        h = hash(token)
        lo = int(np.searchsorted(self.hashes, h, "left"))
        return int(np.searchsorted(self.hashes, h, "right")) - lo


class NameIndex:
    """Registry names prepared for resolution; built once, then queried many times.

    Args:
        records: ``(id, name, aliases)`` for every registry record; aliases may be English.
        block_cap: a brand shared by more names than this is not used for blocking (the
            query then finds equal match keys only); key and initials blocks are cut to it.
        bigram_cap: bigrams shared by more names than this are skipped for fuzzy suggestions.
    """

    def __init__(
        self, records: Iterable[Record], *, block_cap: int = 2000, bigram_cap: int = 5000
    ) -> None:
        self.block_cap, self.bigram_cap = block_cap, bigram_cap
        self._regions: dict[str, int] = {}
        self.names: list[str] = []
        self.keys: list[str] = []
        self.cores: list[str] = []
        self.forms: list[str] = []
        record_ids: list[int] = []
        alias_flags: list[bool] = []
        provinces, cities = array("i"), array("i")
        for record_id, name, aliases in records:
            for i, text in enumerate((name, *aliases)):
                p = parse_name(text)
                self.names.append(text)
                self.keys.append(p.key)
                self.cores.append(p.core)
                self.forms.append(_forms(p))
                record_ids.append(record_id)
                alias_flags.append(i > 0)
                provinces.append(self._region_id(p.province))
                cities.append(self._region_id(p.city))
        self.record_ids: _I64 = np.array(record_ids, dtype=np.int64)
        self.is_alias = np.array(alias_flags, dtype=np.bool_)
        self.provinces, self.cities = provinces, cities
        self.record_names = {
            r: n for r, n, a in zip(record_ids, self.names, alias_flags, strict=True) if not a
        }
        n = len(self.keys)
        self.by_core = _Postings([hash(c) for c in self.cores], range(n))
        self.by_key = _Postings([hash(k) for k in self.keys], range(n))
        self.by_initials = _postings(_initial_pairs(f) for f in self.forms)
        self.by_short = _postings(
            (k[:2],) if c == k and _brand_only(self._row(i)) else ()
            for i, (k, c) in enumerate(zip(self.keys, self.cores, strict=True))
        )
        self.by_bigram = _postings(_bigrams(k) for k in self.keys)

    def __len__(self) -> int:
        return len(self.keys)

    def resolve(
        self, name: str, *, limit: int = 5, min_score: float = MATCH_THRESHOLD
    ) -> list[Match]:
        """Records ``name`` may refer to, best first (score, similarity, then id).

        >>> index = NameIndex([(7, "华为技术有限公司", ["Huawei Technologies Co., Ltd."])])
        >>> index.resolve("HUAWEI TECHNOLOGIES CO LTD")[0].reason
        '英文别名'
        """
        q = parse_name(name)
        if not q.key:
            return []
        query = self._as_name(q)
        rows = self._candidates(query, fuzzy=min_score <= _FUZZY_MAX)
        best: dict[int, tuple[float, float, int, str, float]] = {}
        record_ids = self.record_ids
        for row in rows.tolist():
            stored = self._row(row)
            tier, sim = _judge(query, stored)
            score = TIER_SCORES[tier]
            if score < min_score:
                continue
            # within a tier: same place first, then the closer match key
            same_city = query.city >= 0 and query.city == stored.city
            same_province = query.province >= 0 and query.province == stored.province
            order = sim + 50 * same_city + 25 * same_province
            record_id = int(record_ids[row])
            if record_id not in best or best[record_id][:2] < (score, order):
                best[record_id] = (score, order, row, tier, sim)
        ranked = sorted(best.items(), key=lambda kv: (-kv[1][0], -kv[1][1], kv[0]))
        return [
            Match(rid, self.record_names.get(rid, ""), score, self._reason(tier, name, q, row, sim))
            for rid, (score, _, row, tier, sim) in ranked[:limit]
        ]

    # -- internals ----------------------------------------------------------------------
    def _region_id(self, region: str | None) -> int:
        return -1 if region is None else self._regions.setdefault(region, len(self._regions))

    def _query_region_id(self, region: str | None) -> int:
        # A region no stored name states still conflicts with every stated one.
        return -1 if region is None else self._regions.get(region, _UNSEEN_REGION)

    def _as_name(self, p: NameParts) -> _Name:
        prov, city = self._query_region_id(p.province), self._query_region_id(p.city)
        return _Name(p.key, p.core, prov, city, _forms(p))

    def _row(self, row: int) -> _Name:
        return _Name(
            self.keys[row], self.cores[row], self.provinces[row], self.cities[row], self.forms[row]
        )

    def _candidates(self, q: _Name, *, fuzzy: bool) -> _I64:
        cap = self.block_cap
        parts = [self.by_key.get(q.key, cap)]
        if self.by_core.size(q.core) <= cap:
            parts.append(self.by_core.get(q.core, cap))
        if _brand_only(q):
            parts.append(self.by_initials.get(q.key[:2], cap))
        parts.extend(self.by_short.get(p, cap) for p in _initial_pairs(q.forms))
        if fuzzy:
            parts.append(self._fuzzy_candidates(q.key))
        return np.unique(np.concatenate(parts))

    def _fuzzy_candidates(self, key: str, top: int = 300) -> _I64:
        lists = [
            self.by_bigram.get(b, self.bigram_cap)
            for b in _bigrams(key)
            if self.by_bigram.size(b) <= self.bigram_cap
        ]
        if not lists:
            return np.empty(0, dtype=np.int64)
        rows, counts = np.unique(np.concatenate(lists), return_counts=True)
        keep = np.lexsort((rows, -counts))[:top]
        return rows[keep]

    def _reason(self, tier: str, raw: str, q: NameParts, row: int, sim: float) -> str:
        if tier in _LINKING and self.is_alias[row]:
            return "英文别名" if _is_latin(self.keys[row]) else "别名匹配"
        if tier == "exact":
            stored = self.names[row]
            stored_normalized = normalize_name(stored)
            labels = []
            if _plain(raw) != q.normalized or _plain(stored) != stored_normalized:
                labels.append("繁简/全半角变体")
            if stored_normalized != q.normalized:
                labels.append("后缀/地区变体")
            return "，".join(labels) or "名称一致"
        return _REASONS.get(tier, f"近似名称（相似度 {sim:.0f}）")


_REASONS = {
    "abbr": "简称匹配",
    "initials": "简称匹配（首字缩写）",
    "conflict": "地区不同",
    "core_other": "同字号不同行业",
}


def find_duplicate_clusters(
    source: NameIndex | Iterable[Record],
    *,
    threshold: float = MATCH_THRESHOLD,
    group_cap: int = 500,
) -> list[list[int]]:
    """Groups of record ids that name the same enterprise, each sorted, ordered by first id.

    Only pairs that can reach ``threshold`` are scored: names sharing a brand (every linking
    tier but initials needs one) and brand-only names against the initials block. A brand
    shared by more than ``group_cap`` names is compared within equal match keys only.

    Linked pairs of equally specific names (both with a city, both with a province only, both
    without region) are merged with union-find. A less specific name then joins only when
    everything it links to is already one cluster, so 星源新材料 never bridges 常州星源新材料
    and 深圳星源新材料: it is ambiguous and stays on its own (resolve it to see both).

    >>> find_duplicate_clusters([(3, "比亞迪股份", ()), (1, "深圳比亚迪", ()), (2, "华为", ())])
    [[1, 3]]
    """
    index = source if isinstance(source, NameIndex) else NameIndex(source)
    linking = {tier for tier, score in TIER_SCORES.items() if score >= threshold}
    ids, dense_ids = np.unique(index.record_ids, return_inverse=True)
    dense: list[int] = dense_ids.tolist()
    cities, provinces = index.cities, index.provinces
    level = [2 if c >= 0 else int(p >= 0) for p, c in zip(provinces, cities, strict=True)]
    parent = list(range(len(ids)))
    deferred: list[tuple[int, int]] = []  # (less specific row, more specific row)

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def link(rows: Sequence[int], others: Sequence[int] | None = None) -> None:
        names = {r: index._row(r) for r in (*rows, *(others or ()))}
        for i, a in enumerate(rows):
            for b in rows[i + 1 :] if others is None else others:
                ra, rb = find(dense[a]), find(dense[b])
                if ra == rb or _judge(names[a], names[b])[0] not in linking:
                    continue
                if level[a] == level[b]:
                    parent[max(ra, rb)] = min(ra, rb)
                else:
                    deferred.append((a, b) if level[a] < level[b] else (b, a))

    for group in _runs(index.by_core):
        if len(group) <= group_cap:
            link(group)
            continue
        by_key: dict[str, list[int]] = {}
        for row in group:
            by_key.setdefault(index.keys[row], []).append(row)
        for same_key in by_key.values():
            if len(same_key) <= group_cap:
                link(same_key)
    for row in index.by_short.rows.tolist():
        block = index.by_initials.get(index.keys[row][:2], index.block_cap).tolist()
        link([row], block)
    for less_level in (1, 0):  # province-only names first, then names without region
        targets: dict[int, set[int]] = {}
        for less, more in deferred:
            if level[less] == less_level:
                targets.setdefault(find(dense[less]), set()).add(find(dense[more]))
        for root, found in sorted(targets.items()):
            found.discard(root)
            if len(found) == 1:
                other = find(found.pop())
                parent[max(root, other)] = min(root, other)
    clusters: dict[int, list[int]] = {}
    for i, record_id in enumerate(ids.tolist()):
        clusters.setdefault(find(i), []).append(record_id)
    return sorted((sorted(c) for c in clusters.values() if len(c) > 1), key=lambda c: c[0])


def _runs(postings: _Postings) -> Iterable[list[int]]:
    """Row groups sharing a hash, for hashes held by two rows or more."""
    h = postings.hashes
    if len(h) < 2:
        return
    cuts = np.flatnonzero(h[1:] != h[:-1]) + 1
    starts = np.concatenate(([0], cuts))
    ends = np.concatenate((cuts, [len(h)]))
    for start, end in zip(
        starts[ends - starts > 1].tolist(), ends[ends - starts > 1].tolist(), strict=True
    ):
        yield postings.rows[start:end].tolist()


def pair_score(a: str, b: str) -> tuple[float, str]:
    """Calibrated score and tier of two names, without aliases (symmetric).

    >>> pair_score("比亞迪", "深圳市比亚迪股份有限公司")
    (0.997, 'exact')
    """
    index = NameIndex([(0, a, ())])
    tier, _ = _judge(index._as_name(parse_name(b)), index._row(0))
    return TIER_SCORES[tier], tier


def _judge(q: _Name, r: _Name) -> tuple[str, float]:
    """Tier of a query against one stored name, and the key similarity (0–100)."""
    if q.core and q.core == r.core:
        if q.key == r.key:
            tier, sim = "exact", 100.0
        else:
            qi, ri = q.key[len(q.core) :], r.key[len(r.core) :]
            tier = "abbr" if qi in ri or ri in qi else "core_other"
            sim = fuzz.ratio(q.key, r.key)
    elif (_brand_only(q) and _spells(q.key, r.forms)) or (
        _brand_only(r) and _spells(r.key, q.forms)
    ):
        tier, sim = "initials", fuzz.ratio(q.key, r.key)
    else:
        sim = fuzz.ratio(q.key, r.key)
        return ("fuzzy_high" if sim >= _FUZZY_HIGH else
                "fuzzy_mid" if sim >= _FUZZY_MID else "fuzzy_low"), sim  # fmt: skip
    if _conflict(q, r):
        tier = "conflict"
    return tier, sim


def _conflict(a: _Name, b: _Name) -> bool:
    return (a.province >= 0 and b.province >= 0 and a.province != b.province) or (
        a.city >= 0 and b.city >= 0 and a.city != b.city
    )


def _brand_only(n: _Name) -> bool:
    return n.key == n.core and 2 <= len(n.key) <= 4 and not _is_latin(n.key)


def _plain(text: str) -> str:
    return "".join(text.split()).lower()


def _is_latin(text: str) -> bool:
    return text.isascii()


def _forms(p: NameParts) -> str:
    """Initials of a name of two or more words: 石油|化工 (lead 中国) → "石化|中石化#工"."""
    if p.latin or len(p.tokens) < 2:
        return ""
    initials = "".join(t[0] for t in p.tokens)
    forms = [initials, p.lead[0] + initials] if p.lead else [initials]
    return "|".join(forms) + "#" + p.key[-1]


def _initial_pairs(forms: str) -> set[str]:
    """Two-character openings an abbreviation of these forms may start with."""
    if not forms:
        return set()
    spelled, _, last = forms.partition("#")
    out: set[str] = set()
    for f in spelled.split("|"):
        out.update(f[0] + c for c in (*f[1:], last))
    return out


def _spells(abbr: str, forms: str) -> bool:
    """``abbr`` = first initial + later initials, its last character possibly the key's last."""
    if not forms:
        return False
    spelled, _, last = forms.partition("#")
    for f in spelled.split("|"):
        if abbr[0] != f[0]:
            continue
        if _subsequence(abbr[1:], f[1:]):
            return True
        if abbr[-1] == last and _subsequence(abbr[1:-1], f[1:]):
            return True
    return False


def _subsequence(needle: str, hay: str) -> bool:
    it = iter(hay)
    return all(c in it for c in needle)


def _bigrams(key: str) -> set[str]:
    return {key[i : i + 2] for i in range(len(key) - 1)} if len(key) > 1 else {key}


def _postings(groups: Iterable[Iterable[str]]) -> _Postings:
    hashes: list[int] = []
    rows: list[int] = []
    for row, tokens in enumerate(groups):
        for t in tokens:
            hashes.append(hash(t))
            rows.append(row)
    return _Postings(hashes, rows)
