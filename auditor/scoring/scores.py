"""The scores of DESIGN.md section 6. Pure: results and checks in, numbers out.

Every component is None when there is nothing to measure it on: a failure is never scored as zero.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from auditor.identify.names import fold
from auditor.models import (
    ClassifiedResult,
    EdgeState,
    GraphEdge,
    IdentityGraph,
    Inconsistency,
    Ownership,
    ProfileCheck,
    Scores,
    SiteCheck,
)

COMPONENTS = ("visibility", "linkback", "site", "consistency", "consolidation")


@dataclass(frozen=True)
class ScoreInputs:
    """Everything the scores depend on, so a recommendation can change one thing and score again."""

    results: tuple[ClassifiedResult, ...]
    succeeded: tuple[tuple[str, str], ...]
    """(engine, query) pairs whose status counts (`ok` or `empty`); only these are scored."""
    profiles: tuple[ProfileCheck, ...]
    site_checks: tuple[SiteCheck, ...]
    site_measured: bool
    """False when the site could not be fetched: its checks are unknown, not failed."""
    depth: int
    ctr: tuple[float, ...]
    weights: Mapping[str, float]
    names: tuple[str, ...] = ()
    confirmed: frozenset[str] = field(default_factory=frozenset)
    """Normalised URLs of probable profiles the user confirmed as theirs."""
    inconsistencies: tuple[Inconsistency, ...] = ()
    """Display names and headlines that differ across profiles (`verify.consistency`)."""
    graph: IdentityGraph | None = None
    """The identity graph (`verify.graph`); None leaves `consolidation` unmeasured."""
    edge_weights: Mapping[str, float] = field(default_factory=dict)
    """Weight of each graph mechanism in `consolidation` (`[scoring] edge_weights`)."""


def attention(position: int, ctr: Sequence[float]) -> float:
    """w(p): the click-through weight of a position; 0 past the end of the curve."""
    return ctr[position - 1] if 1 <= position <= len(ctr) else 0.0


def is_owned(result: ClassifiedResult, confirmed: frozenset[str]) -> bool:
    """Counts as the person's own: the site, a configured profile, or a probable profile they confirmed."""
    return result.ownership.is_owned or (
        result.ownership is Ownership.PROBABLE_PROFILE and result.normalized_url in confirmed
    )


def _share_by_engine(inputs: ScoreInputs, keep: Iterable[ClassifiedResult]) -> dict[str, float]:
    """Per engine: mean over its succeeded queries of sum(w(p) kept) / sum(w(1..depth)), in percent."""
    full = sum(attention(p, inputs.ctr) for p in range(1, inputs.depth + 1))
    held: dict[tuple[str, str], float] = dict.fromkeys(inputs.succeeded, 0.0)
    for result in keep:
        key = (result.engine, result.query)
        if key in held and result.position <= inputs.depth:
            held[key] += attention(result.position, inputs.ctr)
    by_engine: dict[str, list[float]] = {}
    for (engine, _query), value in held.items():
        by_engine.setdefault(engine, []).append(100.0 * value / full if full else 0.0)
    return {engine: sum(values) / len(values) for engine, values in by_engine.items()}


def _mean(values: Iterable[float]) -> float | None:
    items = list(values)
    return sum(items) / len(items) if items else None


def visibility_by_engine(inputs: ScoreInputs) -> dict[str, float]:
    return _share_by_engine(inputs, (r for r in inputs.results if is_owned(r, inputs.confirmed)))


def linkback_score(inputs: ScoreInputs) -> float | None:
    """Over profiles whose verdict is known: the w-weighted share that link back.

    Profiles that rank weigh w(best position); when none of them ranks, every known profile weighs the same,
    so a person invisible on every engine still sees how many profiles link back.
    """
    known = [p for p in inputs.profiles if p.linkback.verdict.is_known]
    ranked = [p for p in known if p.best_position is not None and attention(p.best_position, inputs.ctr) > 0]
    if ranked:
        weights = [attention(p.best_position or 0, inputs.ctr) for p in ranked]
        linked = [w for w, p in zip(weights, ranked, strict=True) if p.linkback.verdict.is_linked]
        return 100.0 * sum(linked) / sum(weights)
    if known:
        return 100.0 * sum(p.linkback.verdict.is_linked for p in known) / len(known)
    return None


def site_score(inputs: ScoreInputs) -> float | None:
    if not inputs.site_measured or not inputs.site_checks:
        return None
    return 100.0 * sum(c.passed for c in inputs.site_checks) / len(inputs.site_checks)


def consistency_score(inputs: ScoreInputs) -> float | None:
    """The share of profiles showing a name that carry one of the configured name variants and are listed in
    no inconsistency (a display name or a headline that differs from the other profiles')."""
    shown = [p for p in inputs.profiles if p.display_name]
    if not shown or not inputs.names:
        return None
    variants = {" ".join(fold(n).split()) for n in inputs.names}
    flagged = {i.profile_a for i in inputs.inconsistencies}
    consistent = [
        p
        for p in shown
        if p.network not in flagged and any(v in " ".join(fold(p.display_name or "").split()) for v in variants)
    ]
    return 100.0 * len(consistent) / len(shown)


def scored_edges(graph: IdentityGraph) -> list[GraphEdge]:
    """The edges `consolidation` counts: not those of a page the user only labelled as theirs, which is drawn
    and listed but counts once it is in [profiles] (as its link-back is checked then): confirming a page must
    not lower the score."""
    labelled = {n.id for n in graph.nodes if n.origin == "labelled"}
    return [e for e in graph.edges if e.source not in labelled and e.target not in labelled]


def consolidation_score(inputs: ScoreInputs) -> float | None:
    """100 × Σ weight of the graph's edges that exist ÷ Σ weight of the edges whose state is known.

    An edge that could not be checked is left out, as an unverifiable profile is from link-backs; a broken
    edge counts as missing."""
    if inputs.graph is None:
        return None
    scored = scored_edges(inputs.graph)
    known = [
        (inputs.edge_weights.get(e.mechanism, 0.0), e.state)
        for e in scored
        if e.state is not EdgeState.UNKNOWN and inputs.edge_weights.get(e.mechanism, 0.0) > 0
    ]
    total = sum(w for w, _state in known)
    return 100.0 * sum(w for w, state in known if state.is_present) / total if total else None


def compute_scores(inputs: ScoreInputs) -> Scores:
    by_engine = visibility_by_engine(inputs)
    visibility = _mean(by_engine.values())
    namesakes = _share_by_engine(inputs, (r for r in inputs.results if r.ownership is Ownership.NAMESAKE))
    components = {
        "visibility": visibility,
        "linkback": linkback_score(inputs),
        "site": site_score(inputs),
        "consistency": consistency_score(inputs),
        "consolidation": consolidation_score(inputs),
    }
    return Scores(
        overall=overall(components, inputs.weights),
        visibility=visibility,
        linkback=components["linkback"],
        site=components["site"],
        consistency=components["consistency"],
        namesake_pressure=_mean(namesakes.values()),
        visibility_by_engine=by_engine,
        consolidation=components["consolidation"],
    )


def overall(components: Mapping[str, float | None], weights: Mapping[str, float]) -> float | None:
    """Weighted mean of the measured components. None without visibility: no engine answered, and a score
    made of the other components alone would read as a collapse in the trend."""
    if components.get("visibility") is None:
        return None
    measured = {k: v for k, v in components.items() if v is not None and weights.get(k, 0) > 0}
    total = sum(weights[k] for k in measured)
    return sum(weights[k] * v for k, v in measured.items()) / total if total else None
