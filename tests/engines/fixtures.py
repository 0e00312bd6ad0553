"""Reading the project's own recorded-shape fixtures (tests/fixtures/<engine>/) as engine responses."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from auditor.net.fetched import Fetched

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SCENARIO = FIXTURES / "sandbox" / "engines.toml"
CONFIG = FIXTURES / "sandbox" / "engines.auditor.toml"
KEYS = {
    "BRAVE_API_KEY": "brave-test-key-7f3a",
    "SERPAPI_API_KEY": "serpapi-test-key-91c2",
    "SERPER_API_KEY": "serper-test-key-5d0e",
    "MOJEEK_API_KEY": "mojeek-test-key-2b8f",
    "GOOGLE_CSE_KEY": "cse-test-key-c4e1",
}
"""Fake keys: the sandbox accepts any non-empty key, and tests check that none of them leaks."""


def text(engine: str, name: str) -> str:
    return (FIXTURES / engine / name).read_text(encoding="utf-8")


def response(
    engine: str, name: str, status: int = 200, headers: Mapping[str, str] | None = None, url: str = ""
) -> Fetched:
    return Fetched.of_text(text(engine, name), status=status, headers=dict(headers or {}), url=url)
