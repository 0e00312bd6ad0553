"""The one decoder (`net.text`): header, byte-order mark, `<meta charset>`, then UTF-8 / windows-1252."""

from __future__ import annotations

import pytest

from auditor.net.fetched import Fetched
from auditor.net.text import decode_text

FRENCH = "Émilie Tremblay, développeuse à Montréal, garçon, cœur"
"""`œ` is in windows-1252 but not in Latin-1: it tells the two apart."""
LATIN = "Émilie Tremblay, développeuse à Montréal, garçon"
WINDOWS = FRENCH + " – « déjà » “vu” €"


def page(text: str, head: str = "") -> str:
    return f"<html><head>{head}<title>{text}</title></head><body><p>{text}</p></body></html>"


@pytest.mark.parametrize(
    ("text", "codec", "meta"),
    [
        (LATIN, "latin-1", '<meta charset="iso-8859-1">'),
        (LATIN, "latin-1", '<meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1">'),
        (WINDOWS, "cp1252", '<meta charset="windows-1252">'),
    ],
)
def test_a_page_declared_only_in_its_meta(text: str, codec: str, meta: str) -> None:
    body = page(text, meta).encode(codec)
    assert text in decode_text(body, "text/html")
    assert text in decode_text(body, "")


@pytest.mark.parametrize(("text", "codec"), [(LATIN, "latin-1"), (WINDOWS, "cp1252")])
def test_an_undeclared_latin_page_reads_as_browsers_read_it(text: str, codec: str) -> None:
    # A statistical guess reads these as a Baltic code page ("à" -> "ą"): windows-1252 comes first.
    decoded = decode_text(page(text).encode(codec), "text/html")
    assert text in decoded
    assert "\ufffd" not in decoded


@pytest.mark.parametrize("header", ["text/html; charset=us-ascii", "text/html; charset=x-no-such-codec"])
def test_a_utf8_page_with_a_wrong_header(header: str) -> None:
    assert FRENCH in decode_text(page(FRENCH).encode("utf-8"), header)


def test_a_wrong_header_gives_way_to_the_pages_meta() -> None:
    body = page(WINDOWS, '<meta charset="windows-1252">').encode("cp1252")
    assert WINDOWS in decode_text(body, "text/html; charset=utf-8")


def test_the_header_wins_over_the_meta_when_it_decodes() -> None:
    body = page(FRENCH, '<meta charset="iso-8859-1">').encode("utf-8")
    assert FRENCH in decode_text(body, "text/html; charset=utf-8")


def test_a_byte_order_mark_is_read_and_dropped() -> None:
    assert decode_text(b"\xef\xbb\xbf" + FRENCH.encode(), "") == FRENCH
    assert decode_text(b"\xff\xfe" + FRENCH.encode("utf-16-le"), "text/html") == FRENCH


def test_invalid_bytes_under_a_declared_charset_become_replacement_characters() -> None:
    decoded = decode_text(b"<p>\xc3\x89milie \xff\xfe Tremblay</p>", "text/html; charset=utf-8")
    assert decoded == "<p>Émilie \ufffd\ufffd Tremblay</p>"


@pytest.mark.parametrize("body", [b"", b"\x81\x8d\x8f\x90\x9d", bytes(range(256)), b"\xff" * 5000])
def test_never_raises(body: bytes) -> None:
    assert isinstance(decode_text(body, "text/html; charset=utf-8"), str)
    assert isinstance(decode_text(body, ""), str)


def test_every_fetched_body_goes_through_it() -> None:
    body = page(WINDOWS, '<meta charset="windows-1252">').encode("cp1252")
    assert WINDOWS in Fetched("https://x.example/", "https://x.example/", 200, {"content-type": "text/html"}, body).text
    assert Fetched.of_text(FRENCH).text == FRENCH
