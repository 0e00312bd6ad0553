"""Recommendations: pure rules over an audit's score inputs, each with a counterfactual impact.

The impact of a recommendation is the overall score with that one thing fixed minus the overall score now
(DESIGN.md section 6). Messages are not written here: the report renders each rule's message from its
catalog in the reader's language, with `params`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, replace

from auditor.models import (
    ClassifiedResult,
    EdgeState,
    GraphEdge,
    LinkBack,
    Ownership,
    ProfileCheck,
    Recommendation,
    Verdict,
)
from auditor.scoring.scores import ScoreInputs, compute_scores, is_owned, scored_edges
from auditor.scoring.sensitive import find_sensitive

NAMESAKE_PRESSURE_THRESHOLD = 20.0
"""Share of attention (percent) held by namesakes above which using one name variant everywhere is advised."""
NAMESAKE_TOP_POSITION = 1
"""A namesake at this position or better triggers the same advice whatever its share: the first result is
the one people click, and the average over qualified queries can hide it."""
MISSING_ENTRY_POSITION = 10
"""Where a missing profile is imagined to enter, for its impact: the last position of page one."""
SITE_ENTRY_POSITION = 1
"""Where the missing site is imagined to enter: the top, where a search for your name should put it."""
EVIDENCE_MAX = 300
UNSCORED_RULES = frozenset({"sensitive_topics"})
"""Rules about something no score measures (flagged for review): their impact is "not a score matter"."""
UNMEASURED_RULES = frozenset({"check_by_hand", "namesake_pressure"})
"""Rules whose fix cannot be imagined in the score's inputs: their impact is "not measurable"."""


@dataclass(frozen=True)
class _Candidate:
    rule: str
    subject: str
    params: dict[str, str]
    evidence: str
    fixed: Callable[[ScoreInputs], ScoreInputs] | None
    """The inputs with this one thing fixed; None when the fix does not move the score."""


def _overall(inputs: ScoreInputs) -> float:
    return compute_scores(inputs).overall or 0.0


SITE_CHECK_EDGES = {"rel_me": ("rel_me", "site_link"), "jsonld_sameas": ("same_as",)}
"""The graph's edges a failing site check stands for: fixing the check makes them exist."""
LINKBACK_EDGES = ("link_back", "github_blog")
"""The graph's edges a profile's link to the site makes exist (GitHub's link is its website field)."""


def _edges_fixed(inputs: ScoreInputs, wanted: Callable[[GraphEdge], bool]) -> ScoreInputs:
    """`inputs` with the graph's missing or broken edges that match `wanted` made to exist."""
    if inputs.graph is None:
        return inputs
    edges = tuple(
        replace(e, state=EdgeState.ONE_WAY) if e.state in _FIXABLE and wanted(e) else e for e in inputs.graph.edges
    )
    return replace(inputs, graph=replace(inputs.graph, edges=edges))


_FIXABLE = frozenset({EdgeState.MISSING, EdgeState.BROKEN})


def _with_linkback(network: str) -> Callable[[ScoreInputs], ScoreInputs]:
    def fix(inputs: ScoreInputs) -> ScoreInputs:
        profiles = tuple(
            replace(p, linkback=LinkBack(Verdict.LINKED, "counterfactual")) if p.network == network else p
            for p in inputs.profiles
        )
        fixed = _edges_fixed(inputs, lambda e: e.source == network and e.mechanism in LINKBACK_EDGES)
        return replace(fixed, profiles=profiles)

    return fix


def _with_check_passing(check_id: str) -> Callable[[ScoreInputs], ScoreInputs]:
    def fix(inputs: ScoreInputs) -> ScoreInputs:
        checks = tuple(replace(c, passed=True) if c.id == check_id else c for c in inputs.site_checks)
        mechanisms = SITE_CHECK_EDGES.get(check_id, ())
        networks = {p.network for p in inputs.profiles}
        fixed = _edges_fixed(inputs, lambda e: e.mechanism in mechanisms and e.target in networks)
        return replace(fixed, site_checks=checks)

    return fix


def _with_edge(edge: GraphEdge) -> Callable[[ScoreInputs], ScoreInputs]:
    # A rel="me" link is a link: adding one makes the plain link exist too.
    mechanisms = {edge.mechanism, "site_link"} if edge.mechanism == "rel_me" else {edge.mechanism}

    def fix(inputs: ScoreInputs) -> ScoreInputs:
        return _edges_fixed(
            inputs, lambda e: (e.source, e.target) == (edge.source, edge.target) and e.mechanism in mechanisms
        )

    return fix


