"""compute_changes: score deltas, top-10 entries and exits, moves, link-backs, engines."""

from __future__ import annotations

from dataclasses import replace

from auditor.models import EngineStatus, Ownership, Verdict
from auditor.report.changes import Changes, compute_changes
from tests.report.factories import PROFILES, SITE, make_audit, make_failed, make_partial


def test_no_previous_audit_gives_empty_changes() -> None:
    changes = compute_changes(None, make_audit(0))
    assert changes == Changes(has_previous=False)
    assert changes.is_empty
    assert changes.to_dict()["has_previous"] is False
    assert changes.to_dict()["previous_as_of"] is None


def test_score_deltas_keep_none_when_one_side_is_unmeasured() -> None:
    changes = compute_changes(make_audit(0), make_audit(1))
    assert changes.delta("overall") == 55.0 - 41.2
    assert changes.delta("consistency") is None  # month 1 could not measure it: not a drop to 0
    data = changes.to_dict()["scores"]
    assert set(data) == {"overall", "visibility", "linkback", "site", "consistency"}
    assert data["consistency"] == {"previous": 60.0, "current": None, "delta": None}


def test_entered_and_left_top10_owned_first() -> None:
    changes = compute_changes(make_audit(1), make_audit(2))
    entered_urls = {m.url for m in changes.entered}
    assert PROFILES["mastodon"] in entered_urls
    owned = [m.ownership.is_owned for m in changes.entered]
    assert owned == sorted(owned, reverse=True), "owned results come first"
    assert all(m.previous_position is None or m.previous_position > 10 for m in changes.entered)
    assert all(m.current_position is not None and m.current_position <= 10 for m in changes.entered)


def test_result_leaving_top10_is_reported() -> None:
    before = make_audit(2)
    # The site drops out of DuckDuckGo's results for the bare name.
    after = replace(
        before,
        results=tuple(
            r
            for r in before.results
            if not (r.engine == "duckduckgo_html" and r.url == SITE and r.query == "Émilie Tremblay")
        ),
    )
    changes = compute_changes(before, after)
    left = [m for m in changes.left if m.url == SITE]
    assert len(left) == 1
    assert left[0].previous_position == 1 and left[0].current_position is None
    assert left[0].ownership is Ownership.SITE


def test_moves_of_owned_results() -> None:
    changes = compute_changes(make_audit(0), make_audit(1))
    site_moves = [
        m for m in changes.moved if m.url == SITE and m.engine == "duckduckgo_html" and m.query == "Émilie Tremblay"
    ]
    assert [(m.previous_position, m.current_position) for m in site_moves] == [(5, 2)]
    assert all(m.is_owned for m in changes.moved)


def test_failed_engine_is_not_a_loss_of_every_result() -> None:
    changes = compute_changes(make_audit(1), make_partial(2))
    assert all(m.engine != "duckduckgo_html" for m in changes.left + changes.entered + changes.moved)
    assert ("duckduckgo_html", "Émilie Tremblay") not in changes.compared
    engines = {c.name: (c.previous, c.current) for c in changes.engines}
    assert engines == {"duckduckgo_html": (EngineStatus.OK, EngineStatus.RATE_LIMITED)}


def test_comparison_with_a_failed_audit_lists_no_results() -> None:
    changes = compute_changes(make_failed(1), make_audit(2))
    assert not changes.entered and not changes.left and not changes.moved
    assert changes.delta("overall") is None
    assert {c.name for c in changes.engines} == {"duckduckgo_html", "searxng"}


def test_linkback_gained_lost_and_new() -> None:
    gained = compute_changes(make_audit(0), make_audit(1))
    kinds = {c.network: c.kind for c in gained.linkbacks}
    assert kinds == {"github": "gained"}
    lost = compute_changes(make_audit(1), make_audit(0))
    assert {c.network: c.kind for c in lost.linkbacks} == {"github": "lost"}
    previous = make_audit(1)
    previous = replace(previous, profiles=tuple(p for p in previous.profiles if p.network != "x"))
    new = compute_changes(previous, make_audit(1))
    assert [(c.network, c.kind, c.previous) for c in new.linkbacks] == [("x", "new", None)]


def test_linkback_to_unverifiable_is_a_change_not_a_loss() -> None:
    before = make_audit(1)
    after = replace(
        before,
        profiles=tuple(
            replace(p, linkback=replace(p.linkback, verdict=Verdict.UNVERIFIABLE)) if p.network == "github" else p
            for p in before.profiles
        ),
    )
    [change] = compute_changes(before, after).linkbacks
    assert change.kind == "changed"


def test_identical_audits_have_no_changes() -> None:
    changes = compute_changes(make_audit(2), make_audit(2))
    assert changes.has_previous and changes.is_empty


def test_to_dict_is_json_ready() -> None:
    import json

    data = compute_changes(make_audit(0), make_audit(2, hostile=True)).to_dict()
    text = json.dumps(data, allow_nan=False)
    assert '"entered_top10"' in text and '"left_top10"' in text
    assert data["previous_as_of"] == "2026-03-01"
    assert {"network", "url", "previous", "current", "kind"} <= set(data["linkbacks"][0])
