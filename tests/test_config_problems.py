"""A config with several mistakes: every one is named at once, one line each, types taken as written."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditor.config import parse_config
from auditor.errors import ConfigError

PERSON = '[person]\nname = "Jo Doe"\nsite = "https://jodoe.example"\n'


def problems(text: str) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        parse_config(text, source="t.toml", base_dir=Path("."))
    lines = str(caught.value).splitlines()
    assert all(line.startswith("t.toml: ") for line in lines), lines
    return [line.removeprefix("t.toml: ") for line in lines]


def test_every_problem_is_listed_at_once_one_line_each() -> None:
    text = (
        '[person]\nname = "Jo Doe"\nsite = "jodoe.example"\n'
        '[profiles]\nlinkdin = "https://www.linkedin.com/in/jodoe"\ngithub = "https://gitlab.com/jodoe"\n'
        '[audit]\ndepth = 15\n[report]\nlang = "de"\n'
    )
    found = problems(text)
    assert len(found) == 5, found
    assert found[0].startswith("person.site: not an http(s) URL")
    assert "profiles: linkdin: unknown network (did you mean 'linkedin'?)" in found
    assert any(p.startswith("profiles: github: ") and "GitLab" in p for p in found)
    assert any(p.startswith("audit.depth: ") for p in found)
    assert any(p.startswith("report.lang: ") for p in found)
    assert not any("more)" in p for p in found)


def test_a_typo_is_named_without_the_key_it_leaves_missing() -> None:
    assert problems('[person]\nnmae = "Jo Doe"\nsite = "https://jodoe.example"\n') == [
        "person.nmae: unknown key (did you mean 'name'?)"
    ]


def test_an_unknown_network_far_from_any_lists_the_known_ones() -> None:
    (found,) = problems(PERSON + '[profiles]\nmyspace = "https://myspace.com/jodoe"\n')
    assert found.startswith("profiles: myspace: unknown network (known: ")
    assert "linkedin" in found


@pytest.mark.parametrize(
    ("line", "key", "expected"),
    [
        ('[audit]\ndepth = "20"', "audit.depth", "expected a whole number, got text '20' (write it without quotes)"),
        ("[audit]\nconcurrency = 2.5", "audit.concurrency", "expected a whole number, got a number 2.5"),
        ("[audit]\nconcurrency = true", "audit.concurrency", "expected a whole number, got a boolean True"),
        ('[http]\ntimeout = "15"', "http.timeout", "expected a number, got text '15' (write it without quotes)"),
        ("[report]\nlang = 1", "report.lang", "expected text in quotes, got a number 1"),
        ('[audit]\nengines = "duckduckgo_html"', "audit.engines", 'expected a list, such as ["a", "b"], got text'),
    ],
)
def test_types_are_strict(line: str, key: str, expected: str) -> None:
    (found,) = problems(PERSON + line + "\n")
    assert found.startswith(f"{key}: {expected}"), found


def test_a_whole_number_is_still_a_number_where_a_number_is_asked() -> None:
    config = parse_config(PERSON + "[http]\ntimeout = 20\n", source="t.toml", base_dir=Path("."))
    assert config.http.timeout == 20.0