def _graph_candidates(inputs: ScoreInputs) -> Iterator[_Candidate]:
    """Each missing or broken edge of the identity graph that counts in the score and that no other rule
    already names (a labelled page's edges count once it is in [profiles]): a configured
    profile's link to the site is `add_site_link` or `fix_wrong_target`, the site's rel="me" and `sameAs` to
    configured profiles are `fix_site_check` (whose fixes make these edges exist too, so their impact
    carries the consolidation gain)."""
    if inputs.graph is None:
        return
    configured = {p.network: p for p in inputs.profiles}
    nodes = {n.id: n for n in inputs.graph.nodes}
    missing = {(e.source, e.target, e.mechanism) for e in inputs.graph.edges if e.state in _FIXABLE}
    for edge in scored_edges(inputs.graph):
        if edge.state not in _FIXABLE or _named_elsewhere(edge, configured, missing, inputs.site_measured):
            continue
        between_profiles = "site" not in (edge.source, edge.target)
        profile = edge.target if edge.source == "site" else edge.source
        node, other = nodes.get(profile), nodes.get(edge.target)
        params = {
            "mechanism": edge.mechanism,
            "state": edge.state.value,
            "network": (node.network if node is not None else None) or "",
            "url": node.url if node is not None else "",
            "why": edge.reason_code,
            **{f"why.{k}": str(v) for k, v in edge.reason_params.items()},
        }
        if between_profiles and other is not None:
            # GitHub's social accounts: the profile to list there.
            params |= {"target_network": other.network or "", "target_url": other.url}
        subject = f"{edge.mechanism}:{profile}:{edge.target}" if between_profiles else f"{edge.mechanism}:{profile}"
        yield _Candidate("link_identity", subject, params, edge.evidence[:EVIDENCE_MAX], _with_edge(edge))


def _named_elsewhere(
    edge: GraphEdge, configured: Mapping[str, ProfileCheck], missing: set[tuple[str, str, str]], site_measured: bool
) -> bool:
    if edge.mechanism == "link_back" and edge.source in configured:
        return True
    if edge.mechanism == "github_blog" and edge.source in configured:
        return not configured[edge.source].linkback.verdict.is_linked
    if edge.mechanism in ("rel_me", "same_as", "site_link") and edge.target in configured:
        return site_measured
    # A plain link comes with rel="me": one recommendation (add rel="me") makes both exist.
    return edge.mechanism == "site_link" and (edge.source, edge.target, "rel_me") in missing


def _with_entry(
    ownership: Ownership, url: str, position: int, profile: str | None
) -> Callable[[ScoreInputs], ScoreInputs]:
    def fix(inputs: ScoreInputs) -> ScoreInputs:
        added = tuple(
            ClassifiedResult(engine, query, position, url, url, "", "", None, ownership, profile)
            for engine, query in inputs.succeeded
        )
        profiles = tuple(
            replace(p, best_position=min(p.best_position or position, position)) if p.network == profile else p
            for p in inputs.profiles
        )
        return replace(inputs, results=inputs.results + added, profiles=profiles)

    return fix


def _with_name(network: str, name: str) -> Callable[[ScoreInputs], ScoreInputs]:
    def fix(inputs: ScoreInputs) -> ScoreInputs:
        profiles = tuple(replace(p, display_name=name) if p.network == network else p for p in inputs.profiles)
        kept = tuple(i for i in inputs.inconsistencies if not (i.field == "display_name" and i.profile_a == network))
        return replace(inputs, profiles=profiles, inconsistencies=kept)

    return fix


def _with_confirmed(url: str) -> Callable[[ScoreInputs], ScoreInputs]:
    def fix(inputs: ScoreInputs) -> ScoreInputs:
        return replace(inputs, confirmed=inputs.confirmed | {url})

    return fix


def _rank_text(profile: ProfileCheck, results: tuple[ClassifiedResult, ...]) -> tuple[str, str]:
    best = min((r for r in results if r.profile == profile.network), key=lambda r: r.position, default=None)
    return (str(best.position), best.engine) if best else ("", "")


def _best(results: Iterable[ClassifiedResult]) -> dict[str, str]:
    """Position and engine of the best-ranked of `results`; {} when there is none."""
    best = min(results, key=lambda r: (r.position, r.engine), default=None)
    return {"position": str(best.position), "engine": best.engine} if best else {}


def _why(code: str, params: Mapping[str, str]) -> dict[str, str]:
    """The reason behind a verdict or a check, as params the report words in its language (`i18n_advice`)."""
    return {"why": code, **{f"why.{k}": str(v) for k, v in params.items()}} if code else {}


def _sensitive(inputs: ScoreInputs) -> Iterator[_Candidate]:
    """Sensitive topics in the titles and snippets of your own results: flagged for review, never scored.

    One recommendation per page and topic, quoting the best-ranked result that shows it."""
    seen: set[tuple[str, str]] = set()
    owned = sorted((r for r in inputs.results if is_owned(r, inputs.confirmed)), key=lambda r: (r.position, r.engine))
    for result in owned:
        for field, text in (("title", result.title), ("snippet", result.snippet)):
            for hit in find_sensitive(text):
                key = (result.normalized_url or result.url, hit.topic)
                if key in seen:
                    continue
                seen.add(key)
                params = {
                    "topic": hit.topic,
                    "url": result.url,
                    "excerpt": hit.excerpt,
                    "term": hit.matched,
                    "field": field,
                    "position": str(result.position),
                    "engine": result.engine,
                }
                evidence = f"{field}: {text}"[:EVIDENCE_MAX]
                yield _Candidate("sensitive_topics", f"{hit.topic}:{key[0]}", params, evidence, None)


