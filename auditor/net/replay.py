"""A fetcher that answers from what an earlier run of the same audit stored.

For a rescore it is complete: nothing is sent, and a request with nothing stored fails as `NOT_STORED`. For a
resume it answers what is worth keeping (`keep`, given by the caller: net knows nothing of engines) and sends
the rest through the live fetcher it wraps. Answers are found by what was asked (`Request.key`), not by
profile: a link followed for two profiles was asked, and stored, once. A rescore also finds an engine's page by
engine, query and page when today's request for it is worded differently (a parameter added since): what the
engine answered then is what the audit measured. A resume never does: it would mix two different requests.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from auditor.net.fetched import Fetched
from auditor.net.fetcher import Fetcher, Request, RequestKey

NOT_STORED = "no response was stored for this request"

Keep = Callable[[Request, Fetched], bool]


class ReplayFetcher:
    def __init__(
        self,
        answers: Iterable[tuple[RequestKey, Fetched]],
        *,
        live: Fetcher | None = None,
        keep: Keep = lambda request, fetched: True,
    ) -> None:
        """`answers` in the order they were stored: a request answered twice (a failure asked again by a
        resume) is answered by its latest. Without `live`, the replay is complete."""
        self._answers = dict(answers)
        self._live = live
        self._keep = keep
        # An engine's key is (kind, URL asked, engine, query, page): the same without the URL.
        self._engine_pages = {(k[2], k[3], k[4]): v for k, v in self._answers.items() if k[0] == "engine"}

    async def send(self, request: Request) -> Fetched:
        stored = self._answers.get(request.key())
        if self._live is None:
            if stored is None and request.kind == "engine":
                stored = self._engine_pages.get((request.engine, request.query, request.page))
            return stored if stored is not None else Fetched.failure(request.asked, NOT_STORED)
        if stored is not None and self._keep(request, stored):
            return stored  # stored already, with the audit this run resumes
        return await self._live.send(request)
