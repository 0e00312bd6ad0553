"""The one way to ask: `Request`, the recording wrapper and the replay fetcher (`auditor.net`)."""

from __future__ import annotations

import asyncio

from auditor.net.fetched import Fetched
from auditor.net.fetcher import RecordingFetcher, Request
from auditor.net.replay import NOT_STORED, ReplayFetcher

DDG = "https://html.duckduckgo.com/html/"


class Answering:
    """A live fetcher that answers every request with `body`, remembering what it was asked."""

    def __init__(self, body: bytes = b"<html>page</html>") -> None:
        self.body = body
        self.asked: list[Request] = []

    async def send(self, request: Request) -> Fetched:
        self.asked.append(request)
        return Fetched(request.asked, request.asked, 200, {"content-type": "text/html"}, self.body)


def send(fetcher: object, request: Request) -> Fetched:
    return asyncio.run(fetcher.send(request))  # type: ignore[attr-defined]


def test_every_answer_is_recorded_once_a_followed_link_without_its_body() -> None:
    kept: list[tuple[Request, Fetched]] = []
    fetcher = RecordingFetcher(Answering(), lambda request, fetched: kept.append((request, fetched)))
    page = send(fetcher, Request("https://x.example/", "site", subject="site"))
    link = send(fetcher, Request("https://bit.ly/x", "profile_link", subject="github", keep_body=False))
    assert page.body == link.body == b"<html>page</html>"  # the caller reads the answer whole
    assert [(r.kind, f.body) for r, f in kept] == [("site", b"<html>page</html>"), ("profile_link", b"")]


def test_pages_of_a_query_posted_to_one_url_are_different_requests() -> None:
    first = Request(DDG, "engine", method="POST", form={"q": "x"}, engine="duckduckgo_html", query="x", page=1)
    second = Request(
        DDG, "engine", method="POST", form={"q": "x", "s": "10"}, engine="duckduckgo_html", query="x", page=2
    )
    assert first.key() != second.key()
    # Other kinds are found by what was asked alone: a link followed for two profiles is one request.
    assert (
        Request("https://bit.ly/x", "profile_link", subject="a").key()
        == Request("https://bit.ly/x", "profile_link", subject="b").key()
    )


def test_a_key_in_the_url_is_not_part_of_what_was_asked() -> None:
    asked = Request("https://api.example/search", "engine", params={"q": "x", "api_key": "s3cret-value"})
    assert "s3cret-value" not in asked.asked and "api_key=REDACTED" in asked.asked


def test_a_complete_replay_sends_nothing_and_says_what_was_not_stored() -> None:
    stored = Fetched("https://x.example/", "https://x.example/", 200, {}, b"then")
    replay = ReplayFetcher([(Request("https://x.example/", "site").key(), stored)])
    assert send(replay, Request("https://x.example/", "site")).body == b"then"
    missing = send(replay, Request("https://y.example/", "site"))
    assert (missing.error, missing.status_code, missing.requested_url) == (NOT_STORED, None, "https://y.example/")


def test_a_resume_keeps_what_the_rule_keeps_and_sends_the_rest_the_latest_answer_deciding() -> None:
    site = Request("https://x.example/", "site")
    answers = [
        (site.key(), Fetched("https://x.example/", "https://x.example/", 200, {}, b"first")),
        (site.key(), Fetched.failure("https://x.example/", "timeout: timed out")),  # asked again, failed
    ]
    live = Answering(b"now")
    replay = ReplayFetcher(answers, live=live, keep=lambda request, fetched: fetched.answered)
    assert send(replay, site).body == b"now" and live.asked == [site]
    kept = ReplayFetcher(answers[:1], live=live, keep=lambda request, fetched: fetched.answered)
    assert send(kept, site).body == b"first" and len(live.asked) == 1
