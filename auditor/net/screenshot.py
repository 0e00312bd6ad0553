"""A results page's screenshot as evidence: shrunk, recompressed and capped before anything keeps it.

Chromium's PNG of a 1280-pixel viewport weighs a few hundred kilobytes; the history keeps one per results page,
so each is cut to the top of the page, scaled down to a thumbnail's width and reduced to a palette. One that is
still over the byte cap is refused (the reason is recorded), never stored in part.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

VIEWPORT = (1280, 1600)
"""What the browser draws: the width of a desktop page, tall enough for the first results and the side panel."""
MAX_WIDTH = 480
MAX_HEIGHT = 600
"""Pixels kept: the page scaled to 480 px wide, its top 600 px (the first results and the blocks around them)."""
MAX_BYTES = 120_000
COLOURS = 64


@dataclass(frozen=True)
class Shot:
    png: bytes = b""
    width: int = 0
    height: int = 0
    error: str = ""
    """Why there is no picture (the browser failed to take it, or it stayed over the cap)."""


def shrink(png: bytes) -> Shot:
    """`png` scaled to at most MAX_WIDTH x MAX_HEIGHT, as a palette PNG under MAX_BYTES; never raises."""
    try:
        from PIL import Image

        with Image.open(io.BytesIO(png)) as image:
            image.load()
            scale = min(1.0, MAX_WIDTH / image.width)
            size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
            small = image.convert("RGB").resize(size, Image.Resampling.LANCZOS)
            small = small.crop((0, 0, size[0], min(size[1], MAX_HEIGHT)))
            reduced = small.quantize(colors=COLOURS)
            out = io.BytesIO()
            reduced.save(out, format="PNG", optimize=True)
    except Exception as exc:  # a broken picture is recorded as such: the audit itself goes on
        return Shot(error=f"screenshot unreadable: {type(exc).__name__}: {exc}"[:200])
    data = out.getvalue()
    if len(data) > MAX_BYTES:
        return Shot(error=f"screenshot over the {MAX_BYTES}-byte cap ({len(data)} bytes once shrunk)")
    return Shot(data, reduced.width, reduced.height)
