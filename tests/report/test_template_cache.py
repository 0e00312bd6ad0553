"""The compiled templates kept between runs: never stale, never in the way."""

from __future__ import annotations

from pathlib import Path

import pytest
from jinja2 import DictLoader, Environment
from jinja2.bccache import FileSystemBytecodeCache

from auditor.report import template_cache
from auditor.report.template_cache import compiled_templates


def _environment(cache: object, source: str = "Hello {{ name }}") -> Environment:
    return Environment(loader=DictLoader({"t.html": source}), bytecode_cache=cache)  # type: ignore[arg-type]


def test_the_entries_are_named_after_the_module_that_builds_the_environment(tmp_path: Path) -> None:
    one, other = tmp_path / "one.py", tmp_path / "other.py"
    one.write_text("trim_blocks=True", encoding="utf-8")
    other.write_text("trim_blocks=False", encoding="utf-8")
    first, again, changed = compiled_templates(str(one)), compiled_templates(str(one)), compiled_templates(str(other))
    assert isinstance(first, FileSystemBytecodeCache) and isinstance(changed, FileSystemBytecodeCache)
    assert isinstance(again, FileSystemBytecodeCache)
    assert first.pattern == again.pattern != changed.pattern


def test_a_cached_template_renders_as_a_compiled_one_and_a_changed_source_is_compiled_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(template_cache.FileSystemBytecodeCache, "_get_default_cache_dir", lambda self: str(tmp_path))
    cache = compiled_templates(__file__)
    assert _environment(cache).get_template("t.html").render(name="a") == "Hello a"
    assert len(list(tmp_path.iterdir())) == 1  # written
    assert _environment(cache).get_template("t.html").render(name="b") == "Hello b"  # read back
    assert _environment(cache, "Bye {{ name }}").get_template("t.html").render(name="c") == "Bye c"


def test_an_unusable_cache_is_no_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(template_cache.FileSystemBytecodeCache, "_get_default_cache_dir", lambda self: str(tmp_path))
    cache = compiled_templates(__file__)
    assert isinstance(cache, FileSystemBytecodeCache)
    _environment(cache).get_template("t.html")
    (entry,) = tmp_path.iterdir()
    entry.write_bytes(b"not a jinja cache entry")  # truncated, or written by something else
    assert _environment(cache).get_template("t.html").render(name="x") == "Hello x"
    cache.directory = str(tmp_path / "missing")  # cannot be written: compiled each time, as without a cache
    assert _environment(cache, "Other {{ name }}").get_template("t.html").render(name="y") == "Other y"


def test_no_cache_where_the_temporary_directory_is_unsafe(monkeypatch: pytest.MonkeyPatch) -> None:
    def unsafe(self: object) -> str:
        raise RuntimeError("Cannot determine safe temp directory.")

    monkeypatch.setattr(template_cache.FileSystemBytecodeCache, "_get_default_cache_dir", unsafe)
    assert compiled_templates(__file__) is None
