"""The config file: TOML read with tomllib, validated strictly with pydantic.

Errors read `FILE: key: problem` and unknown keys are rejected, so a typo never silently becomes a default.
The `[engines.*]` tables are in `engines`, the wording of every problem in `problems`.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from auditor.config.engines import READ_ENGINES, EnginesSettings, reads_engines
from auditor.config.problems import causes_first, problems, profile_problems
from auditor.errors import ConfigError
from auditor.identify.urls import http_url_problem, is_http_url
from auditor.models import EDGE_MECHANISMS

__all__ = ["READ_ENGINES", "Config", "EnginesSettings", "load_config", "parse_config", "profile_problems", "validate"]

DEFAULT_CONFIG_NAME = "auditor.toml"

# Attention weight by position (the organic click-through curve, in percent). Positions 1-4 and 10 are
# Sistrix 2020's published figures; 5-9 are filled smoothly between them, 11-20 decay from page two's
# "under 1% a position"; beyond 20 the weight is 0. See DESIGN.md section 6.
DEFAULT_CTR = (
    28.5,
    15.7,
    11.0,
    8.0,
    6.1,
    4.8,
    3.9,
    3.3,
    2.8,
    2.5,
    0.9,
    0.8,
    0.7,
    0.6,
    0.5,
    0.45,
    0.4,
    0.35,
    0.3,
    0.25,
)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class StrictTyped(Strict):
    """No silent conversion: `depth = "20"` is a mistake to point out, not a number to guess (TOML has types)."""

    model_config = ConfigDict(strict=True)


class Person(StrictTyped):
    name: Annotated[str, Field(min_length=1)]
    aliases: tuple[str, ...] = ()
    site: str
    old_sites: tuple[str, ...] = ()
    qualifiers: tuple[str, ...] = ()
    locale: str = "fr-CA"

    @field_validator("name")
    @classmethod
    def _name_not_blank(cls, value: str) -> str:
        value = " ".join(value.split())
        if not value:
            raise ValueError("must not be empty")
        return value

    @field_validator("site")
    @classmethod
    def _site_is_url(cls, value: str) -> str:
        problem = http_url_problem(value)
        if problem == "not an http(s) URL":
            raise ValueError(f"not an http(s) URL: {value!r} (write it in full, e.g. https://example.com)")
        if problem:
            raise ValueError(f"{problem}: {value!r}")
        return value.strip()

    @field_validator("old_sites")
    @classmethod
    def _old_sites_are_urls(cls, values: tuple[str, ...]) -> tuple[str, ...]:
        for value in values:
            problem = http_url_problem(value)
            if problem:
                raise ValueError(f"{problem}: {value!r}")
        return values

    @field_validator("locale")
    @classmethod
    def _locale_shape(cls, value: str) -> str:
        parts = value.replace("_", "-").split("-")
        if len(parts) != 2 or len(parts[0]) != 2 or len(parts[1]) != 2:
            raise ValueError(f"expected a language-region code such as fr-CA or en-US, got {value!r}")
        return f"{parts[0].lower()}-{parts[1].upper()}"

    @property
    def language(self) -> str:
        return self.locale.split("-")[0]

    @property
    def region(self) -> str:
        return self.locale.split("-")[1]


DEFAULT_MAX_QUERIES = 25
DEFAULT_MAX_NAME_LENGTH = 100
DEFAULT_STOP_ENGINE_AFTER = 2


class AuditSettings(StrictTyped):
    engines: tuple[str, ...] = ("duckduckgo_html",)
    depth: Annotated[int, Field(ge=10, le=30, multiple_of=10)] = 20
    concurrency: Annotated[int, Field(ge=1, le=16)] = 4
    max_queries: Annotated[int, Field(ge=1, le=1000)] = DEFAULT_MAX_QUERIES
    """Queries one audit may ask each engine (the name, then one per qualifier): a bound on the work, so a
    config with thousands of qualifiers is refused rather than run for hours."""
    max_name_length: Annotated[int, Field(ge=10, le=1000)] = DEFAULT_MAX_NAME_LENGTH
    """Characters in the person's name, an alias or a qualifier."""
    stop_engine_after: Annotated[int, Field(ge=0, le=100)] = DEFAULT_STOP_ENGINE_AFTER
    """Consecutive queries an engine may answer blocked or rate limited before it is asked nothing more in this
    audit (its remaining queries recorded as skipped, with the reason); 0 never stops an engine."""

    @field_validator("engines")
    @classmethod
    def _known_engines(cls, values: tuple[str, ...], info: ValidationInfo) -> tuple[str, ...]:
        if not values:
            raise ValueError("list at least one engine")
        if reads_engines(info):
            from auditor.engines import registry

            for value in values:
                if registry.find(value) is None:
                    raise ValueError(registry.unknown_engine(value))
        duplicated = next((value for value in values if values.count(value) > 1), None)
        if duplicated is not None:
            raise ValueError(f"{duplicated!r} is listed twice (each engine is asked once per query)")
        return values


