"""Settings: defaults from the project's own pyproject.toml, overridden by the nearest [tool.glossary] table;
and how the work runs: collector_paused, run_beside."""

from __future__ import annotations

import contextlib
import gc
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

from glossary.errors import InputError

def _project_root() -> Path:
    """The checkout (an editable install) or, for an installed wheel, the copies it placed under
    <prefix>/share/glossary: the default settings (pyproject.toml), data/ and seeds/."""
    checkout = Path(__file__).resolve().parent.parent
    if (checkout / "pyproject.toml").is_file() and (checkout / "data").is_dir():
        return checkout
    installed = Path(sys.prefix) / "share" / "glossary"
    return installed if (installed / "pyproject.toml").is_file() else checkout


PROJECT_ROOT = _project_root()
DATA_DIR = PROJECT_ROOT / "data"
SEEDS_DIR = PROJECT_ROOT / "seeds"


def _read_tool_table(pyproject: Path) -> dict[str, Any]:
    try:
        with pyproject.open("rb") as handle:
            return tomllib.load(handle).get("tool", {}).get("glossary", {})
    except tomllib.TOMLDecodeError as exc:
        raise InputError(pyproject, f"not valid TOML ({exc})") from None


def _resolve_paths(table: dict[str, Any], base: Path) -> dict[str, Any]:
    """Values naming data files are relative to the pyproject.toml that sets them."""
    resolved = {}
    for key, value in table.items():
        if isinstance(value, str) and (value.startswith("data/") or value.endswith((".txt", ".csv", ".tsv"))):
            resolved[key] = str((base / value).resolve())
        else:
            resolved[key] = value
    return resolved


@dataclass
class Settings:
    values: dict[str, Any] = field(default_factory=dict)
    sources: list[str] = field(default_factory=list)

    def __getitem__(self, key: str) -> Any:
        return self.values[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self.values.get(key, default)

    def path(self, key: str) -> Path:
        return Path(self.values[key])


def load_settings(start: Path | None = None, overrides: dict[str, Any] | None = None) -> Settings:
    """Defaults from this project's pyproject.toml, then the nearest other pyproject.toml above `start`."""
    defaults_file = PROJECT_ROOT / "pyproject.toml"
    values = _resolve_paths(_read_tool_table(defaults_file), PROJECT_ROOT)
    sources = [str(defaults_file)]
    here = (start or Path.cwd()).resolve()
    for folder in [here, *here.parents]:
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            if candidate.resolve() != defaults_file.resolve():
                values.update(_resolve_paths(_read_tool_table(candidate), folder))
                sources.append(str(candidate))
            break
    if overrides:
        values.update(overrides)
    return Settings(values, sources)


def cache_root() -> Path:
    """Where caches live: $GLOSSARY_CACHE, else $XDG_CACHE_HOME/glossary, else ~/.cache/glossary."""
    import os

    base = os.environ.get("GLOSSARY_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "glossary"
    )
    return Path(base)


@contextlib.contextmanager
def collector_paused():
    """Python's cycle collector paused while a corpus is built and mined: its millions of objects (paragraphs,
    counts) would otherwise set off full collections that scan them all, again and again, for nothing (reference
    counting frees what this work discards). Worker processes forked meanwhile inherit the pause. The previous
    state returns on exit, so nested uses are safe."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def run_beside(function, *args, fork: bool = True):
    """Start function(*args) in a forked process, which reads this process's memory (a corpus) without copying
    it, and return a callable that waits for its result. The second core then works while this one goes on.
    Without fork (not Linux, or fork=False) the function runs at once, in this process."""
    import multiprocessing

    if not fork or sys.platform != "linux":
        result = function(*args)
        return lambda: result
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_send_result, args=(sender, function, args), daemon=True)
    process.start()
    sender.close()

    def wait():
        try:
            ok, value = receiver.recv()
        except EOFError:  # the process died without a word (killed): do the work here
            ok, value = True, function(*args)
        process.join()
        if not ok:
            raise value
        return value

    return wait


def _send_result(sender, function, args) -> None:
    try:
        sender.send((True, function(*args)))
    except BaseException as error:  # noqa: BLE001  (handed to the parent, which raises it)
        sender.send((False, error))
