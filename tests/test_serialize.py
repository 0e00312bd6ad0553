"""Audit <-> JSON-ready data, both ways, with every kind of field the models hold."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import pytest

from auditor.models import (
    Audit,
    AuditStatus,
    ClassifiedResult,
    EngineRun,
    EngineStatus,
    LinkBack,
    Ownership,
    ProfileCheck,
    Query,
    Recommendation,
    Scores,
    SearchResult,
    SiteCheck,
    Verdict,
)
from auditor.store.serialize import from_data, to_data


def sample_audit() -> Audit:
    return Audit(
        person="Émilie Tremblay",
        as_of=dt.date(2026, 3, 1),
        status=AuditStatus.PARTIAL,
        engines=(
            EngineRun("duckduckgo_html", EngineStatus.OK, "", 6),
            EngineRun("searxng", EngineStatus.RATE_LIMITED, "HTTP 429 from searxng; Retry-After 3600", 1),
        ),
        results=(
            ClassifiedResult(
                "duckduckgo_html",
                "Émilie Tremblay",
                1,
                "https://emilietremblay.ca/",
                "https://emilietremblay.ca/",
                "Émilie Tremblay — <script>alert(1)</script>",
                "« Architecte »",
                None,
                Ownership.SITE,
                None,
                "your site",
            ),
            ClassifiedResult(
                "duckduckgo_html",
                "Émilie Tremblay",
                2,
                "https://ca.linkedin.com/in/emilietremblay",
                "https://linkedin.com/in/emilietremblay",
                "LinkedIn",
                "",
                "linkedin",
                Ownership.PROFILE,
                "linkedin",
                "your LinkedIn profile",
            ),
        ),
        profiles=(
            ProfileCheck(
                "linkedin",
                "https://www.linkedin.com/in/emilietremblay",
                LinkBack(Verdict.UNVERIFIABLE, "HTTP 999", "HTTP 999", "html", False, "", 999),
                2,
                None,
            ),
            ProfileCheck(
                "github",
                "https://github.com/etremblay",
                LinkBack(Verdict.LINKED, "links to https://emilietremblay.ca", "<a>", "api", True, "https://x", 200),
                None,
                "Émilie Tremblay",
            ),
        ),
        site_checks=(SiteCheck("https", True, "served from https://emilietremblay.ca/"), SiteCheck("rel_me", False)),
        scores=Scores(
            overall=61.25,
            visibility=40.0,
            linkback=None,
            site=50,
            consistency=100.0,
            namesake_pressure=0.0,
            visibility_by_engine={"duckduckgo_html": 40.0},
        ),
        recommendations=(
            Recommendation(
                "add_site_link:github",
                "add_site_link",
                1,
                12.5,
                {"network": "github", "position": "3"},
                "evidence",
            ),
        ),
        queries=(Query("Émilie Tremblay"), Query("Émilie Tremblay Montréal", "Montréal")),
        depth=30,
        id=7,
        started_at=dt.datetime(2026, 3, 1, 9, 30, 5, tzinfo=dt.UTC),
    )


def test_round_trip_is_equal() -> None:
    audit = sample_audit()
    assert from_data(Audit, to_data(audit)) == audit


def test_round_trip_through_json_text() -> None:
    audit = sample_audit()
    text = json.dumps(to_data(audit), ensure_ascii=False)
    again = from_data(Audit, json.loads(text))
    assert again == audit
    assert again.status is AuditStatus.PARTIAL
    assert again.engines[1].status is EngineStatus.RATE_LIMITED
    assert again.results[0].ownership is Ownership.SITE
    assert again.profiles[0].linkback.verdict is Verdict.UNVERIFIABLE
    assert again.as_of == dt.date(2026, 3, 1)
    assert type(again.as_of) is dt.date
    assert again.started_at == dt.datetime(2026, 3, 1, 9, 30, 5, tzinfo=dt.UTC)
    assert isinstance(again.results, tuple)
    assert isinstance(again.queries[1], Query)
    assert again.queries[1].qualifier == "Montréal"
    assert again.scores.linkback is None
    assert again.profiles[1].best_position is None
    assert dict(again.recommendations[0].params) == {"network": "github", "position": "3"}
    assert dict(again.scores.visibility_by_engine) == {"duckduckgo_html": 40.0}


def test_to_data_is_json_ready() -> None:
    data = to_data(sample_audit())
    assert data["status"] == "partial"
    assert data["as_of"] == "2026-03-01"
    assert data["started_at"] == "2026-03-01T09:30:05+00:00"
    assert data["results"][1]["ownership"] == "profile"
    assert data["profiles"][0]["linkback"]["verdict"] == "unverifiable"
    assert isinstance(data["engines"], list)
    assert data["scores"]["visibility_by_engine"] == {"duckduckgo_html": 40.0}
    json.dumps(data)  # raises on anything that is not JSON-ready


def test_defaults_and_none_survive() -> None:
    minimal = Audit(
        person="X",
        as_of=dt.date(2026, 1, 1),
        status=AuditStatus.FAILED,
        engines=(),
        results=(),
        profiles=(),
        site_checks=(),
        scores=Scores(None, None, None, None, None, None),
        recommendations=(),
    )
    again = from_data(Audit, json.loads(json.dumps(to_data(minimal))))
    assert again == minimal
    assert again.id is None
    assert again.started_at is None
    assert again.scores.overall is None


def test_unknown_keys_are_ignored_when_loading() -> None:
    data = to_data(SearchResult(1, "https://x.ca", "t", "s", ("google",)))
    data["added_in_a_later_version"] = 1
    assert from_data(SearchResult, data) == SearchResult(1, "https://x.ca", "t", "s", ("google",))


def test_type_hints_are_read_once_per_class_not_once_per_instance(monkeypatch: pytest.MonkeyPatch) -> None:
    import typing

    from auditor.store import serialize

    serialize._converter.cache_clear()
    calls: list[object] = []
    real = typing.get_type_hints

    def counting(obj: object, *args: object, **kwargs: object) -> dict[str, object]:
        calls.append(obj)
        return real(obj, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(serialize.typing, "get_type_hints", counting)
    data = json.loads(json.dumps(to_data(sample_audit())))
    first = from_data(Audit, data)
    once = len(calls)
    assert once > 1 and len(set(map(id, calls))) == once  # each dataclass of an audit, once
    for _ in range(5):
        assert from_data(Audit, data) == first
    assert len(calls) == once
    serialize._converter.cache_clear()  # the next test starts from the real get_type_hints


@dataclasses.dataclass(frozen=True)
class _WithDefaults:
    name: str
    tags: tuple[str, ...] = ()
    extra: dict[str, str] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass(frozen=True)
class _Checked:
    value: int

    def __post_init__(self) -> None:
        if self.value < 0:
            raise ValueError("negative")


def test_a_field_missing_from_stored_data_takes_its_default_and_instances_stay_equal_and_hashable() -> None:
    built = from_data(_WithDefaults, {"name": "a", "unknown_key": 1})
    assert built == _WithDefaults("a") and built.extra == {} and built.tags == ()
    assert from_data(_WithDefaults, {"name": "a"}).extra is not built.extra  # a factory's value is never shared
    assert from_data(_WithDefaults, {"name": "b", "tags": ["x"]}) == _WithDefaults("b", ("x",))
    assert hash(from_data(Query, {"text": "a"})) == hash(Query("a"))
    with pytest.raises(dataclasses.FrozenInstanceError):
        built.name = "c"  # type: ignore[misc]


def test_a_required_field_missing_fails_as_the_class_itself_would() -> None:
    with pytest.raises(TypeError, match="name"):
        from_data(_WithDefaults, {"tags": []})


def test_a_class_that_checks_its_values_is_built_through_its_init() -> None:
    assert from_data(_Checked, {"value": 1}) == _Checked(1)
    with pytest.raises(ValueError, match="negative"):
        from_data(_Checked, {"value": -1})
