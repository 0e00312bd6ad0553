"""The pictures of the browser engines' results pages, kept with the audit as evidence (migration 007)."""

from __future__ import annotations

import sqlite3
import struct
from collections.abc import Mapping
from dataclasses import dataclass

from auditor.net.fetched import Fetched
from auditor.store.raw import scrub_text


@dataclass(frozen=True)
class Screenshot:
    """One results page's picture, or why there is none."""

    engine: str
    query: str
    page: int
    png: bytes = b""
    width: int = 0
    height: int = 0
    error: str = ""


def save_screenshot(
    db: sqlite3.Connection, raw_id: int | None, row: Mapping[str, object], fetched: Fetched, secrets: tuple[str, ...]
) -> None:
    """Inside the transaction that stored the raw response `raw_id` (its `row`)."""
    width, height = png_size(fetched.screenshot)
    db.execute(
        "INSERT INTO screenshots (raw_id, audit_id, engine, query, page, png, width, height, error)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            raw_id,
            row["audit_id"],
            row["engine"],
            row["query"],
            row["page"],
            fetched.screenshot or None,
            width,
            height,
            scrub_text(fetched.screenshot_error, secrets) or None,
        ),
    )


PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_size(png: bytes) -> tuple[int, int]:
    """Width and height from a PNG's header (its IHDR chunk comes first); (0, 0) for anything else."""
    if len(png) < 24 or not png.startswith(PNG_SIGNATURE) or png[12:16] != b"IHDR":
        return 0, 0
    width, height = struct.unpack(">II", png[16:24])
    return int(width), int(height)


def load_screenshots(db: sqlite3.Connection, audit_id: int) -> list[Screenshot]:
    """An audit's pictures; none from a database opened read-only before migration 007 was applied to it."""
    exists = db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'screenshots'").fetchone()
    if exists is None:
        return []
    rows = db.execute(
        "SELECT engine, query, page, png, width, height, error FROM screenshots WHERE audit_id = ? ORDER BY raw_id",
        (audit_id,),
    )
    return [
        Screenshot(
            row["engine"] or "",
            row["query"] or "",
            row["page"] or 1,
            bytes(row["png"] or b""),
            row["width"] or 0,
            row["height"] or 0,
            row["error"] or "",
        )
        for row in rows
    ]
