"""BeautifulSoup, imported when a page is first parsed rather than when the engines are listed.

Validating a config reads every engine's declaration (`registry`); bs4 and lxml cost more to import than the
rest of the config put together, and most commands never parse an HTML page.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import bs4


def BeautifulSoup(markup: str, features: str) -> bs4.BeautifulSoup:
    from bs4 import BeautifulSoup as Soup

    return Soup(markup, features)