def _candidates(inputs: ScoreInputs, site_url: str) -> Iterator[_Candidate]:
    for profile in inputs.profiles:
        verdict = profile.linkback.verdict
        position, engine = _rank_text(profile, inputs.results)
        base = {"network": profile.network, "url": profile.url, "position": position, "engine": engine}
        evidence = profile.linkback.evidence or profile.linkback.reason
        why = _why(profile.linkback.reason_code, profile.linkback.reason_params)
        if verdict is Verdict.NOT_LINKED:
            yield _Candidate("add_site_link", profile.network, base, evidence, _with_linkback(profile.network))
        elif verdict is Verdict.WRONG_TARGET:
            params = {**base, "target": site_url, "reason": profile.linkback.reason, **why}
            yield _Candidate("fix_wrong_target", profile.network, params, evidence, _with_linkback(profile.network))
        elif verdict is Verdict.UNVERIFIABLE:
            params = {**base, "reason": profile.linkback.reason, **why}
            yield _Candidate("check_by_hand", profile.network, params, evidence, None)
        if profile.best_position is None and inputs.succeeded:
            params = {"network": profile.network, "url": profile.url, "depth": str(inputs.depth)}
            fix = _with_entry(Ownership.PROFILE, profile.url, MISSING_ENTRY_POSITION, profile.network)
            yield _Candidate("profile_missing", profile.network, params, "", fix)
    if inputs.succeeded and not any(r.ownership is Ownership.SITE for r in inputs.results):
        fix = _with_entry(Ownership.SITE, site_url, SITE_ENTRY_POSITION, None)
        yield _Candidate("site_missing", "site", {"url": site_url, "depth": str(inputs.depth)}, "", fix)
    if inputs.site_measured:
        for check in inputs.site_checks:
            if not check.passed:
                params = {"check": check.id, "detail": check.detail, **_why(check.detail_code, check.detail_params)}
                if check.detail_params.get("networks"):
                    params["networks"] = check.detail_params["networks"]
                yield _Candidate("fix_site_check", check.id, params, check.detail, _with_check_passing(check.id))
    yield from _graph_candidates(inputs)
    named: set[str] = set()
    for item in inputs.inconsistencies:
        if item.field == "display_name" and item.profile_a not in named:
            named.add(item.profile_a)
            params = {"network": item.profile_a, "value": item.value_a, "expected": item.value_b}
            params |= _best(r for r in inputs.results if r.profile == item.profile_a)
            evidence = f"{item.profile_a}: {item.value_a!r}; {item.profile_b}: {item.value_b!r}"
            yield _Candidate(
                "inconsistent_names", item.profile_a, params, evidence, _with_name(item.profile_a, item.value_b)
            )
    seen: set[str] = set()
    for result in inputs.results:
        if result.ownership is Ownership.PROBABLE_PROFILE and result.normalized_url not in seen:
            seen.add(result.normalized_url)
            params = {"url": result.url, "network": result.network or ""}
            params |= _best(r for r in inputs.results if r.normalized_url == result.normalized_url)
            yield _Candidate(
                "confirm_probable_profile",
                result.normalized_url,
                params,
                result.reason,
                _with_confirmed(result.normalized_url),
            )
    yield from _sensitive(inputs)
    pressure = compute_scores(inputs).namesake_pressure
    top = min(
        (r for r in inputs.results if r.ownership is Ownership.NAMESAKE and (r.engine, r.query) in inputs.succeeded),
        key=lambda r: (r.position, r.engine),
        default=None,
    )
    on_top = top is not None and top.position <= NAMESAKE_TOP_POSITION
    if pressure is not None and (pressure >= NAMESAKE_PRESSURE_THRESHOLD or on_top):
        params = {"share": f"{pressure:.0f}", "name": inputs.names[0] if inputs.names else ""}
        evidence = ""
        if top is not None:
            params |= {"url": top.url, "position": str(top.position), "engine": top.engine}
            evidence = f"#{top.position} {top.engine} [{top.query}]: {top.title} {top.url}"[:EVIDENCE_MAX]
        yield _Candidate("namesake_pressure", "namesakes", params, evidence, None)


def recommend(inputs: ScoreInputs, *, site_url: str) -> tuple[Recommendation, ...]:
    """Every recommendation, most impactful first; ties keep the rules' order above."""
    now = _overall(inputs)
    scored = []
    for order, candidate in enumerate(_candidates(inputs, site_url)):
        impact = round(_overall(candidate.fixed(inputs)) - now, 1) if candidate.fixed else 0.0
        scored.append((-impact, order, candidate, impact))
    scored.sort(key=lambda item: (item[0], item[1]))
    return tuple(
        Recommendation(
            id=f"{c.rule}:{c.subject}", rule=c.rule, priority=rank, impact=impact, params=c.params, evidence=c.evidence
        )
        for rank, (_neg, _order, c, impact) in enumerate(scored, start=1)
    )
