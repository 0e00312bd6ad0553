"""Which sentences of a rendered report are in the other language: the check behind "every sentence of the
French report is French" (and of the English report English).

Words that are not the report's own are left out before looking: technical text (`<code>`), scraped text
(result titles and snippets, URLs, anything quoted between “ ” or « »), the charts. What remains is split
into sentences; one that holds two or more function words of the other language is reported, and so is a
literal backtick (a command is set as `<code>`). Inside `<code>`, markup, URLs and quoted values are technical;
what is left there must not be a sentence of the other language either (three of its function words), unless
the page labels it as technical text (`code.tech`: an engine's or a client's own words, shown verbatim).
"""

from __future__ import annotations

import re

from bs4 import BeautifulSoup

FUNCTION_WORDS = {
    # English words that are not French words too ("on", "a", "or", "son" are left out for that reason).
    "en": {
        "the",
        "and",
        "your",
        "you",
        "is",
        "are",
        "to",
        "of",
        "with",
        "it",
        "its",
        "not",
        "for",
        "from",
        "this",
        "that",
        "could",
        "was",
        "has",
        "have",
        "be",
        "by",
        "found",
        "missing",
        "check",
        "links",
        "carries",
        "which",
        "when",
        "yes",
        "in",
        "at",
        "every",
        "profile",
        "page",
        "there",
        "here",
        "what",
        "than",
    },
    "fr": {
        "le",
        "la",
        "les",
        "des",
        "votre",
        "vous",
        "est",
        "pas",
        "une",
        "avec",
        "pour",
        "du",
        "sur",
        "aux",
        "ce",
        "qui",
        "dans",
        "été",
        "sont",
        "ou",
        "lien",
        "profil",
        "vos",
        "mais",
        "aucun",
        "aucune",
    },
}
NOT_THE_REPORTS_OWN = "code, script, style, svg, .url, .snippet, .inert, a[rel~=nofollow], title"
_QUOTED = re.compile(r"“[^”]*”|«[^»]*»|\"[^\"]*\"")


def foreign_sentences(html: str, lang: str) -> list[str]:
    """The sentences of the page that read as the other language than `lang` (en or fr)."""
    other = FUNCTION_WORDS["fr" if lang == "en" else "en"]
    soup = BeautifulSoup(html, "lxml")
    found = [
        code
        for code in (_prose(c.get_text(" ")) for c in soup.select("main code:not(.tech)"))
        if _count(code, other) >= 3
    ]
    for element in soup.select(NOT_THE_REPORTS_OWN):
        element.replace_with(" ")
    for block in soup.body.get_text("\n").split("\n"):
        if "`" in block:
            found.append(" ".join(block.split()))
        text = _QUOTED.sub(" ", block)
        for sentence in re.split(r"(?<=[.!?;:])\s+", text):
            if _count(sentence, other) >= 2:
                found.append(" ".join(sentence.split()))
    return found


def _count(text: str, words: set[str]) -> int:
    return len(set(re.findall(r"[a-zà-öø-ÿ]+", text.lower())) & words)


def _prose(code: str) -> str:
    """The words of a `<code>` element that are neither markup, nor a URL, nor a quoted value."""
    text = re.sub(r"<[^>]*>?|https?://\S+", " ", code)
    return " ".join(_QUOTED.sub(" ", text).split())
