"""Compiled report templates kept between runs: jinja compiles its 16 templates in about 0.1 s of CPU, every
report pays it, and the compiled code only changes when a template or the Environment changes.

jinja's own `FileSystemBytecodeCache` does the work (in the temporary directory, a folder only this user may
read or write; a template whose source changed is compiled again, as its checksum is part of the entry).
Two things are added: the entries are named after the Environment's options too (a digest of the module
that builds it, and jinja's version), so that a changed option never runs code compiled under the old one;
and a cache that cannot be used is no error: the templates are compiled as if there were none.
"""

from __future__ import annotations

import contextlib
import hashlib
from pathlib import Path

import jinja2
from jinja2.bccache import Bucket, BytecodeCache, FileSystemBytecodeCache


class _ForgivingCache(FileSystemBytecodeCache):
    def load_bytecode(self, bucket: Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except (OSError, EOFError, ValueError, TypeError):
            bucket.reset()  # unreadable or truncated: compiled again, and written again

    def dump_bytecode(self, bucket: Bucket) -> None:
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


def compiled_templates(environment_module: str) -> BytecodeCache | None:
    """The cache for the Environment built in the file `environment_module`; None where none can be kept."""
    try:
        source = Path(environment_module).read_bytes()
        salt = hashlib.sha256(source + jinja2.__version__.encode()).hexdigest()[:16]
        return _ForgivingCache(pattern=f"auditor-{salt}-%s.cache")
    except (OSError, RuntimeError):  # no safe temporary directory (jinja checks its owner and mode)
        return None
