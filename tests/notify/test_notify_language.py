"""The summary, the digest and every notification speak the report's language: a French config's carry French
wording and no English label left (see tests/notify/wording.py)."""

from __future__ import annotations

import html
import re
from dataclasses import replace

import pytest

from auditor.config import EmailSettings, NotifySettings, WebhookSettings
from auditor.models import AuditStatus, EngineRun, EngineStatus, LinkBack, SiteCheck, Verdict
from auditor.notify import notify
from auditor.notify.email import as_html
from auditor.notify.message import message_of
from auditor.report import digest, summary
from auditor.report.digest import Digest, PersonEntry
from auditor.report.summary import Summary, summarize
from tests.notify.receivers import PASSWORD, USER, http_receiver, smtp_server
from tests.notify.wording import TECHNICAL, english_left
from tests.report.factories import DATES, make_history
from tests.report.language import foreign_sentences


def _summary(lang: str) -> Summary:
    """The third month of the history, with an engine blocked, a profile and the site unreadable: every line
    the summary can have."""
    first, _second, third = make_history()
    broken = LinkBack(
        Verdict.UNVERIFIABLE, "connection refused", reason_code="fetch_error", reason_params={"detail": "ECONNREFUSED"}
    )
    profiles = tuple(replace(p, linkback=broken) if p.network == "github" else p for p in third.profiles)
    down = SiteCheck("https", False, "no answer", "site_error")
    partial = replace(
        third,
        status=AuditStatus.PARTIAL,
        engines=(third.engines[0], EngineRun("searxng", EngineStatus.BLOCKED, TECHNICAL)),
        profiles=profiles,
        site_checks=(down, *third.site_checks[1:]),
    )
    return summarize(partial, first, [(DATES[0], 41.2), (DATES[1], 99.0)], lang=lang, report="/r/2026-05-01.html")


def test_the_check_finds_english_in_an_english_summary() -> None:
    """The checks below can fail: the same summary in English is full of what they look for."""
    text = "\n".join(summary.as_text(_summary("en")))
    assert {"Best ever", "Top actions", "overall score"} <= set(english_left(text))


def test_a_french_summary_is_french_in_text_one_line_and_json() -> None:
    result = _summary("fr")
    lines = summary.as_text(result)
    text = "\n".join(lines)
    assert english_left(text) == []
    assert lines[0] == "État : partiel   score global : 68,9"
    assert "Variation : +27,7 depuis le 1er mars 2026 (41,2)" in lines
    assert "Meilleur score : 99,0 (1er avril 2026)" in lines
    assert f"  searxng: bloqué - {TECHNICAL}" in lines  # the engine's line: a cron script's grep still finds it
    assert "  profil GitHub : vérification impossible - Le profil n'a pas pu être récupéré. - ECONNREFUSED" in lines
    assert "Actions prioritaires :" in lines and "Rapport : /r/2026-05-01.html" in lines
    line = summary.one_line(result)
    assert line.startswith("Émilie Tremblay, audit du 1er mai 2026 : partiel (searxng bloqué, profil GitHub")
    assert english_left(line) == []
    data = summary.to_dict(result)
    # Keys and codes stay English (an interface); the prose is the report's language.
    assert data["lang"] == "fr" and data["status"] == "partial" and data["failures"][0]["status"] == "blocked"
    assert english_left("\n".join(a["message"] for a in data["actions"])) == []


def test_a_french_email_has_french_text_and_html(tmp_path) -> None:  # type: ignore[no-untyped-def]
    report = tmp_path / "2026-05-01.html"
    report.write_text("<html></html>", encoding="utf-8")
    with smtp_server() as (port, mailbox):
        settings = _email(port, user=USER, password_env="PW")
        [sent] = notify(NotifySettings(email=settings), _summary("fr"), report, {"PW": PASSWORD})
    assert sent.ok, sent.detail
    [message] = mailbox.messages
    assert english_left(str(message["Subject"]).removeprefix("auditor: ")) == []
    text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    page = message.get_body(("html",)).get_content()  # type: ignore[union-attr]
    assert "Variation : +27,7 depuis le 1er mars 2026 (41,2)" in text and english_left(text) == []
    assert '<html lang="fr">' in page and f'<code class="tech" lang="en">{TECHNICAL}</code>' in page
    assert foreign_sentences(page, "fr") == []
    visible = re.sub(r"<code[^>]*>.*?</code>|<[^>]+>", "\n", page.split("<body>")[1])
    assert english_left(html.unescape(visible)) == []


@pytest.mark.parametrize("fmt", ["generic", "slack", "ntfy"])
def test_each_webhook_format_is_french(fmt: str) -> None:
    with http_receiver() as (base, received):
        hook = WebhookSettings(url=f"{base}/ok/topic", format=fmt)  # type: ignore[arg-type]
        [sent] = notify(NotifySettings(webhooks=(hook,)), _summary("fr"), None, {})
    assert sent.ok, sent.detail
    [post] = received
    if fmt == "generic":
        words = [post.body["summary"], *(a["message"] for a in post.body["actions"])]
        assert post.body["lang"] == "fr" and post.body["summary"].startswith("Émilie Tremblay, audit du 1er mai")
    elif fmt == "slack":
        words = [post.body["text"]]
        assert "Actions prioritaires :" in post.body["text"]
    else:
        words = [post.body["title"], post.body["message"]]
        assert post.body["title"] == "auditor: Émilie Tremblay partiel" and "Meilleur score : " in post.body["message"]
    assert english_left("\n".join(words)) == []


