"""SQLite history: every audit, its raw responses (compressed), and the migrations that shaped the schema."""

from __future__ import annotations

from auditor.store.database import DEFAULT_LOCK_WAIT, AuditRow, ScorePoint, Store
from auditor.store.migrations import MIGRATIONS, migrate
from auditor.store.raw import RawRecord

__all__ = ["DEFAULT_LOCK_WAIT", "MIGRATIONS", "AuditRow", "RawRecord", "ScorePoint", "Store", "migrate"]
