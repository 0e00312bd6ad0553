"""The audit as JSON (DESIGN.md section 3), written beside each HTML report. Pure: an audit in, plain data out.

Texts stay as recorded (English reasons and details, scraped titles verbatim): JSON is data, escaped by
whoever displays it. The stable codes beside them (`reason_code`, `detail_code`) let a reader word them.
"""

from __future__ import annotations

import math
from typing import Any

from auditor.models import Audit, Recommendation
from auditor.report.advice import recommendation_message
from auditor.report.changes import Changes
from auditor.scoring.recommend import UNSCORED_RULES
from auditor.store.serialize import to_data


def by_priority(audit: Audit) -> list[Recommendation]:
    """The recommendations in the order to act on them: priority, then the larger impact, then the id."""
    return sorted(audit.recommendations, key=lambda r: (r.priority, -(r.impact or 0), r.id))


def build_json(audit: Audit, changes: Changes, *, lang: str) -> dict[str, Any]:
    """The audit as plain JSON-ready data; unmeasured values stay None (null), never 0."""
    s = audit.scores
    return {
        "status": audit.status.value,
        "as_of": audit.as_of.isoformat(),
        "person": audit.person,
        "lang": lang,
        "depth": audit.depth,
        "queries": [q.text for q in audit.queries],
        "engines": [
            {"name": e.name, "status": e.status.value, "detail": e.detail, "requests": e.requests}
            for e in audit.engines
        ],
        "results": [
            {
                "engine": r.engine,
                "query": r.query,
                "position": r.position,
                "url": r.url,
                "normalized_url": r.normalized_url,
                "title": r.title,
                "snippet": r.snippet,
                "network": r.network,
                "ownership": r.ownership.value,
                "profile": r.profile,
                "reason": r.reason,
                "label": r.label,
                "evidence": r.evidence,
            }
            for r in audit.results
        ],
        "profiles": [
            {
                "network": p.network,
                "url": p.url,
                "best_position": p.best_position,
                "display_name": p.display_name,
                "headline": p.headline,
                "linkback": {
                    "verdict": p.linkback.verdict.value,
                    "reason": p.linkback.reason,
                    "evidence": p.linkback.evidence,
                    "source": p.linkback.source,
                    "nofollow": p.linkback.nofollow,
                    "final_url": p.linkback.final_url,
                    "status_code": p.linkback.status_code,
                    "reason_code": p.linkback.reason_code,
                    "reason_params": dict(p.linkback.reason_params),
                },
            }
            for p in audit.profiles
        ],
        "site": {
            "checks": [
                {
                    "id": c.id,
                    "passed": c.passed,
                    "detail": c.detail,
                    "detail_code": c.detail_code,
                    "detail_params": dict(c.detail_params),
                }
                for c in audit.site_checks
            ]
        },
        "consistency": [
            {
                "field": i.field,
                "profile_a": i.profile_a,
                "value_a": i.value_a,
                "profile_b": i.profile_b,
                "value_b": i.value_b,
            }
            for i in audit.inconsistencies
        ],
        "scores": {
            "overall": _finite(s.overall),
            "visibility": _finite(s.visibility),
            "linkback": _finite(s.linkback),
            "site": _finite(s.site),
            "consistency": _finite(s.consistency),
            "namesake_pressure": _finite(s.namesake_pressure),
            "consolidation": _finite(s.consolidation),
            "visibility_by_engine": {k: _finite(v) for k, v in s.visibility_by_engine.items()},
        },
        "graph": to_data(audit.graph) if audit.graph is not None else None,
        "recommendations": [
            {
                "id": r.id,
                "rule": r.rule,
                "priority": r.priority,
                "impact": _finite(r.impact),
                "scored": r.rule not in UNSCORED_RULES,
                "message": recommendation_message(lang, r.rule, r.params, r.id),
                "evidence": r.evidence,
                "params": dict(r.params),
            }
            for r in by_priority(audit)
        ],
        "changes": changes.to_dict(),
        "serp_features": [
            {
                "engine": f.engine,
                "query": f.query,
                "kind": f.kind.value,
                "count": f.count,
                "title": f.title,
                "description": f.description,
                "links": [link.url for link in f.links],
                "questions": list(f.questions),
                "own_links": list(f.own_links),
                "about_person": f.about_person,
                "is_persons": f.is_persons,
                "reason_code": f.reason_code,
                "reason_params": dict(f.reason_params),
            }
            for f in audit.serp_features
        ],
        "panel_readiness": [
            {"id": i.id, "ready": i.ready, "detail_code": i.detail_code, "detail_params": dict(i.detail_params)}
            for i in audit.panel_readiness
        ],
    }


def _finite(value: float | None) -> float | None:
    """JSON has no NaN; an unmeasured value is null."""
    if value is None or math.isnan(value) or math.isinf(value):
        return None
    return value