def _email(port: int, **values: str) -> EmailSettings:
    return EmailSettings.model_validate(
        {"host": "127.0.0.1", "port": port, "security": "none", "sender": "a@x.org", "to": ("b@x.org",), **values}
    )


def _digest(lang: str) -> Digest:
    first, second, third = make_history()
    up = summarize(third, second, [], lang=lang)  # +13.9
    down = summarize(replace(first, as_of=DATES[2]), third, [], lang=lang)  # -27.7
    return Digest(
        lang,
        DATES[2],
        (
            PersonEntry("emilie", "Émilie Tremblay", up),
            PersonEntry("jean", "Jean Dupuis", replace(down, person="Jean Dupuis")),
            PersonEntry("lea", "Léa Roy", None, "RuntimeError: the database is locked"),
            PersonEntry("marc", "Marc Roy", None),
        ),
        agency_page="/r/agency.html",
        inactive=("ancien",),
    )


def test_a_workspace_digest_names_who_failed_and_who_moved_most_in_french() -> None:
    result = _digest("fr")
    assert [p.slug for p in result.failed()] == ["lea"]
    assert [p.slug for p in result.risers()] == ["emilie"] and [p.slug for p in result.fallers()] == ["jean"]
    lines = digest.as_text(result)
    assert lines[0] == "Espace de travail, audit du 1er mai 2026 : 4 personnes"
    assert "  Léa Roy (lea) - RuntimeError: the database is locked" in lines  # the error itself: verbatim
    assert "  Émilie Tremblay (emilie) : +13,9 (maintenant 68,9)" in lines
    assert "  Jean Dupuis (jean) : -27,7 (maintenant 41,2)" in lines
    table = lines[lines.index("Tout le monde :") + 1 : lines.index("Tout le monde :") + 6]
    assert re.match(r"  Personne\s+État\s+Score global\s+Variation$", table[0])
    assert re.match(r"  Marc Roy \(marc\)\s+aucun audit encore\s+—\s+—$", table[4])
    assert lines[-1] == "Toutes les personnes : /r/agency.html"
    text = "\n".join(lines).replace("RuntimeError: the database is locked", " ")
    assert english_left(text) == [] and english_left(digest.one_line(result)) == []
    data = digest.to_dict(result)
    assert data["failed"] == ["lea"] and data["moved_down"] == [{"person": "jean", "change": pytest.approx(-27.7)}]
    assert data["people"][0]["summary"]["lang"] == "fr" and data["people"][3]["status"] == "none"


def test_a_digest_by_email_is_one_message_with_a_table() -> None:
    with smtp_server() as (port, mailbox):
        [sent] = notify(NotifySettings(email=_email(port)), _digest("fr"), None, {})
    assert sent.ok, sent.detail
    [message] = mailbox.messages
    page = message.get_body(("html",)).get_content()  # type: ignore[union-attr]
    assert "<table><tr><th>Personne</th><th>État</th>" in page and page.count("<tr>") == 5
    assert foreign_sentences(page, "fr") == []
    assert str(message["Subject"]).startswith("auditor: Espace de travail, audit du 1er mai 2026 : 4 personnes")


def test_one_person_is_one_person() -> None:
    assert digest.people_count("fr", 1) == "1 personne" and digest.people_count("en", 1) == "1 person"
    assert digest.people_count("en", 0) == "0 people" and digest.people_count("fr", 0) == "0 personne"


def test_the_html_body_escapes_every_line_and_every_cell() -> None:
    hostile = "<script>alert(1)</script>"
    entry = PersonEntry("x", hostile, None, f"RuntimeError: {hostile}")
    page = as_html(message_of(Digest("fr", DATES[2], (entry,))))
    assert "<script" not in page and page.count("&lt;script&gt;alert(1)&lt;/script&gt;") == 3  # failed, error, row


def test_a_bug_in_the_wording_is_each_channels_failure_not_the_audits(monkeypatch: pytest.MonkeyPatch) -> None:
    import auditor.notify as notifications

    def broken(content: object) -> object:
        raise KeyError("a placeholder the catalog lost")

    monkeypatch.setattr(notifications, "message_of", broken)
    with http_receiver() as (base, received):
        hooks = (WebhookSettings(url=f"{base}/ok/a"), WebhookSettings(url=f"{base}/ok/b", format="slack"))
        deliveries = notify(NotifySettings(webhooks=hooks), _summary("fr"), None, {})
    assert [(d.ok, d.detail) for d in deliveries] == [(False, "unexpected error (KeyError)")] * 2
    assert received == []
