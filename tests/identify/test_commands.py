"""`auditor classify` and `auditor label`, run as a user runs them (a child process), bad input included."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from auditor.sandbox import DEMO_SCENARIO
from tests.e2e.conftest import auditor

MALT = "https://www.malt.fr/profile/emilietremblay"


@pytest.fixture
def config(tmp_path: Path) -> Path:
    target = tmp_path / "auditor.toml"
    shutil.copyfile(DEMO_SCENARIO.with_name("demo.auditor.toml"), target)
    return target


def test_classify_prints_normal_form_network_handle_and_ownership(config: Path) -> None:
    odd = "https://medium.com/@e\u202etremblay"
    long = "https://example.com/" + "a" * 5000
    run = auditor(
        "classify",
        "-c",
        str(config),
        "https://fr.linkedin.com/in/EmilieTremblay/?originalSubdomain=ca&trk=x",
        "not a url",
        odd,
        long,
        "https://emilietremblayrh.ca/",
    )
    assert run.code == 0, run.stderr
    lines = run.stdout.splitlines()
    assert "  normalised: https://linkedin.com/in/EmilieTremblay" in lines
    assert "  network:    LinkedIn (linkedin), handle emilietremblay" in lines
    assert "  ownership:  profile: your LinkedIn profile" in lines
    assert "  ownership:  other: not an http(s) URL" in lines
    assert "\u202e" not in run.stdout and "\\u202e" in run.stdout  # never printed raw to a terminal
    assert "… (5020 characters)" in run.stdout
    assert "  ownership:  namesake: a site in your name that is not yours: your site does not link to it" in lines


def test_classify_json_and_labels_from_the_history(config: Path) -> None:
    labelled = auditor("label", "-c", str(config), MALT, "me")
    assert labelled.code == 0, labelled.stderr
    assert "Labelled https://malt.fr/profile/emilietremblay as yours (me)." in labelled.stdout

    run = auditor(
        "classify", "-c", str(config), "--json", "--title", "Émilie Tremblay - Malt", MALT, "javascript:alert(1)"
    )
    assert run.code == 0, run.stderr
    malt, script = json.loads(run.stdout)
    assert malt == {
        "input": MALT,
        "normalized_url": "https://malt.fr/profile/emilietremblay",
        "network": "malt",
        "network_label": "Malt",
        "handle": "emilietremblay",
        "ownership": "profile",
        "reason": "you confirmed it is yours (auditor label)",
        "label": "me",
    }
    assert script["ownership"] == "other" and script["normalized_url"] is None


def test_label_replaces_lists_and_removes(config: Path) -> None:
    assert auditor("label", "-c", str(config), MALT, "me").code == 0
    again = auditor("label", "-c", str(config), "https://malt.fr/profile/EmilieTremblay/", "not-me")
    assert again.code == 0, again.stderr
    assert "(was: me)" in again.stdout  # one decision per page, whatever its spelling
    listed = auditor("label", "-c", str(config), "--list", "--json")
    assert [(x["url"], x["decision"]) for x in json.loads(listed.stdout)] == [
        ("https://malt.fr/profile/EmilieTremblay", "not-me")
    ]
    removed = auditor("label", "-c", str(config), "--remove", MALT)
    assert removed.code == 0 and "(was: not-me)" in removed.stdout
    assert "No label for Émilie Tremblay yet." in auditor("label", "-c", str(config), "--list").stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("not a url", "me"), "is not an http(s) URL"),
        (("javascript:alert(1)", "me"), "is not an http(s) URL"),
        ((MALT, "maybe"), "use `me` or `not-me`"),
        (("https://example.com/" + "a" * 9000, "me"), "characters long"),
        (("https://github.com/ETremblay", "not-me"), "your github profile"),
        (("https://www.emilietremblay.ca/services", "not-me"), "a page of your site"),
        ((MALT,), "give URL and me|not-me"),
        ((), "give URL and me|not-me"),
    ],
)
def test_label_refuses_bad_input_clearly(config: Path, args: tuple[str, ...], message: str) -> None:
    run = auditor("label", "-c", str(config), *args)
    assert run.code == 2, run.stderr
    assert run.stderr.startswith("Error: ") and message in run.stderr
    assert "Traceback" not in run.stderr


def test_classify_gives_one_network_and_handle_for_every_shape_of_one_account(config: Path) -> None:
    shapes = [
        "https://www.linkedin.com/in/emilie-tremblay-b50576a7",
        "https://ca.linkedin.com/pub/emilie-tremblay/a7/576/b50?trk=x",
        "https://fr.linkedin.com/in/emilie-tremblay-b50576a7/details/experience/",
        "https://www.linkedin.com/in/Emilie-Tremblay-B50576A7/recent-activity/all/",
    ]
    run = auditor("classify", "-c", str(config), "--json", *shapes)
    assert run.code == 0, run.stderr
    rows = json.loads(run.stdout)
    assert {(row["network"], row["handle"]) for row in rows} == {("linkedin", "emilie-tremblay-b50576a7")}
    assert rows[2]["normalized_url"] == "https://linkedin.com/in/emilie-tremblay-b50576a7/details/experience"