class HttpSettings(StrictTyped):
    timeout: Annotated[float, Field(gt=0, le=120)] = 15.0
    html_interval: Annotated[float, Field(ge=0)] = 1.0
    """Seconds between two requests to one host for HTML pages."""
    max_body_mb: Annotated[float, Field(gt=0, le=100)] = 5.0
    retries: Annotated[int, Field(ge=0, le=2)] = 2


DEFAULT_EDGE_WEIGHTS = {
    "link_back": 1.0,
    "rel_me": 1.0,
    "same_as": 1.0,
    "site_link": 0.5,
    "mastodon_verified": 1.0,
    "github_blog": 0.5,
    "github_social": 0.5,
    "atproto_domain": 1.0,
    "wikidata": 1.0,
}
"""How much each mechanism weighs in `consolidation`: the ones search engines and networks read as proof of
identity (rel="me", `sameAs`, a verified link) weigh more than a plain link or a second website field."""


class ScoringSettings(StrictTyped):
    ctr: tuple[float, ...] = DEFAULT_CTR
    """Attention weight of positions 1, 2, 3 ...; positions past the end weigh 0."""
    weights: dict[str, float] = Field(
        default_factory=lambda: {
            "visibility": 0.45,
            "linkback": 0.30,
            "site": 0.15,
            "consistency": 0.10,
            "consolidation": 0.10,
        }
    )
    edge_weights: dict[str, float] = Field(default_factory=lambda: dict(DEFAULT_EDGE_WEIGHTS))
    """Weight of each mechanism of the identity graph in the `consolidation` component; 0 leaves it out."""

    @field_validator("ctr")
    @classmethod
    def _ctr(cls, values: tuple[float, ...]) -> tuple[float, ...]:
        if not values or any(v < 0 for v in values) or sum(values) <= 0:
            raise ValueError("give at least one non-negative weight, with a positive sum")
        return values

    @field_validator("weights")
    @classmethod
    def _weights(cls, values: dict[str, float]) -> dict[str, float]:
        allowed = {"visibility", "linkback", "site", "consistency", "consolidation"}
        unknown = set(values) - allowed
        if unknown:
            raise ValueError(f"unknown component {sorted(unknown)[0]!r}; use {', '.join(sorted(allowed))}")
        if any(v < 0 for v in values.values()) or sum(values.values()) <= 0:
            raise ValueError("weights must be non-negative with a positive sum")
        return values

    @field_validator("edge_weights")
    @classmethod
    def _edge_weights(cls, values: dict[str, float]) -> dict[str, float]:
        unknown = set(values) - set(EDGE_MECHANISMS)
        if unknown:
            raise ValueError(f"unknown mechanism {sorted(unknown)[0]!r}; use {', '.join(EDGE_MECHANISMS)}")
        if any(v < 0 for v in values.values()):
            raise ValueError("edge weights must be non-negative")
        # A table that names a few mechanisms changes those; the others keep their default weight.
        return {**DEFAULT_EDGE_WEIGHTS, **values}


class StorageSettings(StrictTyped):
    database: str = "auditor.db"
    reports_dir: str = "reports"


class ReportSettings(StrictTyped):
    lang: str = "fr"
    manual_check_months: int = Field(default=6, ge=1, le=120)
    """How long the user's own check of a profile (`auditor confirm`) stands before the report asks again."""

    @field_validator("lang")
    @classmethod
    def _lang(cls, value: str) -> str:
        if value not in ("en", "fr"):
            raise ValueError(f"expected 'en' or 'fr', got {value!r}")
        return value


class EmailSettings(StrictTyped):
    """Where `[notify.email]` sends the summary (plain SMTP through the standard library)."""

    host: Annotated[str, Field(min_length=1)]
    port: Annotated[int, Field(ge=1, le=65535)] = 587
    security: Literal["starttls", "tls", "none"] = "starttls"
    user: str = ""
    password_env: str = "AUDITOR_SMTP_PASSWORD"
    """The environment variable holding the SMTP password; the password itself is never in the config."""
    sender: Annotated[str, Field(min_length=3)]
    to: Annotated[tuple[str, ...], Field(min_length=1)]
    timeout: Annotated[float, Field(gt=0, le=120)] = 20.0


class WebhookSettings(StrictTyped):
    """One endpoint that `[[notify.webhooks]]` POSTs the summary to as JSON."""

    url: str
    format: Literal["generic", "slack", "ntfy"] = "generic"
    timeout: Annotated[float, Field(gt=0, le=120)] = 10.0

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not is_http_url(value):
            raise ValueError("not an http(s) URL")  # never echoed: a webhook URL may carry a token
        return value


