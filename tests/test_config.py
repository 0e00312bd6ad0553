"""Config loading: the example is complete and valid; every error names the file and the key."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import BaseModel

from auditor.config import Config, EnginesSettings, load_config, parse_config
from auditor.engines import registry
from auditor.errors import ConfigError

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "config.example.toml"

MINIMAL = """\
[person]
name = "Émilie Tremblay"
site = "https://emilietremblay.ca"
"""


def write(tmp_path: Path, text: str, name: str = "auditor.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def example_text() -> str:
    return EXAMPLE.read_text(encoding="utf-8")


def example_keys() -> set[tuple[str, str]]:
    """(table, key) of every assignment in the example, commented out or not; inline-table keys included."""
    found: set[tuple[str, str]] = set()
    table = ""
    for line in example_text().splitlines():
        header = re.match(r"^\s*\[([\w.]+)\]\s*$", line)
        if header:
            table = header.group(1)
            found.add(("", table))
            continue
        assignment = re.match(r"^\s*#?\s*([A-Za-z_]\w*)\s*=\s*(.*)$", line)
        if assignment:
            key, value = assignment.groups()
            found.add((table, key))
            inline = re.match(r"^\{(.*)\}\s*$", value.strip())
            if inline:
                for inner in re.findall(r"([A-Za-z_]\w*)\s*=", inline.group(1)):
                    found.add((f"{table}.{key}", inner))
    return found


def model_keys(model: type[BaseModel], table: str = "") -> list[tuple[str, str]]:
    """(table, key) of every field of `model`, recursively; a nested model is its own table."""
    keys: list[tuple[str, str]] = []
    for name, field in model.model_fields.items():
        if field.exclude:
            continue
        annotation = field.annotation
        if annotation is EnginesSettings:
            # [engines] holds one table per registered engine, each its engine's own settings model.
            for spec in registry.specs():
                keys.append(("", f"{name}.{spec.name}"))
                keys.extend(model_keys(spec.settings, f"{name}.{spec.name}"))
        elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
            sub = f"{table}.{name}" if table else name
            # A table made only of tables ([engines]) needs no header of its own.
            if any(
                not (isinstance(f.annotation, type) and issubclass(f.annotation, BaseModel))
                for f in annotation.model_fields.values()
            ):
                keys.append(("", sub))
            keys.extend(model_keys(annotation, sub))
        elif table:
            keys.append((table, name))
        else:
            keys.append(("", name))
    return keys


def test_example_config_loads() -> None:
    config = load_config(EXAMPLE)
    assert config.person.name == "Émilie Tremblay"
    assert config.person.site == "https://emilietremblay.ca"
    assert set(config.profiles) == {"linkedin", "github", "mastodon", "x"}
    assert config.audit.engines == ("duckduckgo_html",)
    assert config.audit.depth == 20
    assert config.report.lang == "fr"


def test_example_is_a_symlink_to_the_packaged_example() -> None:
    assert EXAMPLE.is_symlink()
    assert EXAMPLE.resolve() == (ROOT / "auditor" / "config.example.toml").resolve()


def test_every_model_key_appears_in_the_example() -> None:
    listed = example_keys()
    wanted = model_keys(Config)
    assert len(wanted) > 20  # the walk really went into the nested tables
    assert ("engines.google_cse", "cx") in wanted and ("engines.browser_bing", "monthly_budget") in wanted
    missing = [f"{table}.{key}" if table else key for table, key in wanted if (table, key) not in listed]
    assert missing == []


def test_every_scoring_weight_component_appears_in_the_example() -> None:
    listed = example_keys()
    defaults = Config.model_fields["scoring"].default.weights
    assert {("scoring.weights", key) for key in defaults} <= listed


def test_commented_example_values_are_valid_too(tmp_path: Path) -> None:
    # Uncommenting an example key must give a valid config, so the comments never teach a wrong value.
    uncommented = re.sub(r"(?m)^# ?([a-z_]+ = (?:\"|\d|\[|\{|true|false).*)$", r"\1", example_text())
    assert uncommented != example_text()
    config = load_config(write(tmp_path, uncommented))
    assert config.engines.duckduckgo_html.region == "ca-fr"
    assert config.engines.duckduckgo_html.monthly_budget == 300
    assert config.engines.searxng.monthly_budget == 1000


def test_minimal_config_takes_the_defaults(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, MINIMAL))
    assert config.profiles == {}
    assert config.audit.depth == 20
    assert config.person.locale == "fr-CA"
    assert config.http.retries == 2


def test_accented_hyphenated_name_with_particle_keeps_its_accents(tmp_path: Path) -> None:
    text = MINIMAL.replace("Émilie Tremblay", "Carl-Frédéric de Celles")
    config = load_config(write(tmp_path, text))
    assert config.person.name == "Carl-Frédéric de Celles"


def test_relative_storage_paths_resolve_against_the_config_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "conf"
    folder.mkdir()
    path = write(folder, MINIMAL + '\n[storage]\ndatabase = "data/history.db"\nreports_dir = "out"\n')
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    config = load_config(path)
    assert config.database_path == (folder / "data" / "history.db").resolve()
    assert config.reports_path == (folder / "out").resolve()


def test_relative_config_path_still_resolves_against_its_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "conf"
    folder.mkdir()
    write(folder, MINIMAL)
    monkeypatch.chdir(tmp_path)
    config = load_config(Path("conf/auditor.toml"))
    monkeypatch.chdir(folder)  # moving after loading changes nothing: the path was made absolute
    assert config.database_path == (folder / "auditor.db").resolve()


def test_absolute_storage_path_is_kept(tmp_path: Path) -> None:
    target = tmp_path / "somewhere" / "h.db"
    config = load_config(write(tmp_path, MINIMAL + f'\n[storage]\ndatabase = "{target.as_posix()}"\n'))
    assert config.database_path == target.resolve()


def test_missing_file_raises_with_a_tip_about_init(tmp_path: Path) -> None:
    path = tmp_path / "nope.toml"
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert str(path) in str(caught.value)
    assert caught.value.tip is not None
    assert "auditor init" in caught.value.tip
    assert caught.value.exit_code == 2


def replace_once(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


LINKEDIN = 'linkedin = "https://www.linkedin.com/in/emilietremblay"'

BROKEN = [
    pytest.param(('name = "Émilie Tremblay"', 'nmae = "Émilie Tremblay"'), "person.nmae", "unknown key", id="typo"),
    pytest.param(("[report]", "[reprot]"), "reprot", "unknown key", id="typo-table"),
    pytest.param(
        ('site = "https://emilietremblay.ca"', 'site = "emilietremblay.ca"'), "person.site", "not an http", id="site"
    ),
    pytest.param(('name = "Émilie Tremblay"', 'name = ""'), "person.name", "", id="empty-name"),
    pytest.param(('name = "Émilie Tremblay"', 'name = "   "'), "person.name", "must not be empty", id="blank-name"),
    pytest.param(
        ('engines = ["duckduckgo_html"]', 'engines = ["google"]'), "audit.engines", "unknown engine", id="engine"
    ),
    pytest.param(
        (LINKEDIN, 'linkedin = "https://github.com/x"'), "profiles", "linkedin", id="profile-on-wrong-network"
    ),
    pytest.param((LINKEDIN, 'myspace = "https://myspace.com/emilie"'), "profiles", "myspace", id="unknown-network"),
    pytest.param(
        (LINKEDIN, 'linkedin = "https://www.linkedin.com/company/nuage-boreal"'),
        "profiles",
        "linkedin",
        id="profile-not-a-person",
    ),
    pytest.param(("depth = 20", "depth = 15"), "audit.depth", "multiple of 10", id="depth"),
    pytest.param(("consistency = 0.10 }", "consistency = 0.10, fame = 1.0 }"), "scoring.weights", "fame", id="weights"),
    pytest.param(('lang = "fr"', 'lang = "de"'), "report.lang", "'de'", id="lang"),
    pytest.param(('locale = "fr-CA"', 'locale = "french"'), "person.locale", "fr-CA", id="locale"),
    pytest.param(("retries = 2", "retries = 5"), "http.retries", "", id="retries"),
]


@pytest.mark.parametrize(("edit", "key", "problem"), BROKEN)
def test_errors_read_file_key_problem(tmp_path: Path, edit: tuple[str, str], key: str, problem: str) -> None:
    path = write(tmp_path, replace_once(example_text(), *edit))
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: {key}: "), message
    assert problem in message.removeprefix(f"{path}: {key}: ")


def test_typo_suggests_the_known_key(tmp_path: Path) -> None:
    path = write(tmp_path, replace_once(example_text(), "depth = 20", "dept = 20"))
    with pytest.raises(ConfigError, match=r"audit\.dept: unknown key \(did you mean 'depth'\?\)"):
        load_config(path)


def test_typo_in_an_engine_table_suggests_the_engines_own_key(tmp_path: Path) -> None:
    path = write(tmp_path, replace_once(example_text(), "[engines.mojeek]", '[engines.mojeek]\napi_key_evn = "K"'))
    with pytest.raises(
        ConfigError, match=r"engines\.mojeek\.api_key_evn: unknown key \(did you mean 'api_key_env'\?\)"
    ):
        load_config(path)


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (
            ("[engines.browser_bing]", "[engines.bing]"),
            r"engines\.bing: unknown engine 'bing' \(did you mean 'browser_bing'\?\)",
        ),
        (
            ('engines = ["duckduckgo_html"]', 'engines = ["brvae"]'),
            r"audit\.engines: unknown engine 'brvae' \(did you mean 'brave'\?\)",
        ),
    ],
)
def test_a_misspelt_engine_is_unknown_with_a_guess(tmp_path: Path, edit: tuple[str, str], expected: str) -> None:
    with pytest.raises(ConfigError, match=expected):
        load_config(write(tmp_path, replace_once(example_text(), *edit)))


def test_a_misspelt_engine_table_is_named_before_what_it_leaves_missing(tmp_path: Path) -> None:
    text = replace_once(example_text(), 'name = "Émilie Tremblay"\n', "")
    path = write(tmp_path, replace_once(text, "[engines.brave]", "[engines.bravee]"))
    with pytest.raises(ConfigError) as raised:
        load_config(path)
    first, second = str(raised.value).splitlines()  # every problem, one line each, the cause first
    assert re.search(r"engines\.bravee: unknown engine 'bravee' \(did you mean 'brave'\?\)", first), first
    assert second.endswith("person.name: required key is missing"), second


def test_engine_numbers_are_not_read_from_strings(tmp_path: Path) -> None:
    path = write(tmp_path, replace_once(example_text(), "[engines.serper]", '[engines.serper]\nmonthly_budget = "100"'))
    with pytest.raises(ConfigError, match=r"engines\.serper\.monthly_budget: expected a whole number, got text '100'"):
        load_config(path)


def test_toml_syntax_error_names_the_file_and_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, replace_once(example_text(), "[audit]", "[audit"))
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: not valid TOML")
    assert "line" in message


def test_profile_url_with_tracking_and_country_subdomain_is_accepted() -> None:
    text = MINIMAL + '\n[profiles]\nlinkedin = "https://fr.linkedin.com/in/emilietremblay/?originalSubdomain=ca"\n'
    config = parse_config(text, source="t.toml", base_dir=Path("."))
    assert config.profiles["linkedin"].startswith("https://fr.linkedin.com/in/emilietremblay")


def test_profile_whose_handle_starts_like_a_reserved_path_is_accepted() -> None:
    # x.com/home is not a person, x.com/homer_s is; github.com/explore is not, github.com/explorer42 is.
    text = MINIMAL + '\n[profiles]\nx = "https://x.com/homer_s"\ngithub = "https://github.com/explorer42"\n'
    config = parse_config(text, source="t.toml", base_dir=Path("."))
    assert set(config.profiles) == {"x", "github"}


def test_searxng_listed_without_url_is_an_error() -> None:
    text = MINIMAL + '\n[audit]\nengines = ["searxng"]\n'
    with pytest.raises(ConfigError, match=r"engines\.searxng\.url"):
        parse_config(text, source="t.toml", base_dir=Path("."))


def test_base_dir_cannot_be_set_from_the_file() -> None:
    with pytest.raises(ConfigError, match=r"t\.toml: base_dir: unknown key"):
        parse_config('base_dir = "/etc"\n' + MINIMAL, source="t.toml", base_dir=Path("."))


def test_locale_is_normalised() -> None:
    config = parse_config(MINIMAL.replace("[person]", '[person]\nlocale = "en_us"'), source="t", base_dir=Path("."))
    assert config.person.locale == "en-US"
    assert (config.person.language, config.person.region) == ("en", "US")


def with_person(qualifiers: str = "[]", name: str = "Émilie Tremblay", engines: str = '["duckduckgo_html"]') -> str:
    return (
        f'[person]\nname = "{name}"\nsite = "https://x.example"\nqualifiers = {qualifiers}\n'
        f"[audit]\nengines = {engines}\n"
    )


def test_an_engine_listed_twice_is_refused() -> None:
    with pytest.raises(ConfigError, match=r"audit\.engines: 'duckduckgo_html' is listed twice"):
        parse_config(with_person(engines='["duckduckgo_html", "duckduckgo_html"]'), source="c", base_dir=Path("."))


def test_more_queries_than_max_queries_is_refused_in_one_line() -> None:
    many = "[" + ", ".join(f'"q{i}"' for i in range(10_000)) + "]"
    with pytest.raises(ConfigError) as caught:
        parse_config(with_person(many), source="c", base_dir=Path("."))
    assert str(caught.value) == (
        "c: person.qualifiers: 10000 qualifiers make 10001 queries per engine, over audit.max_queries (25); "
        "keep the qualifiers that matter, or raise it"
    )
    # Exactly at the bound is fine, and the bound is the config's.
    at_bound = "[" + ", ".join(f'"q{i}"' for i in range(24)) + "]"
    assert len(parse_config(with_person(at_bound), source="c", base_dir=Path(".")).person.qualifiers) == 24
    raised = with_person(many) + "max_queries = 1000\n"
    with pytest.raises(ConfigError, match=re.escape("over audit.max_queries (1000)")):
        parse_config(raised, source="c", base_dir=Path("."))


@pytest.mark.parametrize(
    ("text", "key"),
    [(with_person(name="N" * 10_000), "person.name"), (with_person(f'["{"q" * 101}"]'), "person.qualifiers")],
)
def test_a_name_or_qualifier_over_max_name_length_is_refused(text: str, key: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config(text, source="c", base_dir=Path("."))
    message = str(caught.value)
    assert message.startswith(f"c: {key}: ") and "over audit.max_name_length (100)" in message
    assert len(message) < 200 and "\n" not in message


def test_the_bounds_default_as_documented() -> None:
    config = parse_config(with_person(), source="c", base_dir=Path("."))
    assert (config.audit.max_queries, config.audit.max_name_length, config.audit.stop_engine_after) == (25, 100, 2)


def test_a_config_read_without_its_engines_checks_everything_else(tmp_path: Path) -> None:
    # What `classify`, `label` and `history` read: they ask no engine, so an engine's table is not theirs to judge
    # (and loading every engine's module to judge it cost them about 20 ms of start-up).
    text = replace_once(example_text(), "[engines.serper]", '[engines.serper]\nmonthly_budget = "100"')
    text = replace_once(text, 'engines = ["duckduckgo_html"]', 'engines = ["brvae"]')
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as raised:
        load_config(path)
    assert len(str(raised.value).splitlines()) == 2  # both engine problems, for the commands that ask engines
    config = load_config(path, engines=False)
    assert config.person.name == "Émilie Tremblay" and config.audit.engines == ("brvae",)
    with pytest.raises(RuntimeError, match=r"\[engines\] tables were not read"):
        config.engines.settings("serper")
    broken = replace_once(text, "depth = 20", 'depth = "20"')
    with pytest.raises(ConfigError, match=r"audit\.depth: expected a whole number, got text '20'"):
        load_config(write(tmp_path, broken), engines=False)


def test_a_config_read_with_its_engines_has_every_engines_settings(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, example_text()))
    assert {spec.name for spec in registry.specs()} == {
        name for name in (config.engines.__pydantic_extra__ or {}) if config.engines.settings(name)
    }
