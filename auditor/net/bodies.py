"""Response bodies within limits: raw bytes read and inflated with a hard cap (httpx's decoders have none,
so a gzip bomb would inflate without bound). Text is decoded by `net.text`."""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field

import httpx

from auditor.errors import FetchError, ResponseTooLarge


async def read_capped(response: httpx.Response, cap: int) -> bytes:
    """The body of a streamed response, read raw and inflated here within `cap` bytes (raw and inflated)."""
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > cap:
        raise ResponseTooLarge(f"body of {int(declared)} bytes is over the {cap}-byte cap")
    decoder = _BoundedDecoder(response.headers.get("content-encoding", ""), cap)
    try:
        async for chunk in response.aiter_raw():
            decoder.feed(chunk)
    except httpx.StreamConsumed:
        # A transport that hands over an already-read response (respx, httpx.Response(content=...)):
        # its body is decoded already and only the cap is left to apply.
        if len(response.content) > cap:
            raise ResponseTooLarge(f"body over the {cap}-byte cap") from None
        return response.content
    return decoder.finish()


@dataclass
class _BoundedDecoder:
    """Inflates gzip/deflate with a hard limit on the output; identity bodies are capped too."""

    encoding: str
    cap: int
    _out: bytearray = field(default_factory=bytearray)
    _raw: int = 0

    def __post_init__(self) -> None:
        encoding = self.encoding.strip().lower()
        if encoding in ("", "identity"):
            self._inflater = None
        elif encoding in ("gzip", "x-gzip"):
            self._inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif encoding == "deflate":
            self._inflater = zlib.decompressobj()
        else:
            raise FetchError("encoding", f"unsupported content-encoding {encoding!r}")

    def feed(self, chunk: bytes) -> None:
        self._raw += len(chunk)
        if self._raw > self.cap:
            raise ResponseTooLarge(f"body over the {self.cap}-byte cap")
        if self._inflater is None:
            self._out += chunk
            return
        room = self.cap - len(self._out)
        try:
            self._out += self._inflater.decompress(chunk, room + 1)
        except zlib.error as exc:
            raise FetchError("encoding", f"corrupt compressed body: {exc}") from None
        if len(self._out) > self.cap or self._inflater.unconsumed_tail:
            raise ResponseTooLarge(f"decompressed body over the {self.cap}-byte cap")

    def finish(self) -> bytes:
        if self._inflater is not None:
            try:
                self._out += self._inflater.flush()
            except zlib.error as exc:
                raise FetchError("encoding", f"corrupt compressed body: {exc}") from None
        return bytes(self._out)
