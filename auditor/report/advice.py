"""The messages of the recommendations, one catalog entry per rule and variant, in the report's language.

`recommend.py` writes no prose: each recommendation carries its rule and the params its message names
(profile, engine, position, url ...). A rule has variants so that no message leaves an empty slot: a
profile that does not rank gets the message without a position, an audit stored before a param existed
gets the message it was written with. The reason behind a verdict or a site check travels as a code
(`why`) with its params prefixed `why.`, and is worded by `i18n_reasons`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from auditor.report import i18n
from auditor.report.graph import reason_words
from auditor.report.i18n import N_
from auditor.report.reasons import linkback_reason, site_detail

MESSAGES = {
    "add_site_link": N_("Add a link to your site on your %(network)s profile: it ranks #%(position)s on %(engine)s."),
    "add_site_link/unranked": N_(
        "Add a link to your site on your %(network)s profile, so that search engines tie it to your site."
    ),
    "fix_wrong_target": N_(
        "Your %(network)s profile (#%(position)s on %(engine)s) links to the wrong place. %(why)s Point that "
        "link at %(target)s."
    ),
    "fix_wrong_target/unranked": N_(
        "Your %(network)s profile links to the wrong place. %(why)s Point that link at %(target)s."
    ),
    "check_by_hand": N_(
        "Your %(network)s profile (#%(position)s on %(engine)s) could not be checked automatically. %(why)s "
        "Check it by hand: log in, open %(url)s, look for a link to your site (website field, bio, contact "
        "info) and add it if it is missing."
    ),
    "check_by_hand/unranked": N_(
        "Your %(network)s profile could not be checked automatically. %(why)s Check it by hand: log in, open "
        "%(url)s, look for a link to your site (website field, bio, contact info) and add it if it is missing."
    ),
    "check_by_hand/linkedin": N_(
        "Your LinkedIn profile (#%(position)s on %(engine)s) could not be checked automatically. %(why)s Check "
        "it by hand: log in, open %(url)s, click “Contact info” and look for your site; if it is missing, add it "
        "as a website in your intro."
    ),
    "profile_missing": N_(
        "Your %(network)s profile (%(url)s) is not in the first %(depth)s results for your name on any engine "
        "that answered: complete it, use your full name, and link it from your site."
    ),
    "site_missing": N_(
        "Your site %(url)s is not in the first %(depth)s results for your name on any engine that answered: "
        "make sure it is indexed, put your name in its title, and link to it from every profile."
    ),
    "fix_site_check": N_("Fix your site: %(check)s (%(detail)s)."),
    "fix_site_check/no_detail": N_("Fix your site: %(check)s."),
    "fix_site_check/https": N_(
        "Serve your site over HTTPS and redirect http to it: browsers and search engines trust it more. %(why)s"
    ),
    "fix_site_check/title_has_name": N_(
        "Put your name in your home page's title: it is the line search engines show first. %(why)s"
    ),
    "fix_site_check/description_has_name": N_(
        "Put your name in your home page's meta description: search engines often show it under the title. %(why)s"
    ),
    "fix_site_check/not_noindex": N_(
        "Your site asks search engines not to list it (noindex): remove the noindex from its robots meta tag "
        "or its X-Robots-Tag header, or it cannot rank for your name at all."
    ),
    "fix_site_check/canonical": N_(
        'Declare the canonical URL of your home page (a <link rel="canonical"> in its head), so that search '
        "engines rank one address."
    ),
    "fix_site_check/rel_me": N_(
        'Add a rel="me" link from your site to each of your profiles (missing: %(networks)s): it tells search '
        "engines and Mastodon that these profiles are yours."
    ),
    "fix_site_check/jsonld_sameas": N_(
        "Add a schema.org Person in JSON-LD to your site whose sameAs lists your profiles (missing: "
        "%(networks)s): search engines use it to join your profiles into one identity."
    ),
    "namesake_pressure": N_(
        "Namesakes hold %(share)s%% of the attention on your name; the first, %(url)s, ranks #%(position)s on "
        "%(engine)s. Use one name variant everywhere (“%(name)s”, on your site's title and on every profile) "
        "and add your trade and your city to your headlines, so that people can tell you apart."
    ),
    "namesake_pressure/no_top": N_(
        "Namesakes hold %(share)s%% of the attention on your name: add your trade and your city to your "
        "profile headlines and your site's title so that people can tell you apart."
    ),
    "confirm_probable_profile": N_(
        "%(url)s (#%(position)s on %(engine)s) looks like your %(network)s profile: if it is yours, add it to "
        "[profiles] in the config (or run `auditor label %(url)s me`) so that it counts as yours."
    ),
    "confirm_probable_profile/no_network": N_(
        "%(url)s (#%(position)s on %(engine)s) looks like one of your profiles: if it is yours, add it to "
        "[profiles] in the config (or run `auditor label %(url)s me`) so that it counts as yours."
    ),
    "confirm_probable_profile/unranked": N_(
        "%(url)s looks like your %(network)s profile: if it is yours, add it to [profiles] in the config "
        "(or run `auditor label %(url)s me`) so that it counts as yours."
    ),
    "confirm_probable_profile/unranked_no_network": N_(
        "%(url)s looks like one of your profiles: if it is yours, add it to [profiles] in the config (or run "
        "`auditor label %(url)s me`) so that it counts as yours."
    ),
    "inconsistent_names": N_(
        "Your %(network)s profile (#%(position)s on %(engine)s) shows the name “%(value)s”: show “%(expected)s” "
        "there, as elsewhere, so that clients and search engines see one person."
    ),
    "inconsistent_names/unranked": N_(
        "Your %(network)s profile shows the name “%(value)s”: show “%(expected)s” there, as elsewhere, so that "
        "clients and search engines see one person."
    ),
    # The identity graph's edges that no other rule names (`recommend._graph_candidates`).
    "link_identity/mastodon_verified": N_(
        'Mastodon does not show your link to your site as verified: add a rel="me" link to %(url)s on your '
        "site's home page, then edit and save your Mastodon profile so that the instance checks it again."
    ),
    "link_identity/github_blog": N_(
        "Put your site in the website field of your GitHub profile (%(url)s): GitHub shows it beside your "
        "name and search engines read it as yours."
    ),
    "link_identity/rel_me": N_(
        'Link %(url)s from your site\'s home page with rel="me": it tells search engines it is yours.'
    ),
    "link_identity/same_as": N_(
        "List %(url)s in the sameAs of the schema.org Person on your site, so that search engines join it to "
        "your identity."
    ),
    "link_identity/site_link": N_("Link %(url)s from your site's home page."),
    "link_identity/github_social": N_(
        "Add your %(target_network)s profile (%(target_url)s) to the social accounts of your GitHub profile: "
        "GitHub shows it beside your name, one more place that ties the two together."
    ),
    "link_identity/atproto_domain": N_(
        "Make your site's domain your Bluesky handle (%(url)s): Bluesky checks it against your site, the "
        "strongest proof that the account is yours. %(why)s"
    ),
    "link_identity/wikidata": N_(
        "The Wikidata item your site lists (%(url)s) does not name your site as its official website (P856). "
        "Wikidata has notability rules and removes self-promotion: add it only if the item is about you and "
        "you may edit it, or ask someone who can."
    ),
    "link_identity/link_back": N_("Add a link to your site on %(url)s, so that it vouches for your site too."),
    "link_identity": N_("Link your site and %(url)s to each other."),
    # Flagged, never judged: the message says what is there and leaves the decision to the reader.
    "sensitive_topics": N_(
        "For your review: a result of yours, %(url)s (#%(position)s on %(engine)s), touches on %(topic)s: "
        "“%(excerpt)s”. Whether it belongs there is your call; clients who search your name can read it."
    ),
}

TITLES = {
    "add_site_link": N_("%(network)s: add a link to your site"),
    "fix_wrong_target": N_("%(network)s: point its link at your site"),
    "check_by_hand": N_("%(network)s: check its link to your site by hand"),
    "profile_missing": N_("%(network)s: complete the profile so that it ranks"),
    "site_missing": N_("Your site: get it into the results for your name"),
    "fix_site_check": N_("Your site: fix “%(check)s”"),
    "namesake_pressure": N_("Your headlines: set yourself apart from your namesakes"),
    "confirm_probable_profile": N_("%(url)s: say whether it is yours"),
    "confirm_probable_profile/network": N_("%(network)s: say whether this profile is yours"),
    "inconsistent_names": N_("%(network)s: show “%(expected)s” as your name"),
    "sensitive_topics": N_("%(url)s: review what it says"),
    "link_identity": N_("%(url)s: link it and your site to each other"),
    "link_identity/network": N_("%(network)s: link it and your site to each other"),
}
"""One line per rule for the report's first screen: the profile or page, and what to change there."""

