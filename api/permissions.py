"""Every route's permission, in one table a reviewer can read top to bottom.

Keys are ``(method, path template)`` exactly as the route is declared. A route missing from
here is refused at run time (:func:`api.auth.authorize`) and fails the route-by-role test
(``tests/integration/test_authorization.py``), so adding a route means adding its rule.
``chain_scoped`` routes answer 404 to a chain leader for a chain that is not theirs; routes
whose data spans chains (leads) scope their rows themselves.
"""

from __future__ import annotations

from dataclasses import dataclass

from chainmap.auth.model import Permission as P


@dataclass(frozen=True, slots=True)
class Rule:
    permission: P
    chain_scoped: bool = False


PUBLIC = Rule(P.public)

RULES: dict[tuple[str, str], Rule] = {
    ("GET", "/health"): PUBLIC,
    ("POST", "/auth/token"): PUBLIC,
    # the web pages are shells without data (their scripts read the API as the user) and
    # the API docs are served offline
    ("GET", "/"): PUBLIC,
    ("GET", "/ui/login"): PUBLIC,
    ("GET", "/ui/"): PUBLIC,
    ("GET", "/ui/chains/{chain_id}"): PUBLIC,
    ("GET", "/ui/chains/{chain_id}/map"): PUBLIC,
    ("GET", "/ui/carriers"): PUBLIC,
    ("GET", "/ui/meetings"): PUBLIC,
    ("GET", "/docs"): PUBLIC,
    ("GET", "/auth/me"): Rule(P.self_read),
    ("GET", "/auth/users"): Rule(P.users_manage),
    ("POST", "/auth/users"): Rule(P.users_manage),
    ("POST", "/auth/users/{username}/api-keys"): Rule(P.users_manage),
    ("GET", "/audit"): Rule(P.audit_read),
    # chains, gaps, targets: a chain leader sees their own chains only
    ("GET", "/chains"): Rule(P.chains_read),
    ("GET", "/chains/{chain_id}"): Rule(P.chains_read, chain_scoped=True),
    ("GET", "/chains/{chain_id}/gaps"): Rule(P.chains_read, chain_scoped=True),
    ("GET", "/chains/{chain_id}/targets"): Rule(P.targets_read, chain_scoped=True),
    ("GET", "/chains/{chain_id}/map"): Rule(P.targets_read, chain_scoped=True),
    ("GET", "/chains/{chain_id}/map.xlsx"): Rule(P.targets_read, chain_scoped=True),
    ("POST", "/chains/{chain_id}/what-if"): Rule(P.targets_read, chain_scoped=True),
    ("PUT", "/chains/{chain_id}/segments/{segment_id}/status"): Rule(
        P.status_write, chain_scoped=True
    ),
    ("DELETE", "/chains/{chain_id}/segments/{segment_id}/status"): Rule(
        P.status_write, chain_scoped=True
    ),
    # the enterprise registry
    ("GET", "/enterprises"): Rule(P.enterprises_read),
    ("POST", "/enterprises"): Rule(P.enterprises_write),
    ("GET", "/enterprises/resolve"): Rule(P.enterprises_read),
    ("GET", "/enterprises/duplicates"): Rule(P.enterprises_read),
    ("POST", "/enterprises/import"): Rule(P.enterprises_write),
    ("GET", "/enterprises/{enterprise_id}"): Rule(P.enterprises_read),
    ("PATCH", "/enterprises/{enterprise_id}"): Rule(P.enterprises_write),
    ("DELETE", "/enterprises/{enterprise_id}"): Rule(P.enterprises_write),
    ("POST", "/enterprises/{enterprise_id}/merge"): Rule(P.enterprises_write),
    ("GET", "/relations"): Rule(P.enterprises_read),
    ("POST", "/relations"): Rule(P.relations_write),
    ("POST", "/relations/import"): Rule(P.relations_write),
    # leads: chain leaders only ever see and move leads of their chains
    ("POST", "/leads"): Rule(P.leads_write),
    ("GET", "/leads"): Rule(P.leads_read),
    ("GET", "/leads/metrics"): Rule(P.leads_read),
    ("GET", "/leads/flags"): Rule(P.leads_read),
    ("POST", "/leads/import"): Rule(P.leads_import),
    ("GET", "/leads/{lead_id}"): Rule(P.leads_read),
    ("PATCH", "/leads/{lead_id}"): Rule(P.leads_write),
    ("POST", "/leads/{lead_id}/transitions"): Rule(P.leads_write),
    ("POST", "/leads/{lead_id}/funds"): Rule(P.leads_write),
    ("POST", "/leads/{lead_id}/collaborators"): Rule(P.leads_write),
    # the bimonthly meeting pack names every team's leads: secretariat and admins
    ("GET", "/meetings/bimonthly"): Rule(P.meetings_read),
    ("GET", "/meetings/bimonthly.xlsx"): Rule(P.meetings_read),
    ("GET", "/meetings/bimonthly.html"): Rule(P.meetings_read),
    # carriers: everyone reads the inventory; bureaus change it and reserve
    ("GET", "/carriers/parks"): Rule(P.carriers_read),
    ("POST", "/carriers/parks"): Rule(P.carriers_write),
    ("GET", "/carriers/parks.geojson"): Rule(P.carriers_read),
    ("GET", "/carriers/factories"): Rule(P.carriers_read),
    ("POST", "/carriers/factories"): Rule(P.carriers_write),
    ("GET", "/carriers/factories.geojson"): Rule(P.carriers_read),
    ("GET", "/carriers/land"): Rule(P.carriers_read),
    ("POST", "/carriers/land"): Rule(P.carriers_write),
    ("GET", "/carriers/land.geojson"): Rule(P.carriers_read),
    ("POST", "/carriers/factories/import"): Rule(P.carriers_write),
    ("POST", "/carriers/land/import"): Rule(P.carriers_write),
    ("GET", "/carriers/summary"): Rule(P.carriers_read),
    ("GET", "/carriers/{kind}/{carrier_id}"): Rule(P.carriers_read),
    ("POST", "/carriers/{kind}/{carrier_id}/verify"): Rule(P.carriers_write),
    ("POST", "/carriers/{kind}/{carrier_id}/reservations"): Rule(P.carriers_write),
    ("GET", "/carriers/{kind}/{carrier_id}/reservations"): Rule(P.carriers_write),
    ("DELETE", "/carriers/{kind}/{carrier_id}/reservations"): Rule(P.carriers_write),
    ("POST", "/carriers/{kind}/{carrier_id}/release"): Rule(P.carriers_write),
    # which enterprises and open leads fit an empty building: the bureau's question
    ("GET", "/carriers/{kind}/{carrier_id}/candidates"): Rule(P.carriers_write),
}
