"""On-disk caches of work already done (repaired documents, per-document counts, mining results).

Entries live in the user's cache folder (config.cache_root), keyed by the SHA-256 of everything the work read,
so a changed input or setting simply misses. Only this tool writes there; a damaged entry is deleted and redone.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from pathlib import Path
from typing import Any

from glossary.files import write_bytes_atomic


def cache_key(*parts: Any) -> str:
    return hashlib.sha256("\0".join(map(str, parts)).encode("utf-8")).hexdigest()


def entry_path(cache_dir: Path | None, kind: str, key: str) -> Path | None:
    return cache_dir / kind / key[:2] / f"{key}.pickle" if cache_dir else None


def read_entry(path: Path | None) -> Any | None:
    if path is None or not path.is_file():
        return None
    try:
        return pickle.loads(path.read_bytes())
    except Exception:  # noqa: BLE001  (any damage: redo the work)
        path.unlink(missing_ok=True)
        return None


def write_entry(path: Path | None, value: Any) -> None:
    if path is None:
        return
    try:
        write_bytes_atomic(path, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
    except OSError:
        pass  # a read-only cache slows the next run down but must not fail this one


def code_fingerprint(*module_names: str) -> str:
    """Hash of the source of the modules (full dotted names, so a moved module is a new key) whose code shapes a
    cached value: editing or moving them invalidates the cache."""
    import importlib

    digest = hashlib.sha256()
    for name in module_names:
        module = importlib.import_module(name)
        digest.update(Path(module.__file__).read_bytes())
    return digest.hexdigest()[:16]


def settings_fingerprint(settings) -> str:
    """Hash of the settings and of the content of every data file they name (the fields typed Path: stop lists,
    patterns…), so editing a word list misses the cache as a changed setting does."""
    import dataclasses

    parts = []
    for stage in dataclasses.fields(settings):
        stage_settings = getattr(settings, stage.name)
        if not dataclasses.is_dataclass(stage_settings):
            continue  # the sources: where the values came from does not change the work
        for item in dataclasses.fields(stage_settings):
            value = getattr(stage_settings, item.name)
            if isinstance(value, Path):
                value = hashlib.sha256(value.read_bytes()).hexdigest() if value.is_file() else str(value)
            parts.append((stage.name, item.name, value))
    return cache_key(repr(parts))