_SITE_CHECK_NEEDS = {
    "https": ("why",),
    "title_has_name": ("why",),
    "description_has_name": ("why",),
    "not_noindex": (),
    "canonical": (),
    "rel_me": ("networks",),
    "jsonld_sameas": ("networks",),
}


def _has(params: Mapping[str, str], *keys: str) -> bool:
    return all(str(params.get(k, "")).strip() for k in keys)


def _variant(rule: str, params: Mapping[str, str]) -> str:
    """The catalog key for this rule and these params: the fullest message with no empty slot."""
    ranked = _has(params, "position", "engine")
    if rule in ("add_site_link", "fix_wrong_target", "inconsistent_names"):
        return rule if ranked else f"{rule}/unranked"
    if rule == "check_by_hand":
        if not ranked:
            return "check_by_hand/unranked"
        return "check_by_hand/linkedin" if params.get("network") == "linkedin" else rule
    if rule == "confirm_probable_profile":
        key = rule if ranked else f"{rule}/unranked"
        if not _has(params, "network"):
            key += "_no_network" if not ranked else "/no_network"
        return key
    if rule == "namesake_pressure":
        return rule if _has(params, "url", "position", "engine", "name") else "namesake_pressure/no_top"
    if rule == "link_identity":
        mechanism = f"link_identity/{params.get('mechanism', '')}"
        slots = ("target_network", "target_url") if mechanism == "link_identity/github_social" else ("url",)
        return mechanism if mechanism in MESSAGES and _has(params, *slots) else rule
    if rule == "fix_site_check":
        check = str(params.get("check", ""))
        needs = _SITE_CHECK_NEEDS.get(check)
        if needs is not None and _has(params, *needs):
            return f"fix_site_check/{check}"
        return "fix_site_check" if _has(params, "detail") else "fix_site_check/no_detail"
    return rule


