"""Search engines: one module per engine behind `base.Engine`.

Keys are read here, at audit time, from the environment variables the config names (`api_key_env`); `env` is
injectable for tests. A key is handed to its engine and nowhere else: never stored, logged or printed.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping

from auditor.config import Config
from auditor.engines import brave, browser_bing, browser_google, google_cse, mojeek, searxng, serpapi, serper
from auditor.engines.base import Engine, Locale
from auditor.engines.duckduckgo_html import DuckDuckGoHtml, parse_page, region_for_locale
from auditor.models import ParsedPage
from auditor.net.fetched import Fetched

PARSERS: Mapping[str, Callable[[Fetched], ParsedPage]] = {
    "duckduckgo_html": parse_page,
    "searxng": searxng.parse_response,
    "brave": brave.parse_response,
    "serpapi": serpapi.parse_response,
    "serper": serper.parse_response,
    "mojeek": mojeek.parse_response,
    "google_cse": google_cse.parse_response,
    "browser_google": browser_google.parse_page,
    "browser_bing": browser_bing.parse_page,
}
"""Every engine's pure parser by name (`auditor parse`, rescoring)."""


def api_key(config: Config, name: str, env: Mapping[str, str]) -> str | None:
    """`name`'s key from the environment, None when the variable is unset or blank."""
    variable = config.engines.key_env(name)
    value = env.get(variable, "").strip() if variable else ""
    return value or None


def build_engine(name: str, config: Config, env: Mapping[str, str] | None = None) -> Engine:
    """The configured engine `name`; config validation has already rejected unknown names."""
    env = os.environ if env is None else env
    locale = Locale.parse(config.person.locale)
    settings = config.engines
    if name == "duckduckgo_html":
        return DuckDuckGoHtml(settings.duckduckgo_html.region or region_for_locale(config.person.locale))
    if name == "searxng":
        return searxng.Searxng(settings.searxng.url, config.person.locale, settings.searxng.engines)
    if name == "brave":
        return brave.Brave(api_key(config, name, env), locale, settings.brave.api_key_env)
    if name == "serpapi":
        key = api_key(config, name, env)
        return serpapi.SerpApi(key, locale, settings.serpapi.engine, settings.serpapi.api_key_env)
    if name == "serper":
        return serper.Serper(api_key(config, name, env), locale, settings.serper.api_key_env)
    if name == "mojeek":
        return mojeek.Mojeek(api_key(config, name, env), locale, settings.mojeek.api_key_env)
    if name == "google_cse":
        cse = settings.google_cse
        return google_cse.GoogleCse(api_key(config, name, env), cse.cx, locale, cse.api_key_env)
    if name == "browser_google":
        return browser_google.BrowserGoogle(locale)
    if name == "browser_bing":
        return browser_bing.BrowserBing(locale)
    raise ValueError(f"unknown engine {name!r}")


def build_engines(
    config: Config, only: tuple[str, ...] | None = None, env: Mapping[str, str] | None = None
) -> list[Engine]:
    return [build_engine(name, config, env) for name in (only or config.audit.engines)]
