"""The first run and the everyday commands, as a new user meets them: init, --version, messages, rescore."""

from __future__ import annotations

import re
from pathlib import Path

from auditor.sandbox import Sandbox
from tests.e2e.conftest import AS_OF, auditor


def without_profiles(config_file: Path) -> Path:
    text = config_file.read_text(encoding="utf-8")
    text = re.sub(r"\[profiles\]\n(?:[^\[\n].*\n|\n)*", "", text)
    assert "[profiles]" not in text and "github" not in text
    config_file.write_text(text, encoding="utf-8")
    return config_file


def test_rescore_works_for_a_config_without_profiles(config_file: Path, sandbox: Sandbox) -> None:
    config = str(without_profiles(config_file))
    audited = auditor("audit", "-c", config, "--sandbox", sandbox.url, "--as-of", AS_OF, "-q")
    assert audited.code == 0, audited.stderr
    done = auditor("rescore", "-c", config)
    assert done.code == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert re.search(r"audit 1 \(2026-01-01\): overall [\d.]+ -> [\d.]+, complete", done.stdout)


def test_advice_for_a_failed_engine_is_to_run_again_never_to_resume() -> None:
    # `--resume` finishes an interrupted audit only: a finished one that failed answers "no interrupted audit".
    from auditor.report.i18n import ENGINE_ADVICE, gettext

    for lang in ("en", "fr"):
        for status in ("blocked", "rate_limited", "network_error"):
            advice = gettext(lang, ENGINE_ADVICE[status])
            assert "--resume" not in advice
            assert re.search(r"run the audit again|running the audit again|relancer l'audit|relancez l'audit", advice)
