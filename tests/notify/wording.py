"""English left in a French summary, digest or notification: the approach of tests/report/language.py (its
sentences that read as English), plus the summary's own labels looked for one by one, since a label such as
"Best ever:" holds none of the function words a sentence has."""

from __future__ import annotations

import html
import re

from auditor.report import digest, i18n, summary
from tests.report.language import foreign_sentences

TECHNICAL = "CAPTCHA page"
"""What the engine said: verbatim, in any language (the report shows it as technical text too)."""
_LABEL_KINDS = ("audit_status", "engine_status", "ownership", "verdict", "component", "linkback_change")


def _english_labels() -> set[str]:
    """Every literal piece of the summary's and the digest's own messages, and of the labels they use, whose
    French differs: none of them may be left in a French text."""
    messages = [*summary.WORDS.values(), *digest.WORDS.values(), *digest.PEOPLE.values()]
    messages += [m for kind in _LABEL_KINDS for m in i18n.LABELS[kind].values()]
    found = set()
    for message in messages:
        french = i18n.gettext("fr", message)
        for piece in re.split(r"%\(\w+\)s", message):
            piece = piece.strip(" :,;()-")
            if re.search(r"[A-Za-z]{3}", piece) and piece not in french:
                found.add(piece)
    return found


ENGLISH = _english_labels()


def english_left(text: str) -> list[str]:
    """The English labels in `text`, and its sentences that read as English."""
    text = text.replace(TECHNICAL, " ")
    labels = [label for label in ENGLISH if re.search(rf"(?<!\w){re.escape(label)}(?!\w)", text)]
    page = "<html><body>" + "".join(f"<p>{html.escape(line)}</p>" for line in text.splitlines()) + "</body></html>"
    return labels + foreign_sentences(page, "fr")
