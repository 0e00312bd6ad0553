"""Search engines: one module per engine behind `base.Engine`."""

from __future__ import annotations

from auditor.config import Config
from auditor.engines.base import Engine
from auditor.engines.duckduckgo_html import DuckDuckGoHtml, region_for_locale
from auditor.engines.searxng import Searxng


def build_engine(name: str, config: Config) -> Engine:
    """The configured engine `name`; config validation has already rejected unknown names."""
    if name == "duckduckgo_html":
        settings = config.engines.duckduckgo_html
        return DuckDuckGoHtml(settings.region or region_for_locale(config.person.locale))
    if name == "searxng":
        searx = config.engines.searxng
        return Searxng(searx.url, config.person.locale, searx.engines)
    raise ValueError(f"unknown engine {name!r}")


def build_engines(config: Config, only: tuple[str, ...] | None = None) -> list[Engine]:
    return [build_engine(name, config) for name in (only or config.audit.engines)]
