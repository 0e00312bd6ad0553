"""BeautifulSoup, imported when a page is first parsed rather than when the engines are listed.

Validating a config reads every engine's declaration (`registry`); bs4 and lxml cost more to import than the
rest of the config put together, and most commands never parse an HTML page.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import bs4


def BeautifulSoup(markup: str, features: str) -> bs4.BeautifulSoup:
    from bs4 import BeautifulSoup as Soup

    return Soup(markup, features)


def results_column(soup: bs4.BeautifulSoup, selectors: Iterable[str]) -> bs4.Tag | None:
    """The results column of a results page: the first of the engine's known containers present, or None.

    No column, no results: another site's headings are never read as the engine's results."""
    for selector in selectors:
        found = soup.select_one(selector)
        if found is not None:
            return found
    return None
