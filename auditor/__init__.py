"""auditor: a personal-brand search-visibility auditor."""

__version__ = "0.1.0"
USER_AGENT = f"auditor/{__version__} (+https://github.com/auditor-project/auditor)"
