"""Domain errors. Raised deep, turned into one message and one exit code in `cli.py`."""

from __future__ import annotations


class AuditorError(Exception):
    """Base of every error the user should see as one clear line (never a traceback)."""

    exit_code = 1
    tip: str | None = None

    def __init__(self, message: str, *, tip: str | None = None) -> None:
        super().__init__(message)
        if tip is not None:
            self.tip = tip


class UsageError(AuditorError):
    """The command was called wrongly (unknown audit id, bad argument)."""

    exit_code = 2


class ConfigError(UsageError):
    """The config file is missing or invalid. The message names the file, the key and the problem."""


class StorageError(UsageError):
    """The database or the reports directory cannot be used as asked."""


class DatabaseBusy(StorageError):
    """Another audit holds the database."""


class ReportError(StorageError):
    """A report could not be written (unwritable directory, disk full)."""


class SandboxError(AuditorError):
    """The sandbox could not start or its scenario is invalid."""

    exit_code = 2


class FetchRefused(AuditorError):
    """The HTTP layer refused a URL before sending anything (scheme, private address, too many redirects)."""

    attempts = 0
    """Requests the fetch had sent before the refusal (the hops before a redirect to a refused address)."""


class ResponseTooLarge(AuditorError):
    """A body went over the size cap, raw or once decompressed."""

    attempts = 0
    """Requests the fetch sent, this one included."""


class FetchError(Exception):
    """A request that produced no usable response. `kind` is recorded as the reason."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.attempts = 0
        """Requests of the failed fetch that reached the wire (retries and redirect hops included)."""


def attempts_of(exc: BaseException) -> int:
    """Requests a failed `HttpClient.fetch` sent before it raised `exc` (0 when none left the machine)."""
    value = getattr(exc, "attempts", 0)
    return value if isinstance(value, int) else 0