class NotifySettings(StrictTyped):
    """After every audit, send its summary by email and to webhooks; off unless `enabled`."""

    enabled: bool = False
    email: EmailSettings | None = None
    webhooks: tuple[WebhookSettings, ...] = ()

    @model_validator(mode="after")
    def _somewhere_to_send(self) -> NotifySettings:
        if self.enabled and self.email is None and not self.webhooks:
            raise ValueError("enabled = true, but neither [notify.email] nor [[notify.webhooks]] is set")
        return self


class Config(StrictTyped):
    person: Person
    profiles: dict[str, str] = Field(default_factory=dict)
    audit: AuditSettings = AuditSettings()
    engines: EnginesSettings = Field(default_factory=EnginesSettings)
    http: HttpSettings = HttpSettings()
    scoring: ScoringSettings = ScoringSettings()
    storage: StorageSettings = StorageSettings()
    report: ReportSettings = ReportSettings()
    notify: NotifySettings = NotifySettings()

    base_dir: Path = Field(default=Path("."), exclude=True)
    """Directory of the config file: relative storage paths are resolved against it."""

    @field_validator("profiles")
    @classmethod
    def _profiles_match_their_network(cls, values: dict[str, str]) -> dict[str, str]:
        problems = profile_problems(values)
        if problems:
            raise ValueError(problems[0])
        return values

    @model_validator(mode="after")
    def _within_bounds(self) -> Config:
        limit = self.audit.max_name_length
        texts = [("person.name", self.person.name)]
        texts += [("person.aliases", alias) for alias in self.person.aliases]
        texts += [("person.qualifiers", qualifier) for qualifier in self.person.qualifiers]
        for key, text in texts:
            if len(text) > limit:
                raise ValueError(
                    f"{key}: {len(text)} characters, over audit.max_name_length ({limit}): {text[:40]!r}..."
                )
        queries = 1 + len(self.person.qualifiers)
        if queries > self.audit.max_queries:
            raise ValueError(
                f"person.qualifiers: {len(self.person.qualifiers)} qualifiers make {queries} queries per engine, "
                f"over audit.max_queries ({self.audit.max_queries}); keep the qualifiers that matter, or raise it"
            )
        return self

    @model_validator(mode="after")
    def _listed_engines_can_work(self, info: ValidationInfo) -> Config:
        # Only for engines the audit uses: an unused engine's incomplete table (searxng without its url) is fine.
        if not reads_engines(info):
            return self
        from auditor.engines import registry

        for name in self.audit.engines:
            problem = registry.get(name).problem(self.engines.settings(name))
            if problem:
                raise ValueError(problem)
        return self

    @property
    def database_path(self) -> Path:
        return (self.base_dir / self.storage.database).resolve()

    @property
    def reports_path(self) -> Path:
        return (self.base_dir / self.storage.reports_dir).resolve()


def validate(data: Mapping[str, object], *, base_dir: Path, engines: bool = True) -> Config:
    """A config from TOML as read (its arrays taken as the tuples the models hold, since strict validation
    converts nothing). Raises pydantic's ValidationError; `problems` words it. `engines` as in `parse_config`."""
    return Config.model_validate({**_as_tuples(data), "base_dir": base_dir}, context={READ_ENGINES: engines})


def _as_tuples(value: object) -> Any:
    if isinstance(value, list):
        return tuple(_as_tuples(v) for v in value)
    if isinstance(value, dict):
        return {k: _as_tuples(v) for k, v in value.items()}
    return value


def parse_config(text: str, *, source: str, base_dir: Path, engines: bool = True) -> Config:
    """Validate config text. Raises ConfigError whose message reads `source: key: problem`.

    `engines=False` for a command that asks no engine: the engines are left out of the check (`READ_ENGINES`)
    and `config.engines.settings()` raises. Every other table is checked as always."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{source}: not valid TOML: {exc}") from None
    if "base_dir" in data:
        # Set from the file's location, never from the file: a written one would be silently overridden.
        raise ConfigError(f"{source}: base_dir: unknown key (paths are relative to the config file's directory)")
    try:
        return validate(data, base_dir=base_dir, engines=engines)
    except ValidationError as exc:
        # Every problem at once, one line each, so one edit fixes them all.
        raise ConfigError("\n".join(f"{source}: {problem}" for problem in problems(causes_first(exc), data))) from None


def load_config(path: Path, *, engines: bool = True) -> Config:
    """The config file at `path`, checked (`parse_config`)."""
    if not path.exists():
        raise ConfigError(
            f"{path}: config file not found",
            tip="run `auditor init` to write a starter config, or pass -c PATH",
        )
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read: {exc}") from None
    return parse_config(text, source=str(path), base_dir=path.resolve().parent, engines=engines)