class _Params(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "?"


def _why(lang: str, rule: str, params: Mapping[str, str]) -> str:
    """The reason sentence a message quotes, from its code; the stored English text when it has none."""
    code = str(params.get("why", ""))
    inner = {k[4:]: str(v) for k, v in params.items() if k.startswith("why.")}
    if rule == "fix_site_check":
        return site_detail(lang, code, inner, str(params.get("detail", ""))).text
    if rule == "link_identity":
        return reason_words(lang, code, inner).text
    worded = linkback_reason(lang, code, inner, str(params.get("reason", "")))
    text = worded.text
    if worded.english and text:  # an old audit's reason ("links to ..."), made to read as a sentence
        text = text[:1].upper() + text[1:]
        text = text if text.endswith((".", "!", "?")) else text + "."
    return text


def recommendation_message(lang: str, rule: str, params: Mapping[str, str], fallback: str) -> str:
    """The message of a rule with its params filled in, as plain text (escaped where it is output).

    Unknown rules show `fallback` (the recommendation's id) rather than nothing.
    """
    template = MESSAGES.get(_variant(rule, params))
    if template is None:
        return fallback
    values = _Params({k: i18n.isolate_bidi(str(v)) for k, v in params.items()})
    if "network" in values:
        values["network"] = i18n.network_label(values["network"])
    if "target_network" in values:
        values["target_network"] = i18n.network_label(values["target_network"])
    if "engine" in values:
        values["engine"] = i18n.label(lang, "engine", values["engine"])
    if "check" in values:
        values["check"] = i18n.label(lang, "site_check", values["check"])
    if "topic" in values:
        values["topic"] = i18n.label(lang, "topic", values["topic"])
    if "networks" in values:
        values["networks"] = ", ".join(i18n.network_label(n) for n in values["networks"].split(",") if n)
    if rule == "namesake_pressure" and "share" in values:
        values["share"] = _as_number(values["share"], lang)
    if "%(why)s" in template:
        values["why"] = _why(lang, rule, params)
    return i18n.gettext(lang, template) % values


def _as_number(text: str, lang: str) -> str:
    try:
        return i18n.format_number(float(text), lang, digits=0)
    except ValueError:
        return text


def recommendation_title(lang: str, rule: str, params: Mapping[str, str], fallback: str) -> str:
    """The short form of a recommendation (`TITLES`), in `lang`; `fallback` for an unknown rule or a title
    whose slots the params cannot fill."""
    template = TITLES.get(f"{rule}/network") if _has(params, "network") else None
    template = template or TITLES.get(rule)
    if template is None or not all(_has(params, key) for key in _slots(template)):
        return fallback
    values = {k: str(v) for k, v in params.items()}
    if "network" in values:
        values["network"] = i18n.network_label(values["network"])
    if "check" in values:
        values["check"] = i18n.label(lang, "site_check", values["check"])
    return i18n.gettext(lang, template) % values


def _slots(template: str) -> list[str]:
    return re.findall(r"%\((\w+)\)s", template)


CONFIRM_HINT = N_(
    "Once you have looked, record what you saw with `auditor confirm %(url)s linked` (or `not-linked`): the "
    "next audits count it, and this recommendation waits until your check is old."
)


def confirm_hint(lang: str, rule: str, params: Mapping[str, str]) -> str:
    """For a profile the auditor cannot see, how to record the user's own check (`auditor confirm`); ""
    for any other recommendation."""
    if rule != "check_by_hand" or not _has(params, "url"):
        return ""
    return i18n.gettext(lang, CONFIRM_HINT) % {"url": params["url"]}
