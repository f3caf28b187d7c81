"""Settings: one typed object per stage, resolved once.

Every default is written once, in `data/defaults.toml` (shipped as the package `glossary.data`). The command-line
tool calls `load_settings(Path.cwd())` once: the defaults, then the `[tool.glossary]` table of the nearest
pyproject.toml above the working folder, key by key; it passes the result down. The library never reads the
working folder on its own: a function called without settings uses `default_settings()`, the shipped defaults.

Keys stay flat in TOML (`check_word_choice`, `align_min_score`, `stopwords`), as users write them; each belongs to
one stage's dataclass, named there without the stage's prefix (`settings.check.word_choice`). A field typed `Path`
names a data file, resolved against the folder of the file that set it: no guessing by the value's ending.
"""

from __future__ import annotations

import dataclasses
import functools
import os
import sys
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, ClassVar, get_type_hints

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

from glossary.errors import InputError

DATA_DIR = Path(str(resources.files("glossary.data")))
SEEDS_DIR = Path(str(resources.files("glossary.seeds")))
DEFAULTS_FILE = DATA_DIR / "defaults.toml"


def _key(key: str) -> Any:
    """A field whose TOML key is not the stage prefix plus its name."""
    return field(metadata={"key": key})


@dataclass(frozen=True)
class CorpusSettings:
    """Reading and repair (glossary.corpus)."""

    PREFIX: ClassVar[str] = ""
    rejoin_broken_lines: bool
    detach_footnote_markers: bool
    separate_footnotes: bool
    remove_boilerplate: bool
    fold_width: bool
    to_simplified: bool
    boilerplate_patterns: Path
    boilerplate_min_docs: int
    boilerplate_min_chars: int
    boilerplate_min_share: float
    collapse_number_spaces: bool
    organs: Path
    max_paragraph_chars: int
    document_max_bytes: int
    archive_max_unpacked_bytes: int
    archive_max_ratio: float
    pdf_max_pages: int
    pdf_max_page_objects: int
    pdf_max_decoded_bytes: int
    pdf_max_seconds: float


@dataclass(frozen=True)
class MiningSettings:
    """Term mining (glossary.mining)."""

    PREFIX: ClassVar[str] = ""
    stopwords: Path
    generic_words: Path
    internal_words: Path
    pos_overrides: Path
    user_dict: Path
    name_prefixes: Path
    verb_suffixes: Path
    excluded_candidates: Path
    light_heads: Path
    min_freq: int
    max_candidates: int
    max_term_tokens: int
    max_term_chars: int
    single_word_max_zipf: float
    verb_start_max_zipf: float
    variant_ignored_chars: str
    single_word_weight: float
    phrase_part_min_independence: float
    phrase_max_dice: float
    attributive_weight: float
    light_head_weight: float
    predicate_weight: float
    verb_phrase_weight: float
    heading_min_share: float
    heading_weight: float
    misspelt_weight: float
    before_number_min_share: float
    before_number_weight: float
    cut_end_weight: float
    reference_weight: float
    title_piece_min_share: float
    title_piece_weight: float
    organisation_weight: float
    verbal_weight: float
    quality_weight: float
    generic_head_min_extensions: int
    generic_head_min_zipf: float
    generic_head_weight: float
    generic_kind_weight: float
    glued_min_share: float
    glued_weight: float
    instance_weight: float
    place_weight: float
    common_word_min_zipf: float
    common_word_weight: float
    reorder_scan_max_chars: int


@dataclass(frozen=True)
class AlignSettings:
    """Alignment with the curated English terms (glossary.align)."""

    PREFIX: ClassVar[str] = "align_"
    terms: Path = _key("terms")
    domain_lexicon: Path = _key("domain_lexicon")
    abbreviations: Path = _key("abbreviations")
    english_morphology: Path = _key("english_morphology")
    min_score: float
    min_english_coverage: float
    single_char_weight: float
    head_penalty: float
    coordination_penalty: float
    name_credit: float
    independence_weight: float
    mined_weight: float
    alternatives: int
    alternative_min_ratio: float
    candidate_limit: int
    max_span_tokens: int
    max_span_chars: int
    parallel_min_dice: float
    parallel_min_joint: int
    parallel_min_balance: float
    parallel_min_english_coverage: float
    sentence_length_ratio: float
    sentence_length_variance: float
    sentence_anchor_weight: float
    un_lexicon: Path
    acronyms: Path
    calibration: Path
    min_probability: float


@dataclass(frozen=True)
class ReviewSettings:
    """Versioned glossaries: build, diff, and the limits for reading a reviewed workbook (an untrusted file)."""

    PREFIX: ClassVar[str] = ""
    build_max_candidates: int
    build_lock_timeout: float
    build_lock_stale_after: float
    workbook_changes_min_score_delta: float
    workbook_max_bytes: int
    workbook_max_uncompressed_bytes: int
    workbook_max_rows: int
    workbook_max_columns: int


@dataclass(frozen=True)
class ExportSettings:
    """Exports for translation tools (glossary.formats.export)."""

    PREFIX: ClassVar[str] = "export_"
    chinese_code: str


@dataclass(frozen=True)
class CheckSettings:
    """The CI check (glossary.check)."""

    PREFIX: ClassVar[str] = "check_"
    severity_deprecated_variant: str
    severity_unlisted_variant: str
    severity_deprecated_term: str
    severity_key_term_mismatch: str
    severity_inconsistent_translation: str
    ignore_marker: str
    variant_min_chars: int
    word_choice: bool
    reorderings: bool
    across_line_breaks: bool
    rejected_as_deprecated: bool
    info_below: float
    particles: str = _key("variant_ignored_chars")


@dataclass(frozen=True)
class RunSettings:
    """How the work runs: worker processes and shards (glossary.parallel, glossary.mining.count)."""

    PREFIX: ClassVar[str] = ""
    parallel_min_chars: int
    shard_chars: int
    merge_memory_mb: int
    held_documents_max_chars: int


STAGES: dict[str, type] = {
    "corpus": CorpusSettings,
    "mining": MiningSettings,
    "align": AlignSettings,
    "review": ReviewSettings,
    "export": ExportSettings,
    "check": CheckSettings,
    "run": RunSettings,
}


@dataclass(frozen=True)
class Settings:
    """Every stage's settings, and the files they were read from (for the About sheet)."""

    corpus: CorpusSettings
    mining: MiningSettings
    align: AlignSettings
    review: ReviewSettings
    export: ExportSettings
    check: CheckSettings
    run: RunSettings
    sources: tuple[str, ...] = ()

    def flat(self) -> dict[str, Any]:
        """Every setting under its TOML key, paths as strings: what the About sheet and cache keys record."""
        values: dict[str, Any] = {}
        for stage in STAGES:
            stage_settings = getattr(self, stage)
            for item in dataclasses.fields(stage_settings):
                value = getattr(stage_settings, item.name)
                values[toml_key(type(stage_settings), item)] = str(value) if isinstance(value, Path) else value
        return values

    def replace(self, **flat_values: Any) -> "Settings":
        """A copy with some settings changed, given by their TOML keys (tests, benchmarks); a relative file name
        is relative to the data folder, as in defaults.toml."""
        values = self.flat()
        unknown = set(flat_values) - set(values)
        if unknown:
            raise KeyError(f"unknown settings: {', '.join(sorted(unknown))}")
        values.update(flat_values)
        return _build(values, {}, self.sources)


def toml_key(stage: type, item: dataclasses.Field) -> str:
    return item.metadata.get("key") or stage.PREFIX + item.name


@functools.lru_cache(maxsize=None)
def _field_types(stage: type) -> dict[str, Any]:
    return get_type_hints(stage)


def _coerce(value: Any, kind: Any, key: str, base: Path, origin: str) -> Any:
    """A TOML value as the field's type; a relative path is relative to the folder of the file that set it."""
    if kind is Path:
        if not isinstance(value, str) or not value:
            raise InputError(origin, f"[tool.glossary] {key} = {value!r}: expected a file name")
        return (base / value).resolve()
    if kind is bool:
        if not isinstance(value, bool):
            raise InputError(origin, f"[tool.glossary] {key} = {value!r}: expected true or false")
        return value
    if kind in (int, float):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or (kind is int and value != int(value)):
            raise InputError(origin, f"[tool.glossary] {key} = {value!r}: expected a number")
        return kind(value)
    if not isinstance(value, str):
        raise InputError(origin, f"[tool.glossary] {key} = {value!r}: expected a string")
    return value


def _build(values: dict[str, Any], bases: dict[str, Path], sources: tuple[str, ...],
           origins: dict[str, str] | None = None) -> Settings:
    origins = origins or {}
    stages = {}
    for stage_name, stage in STAGES.items():
        types = _field_types(stage)
        arguments = {}
        for item in dataclasses.fields(stage):
            key = toml_key(stage, item)
            value = values[key]  # load_settings made sure every key has a default
            if isinstance(value, Path):  # already resolved (Settings.replace)
                arguments[item.name] = value
                continue
            arguments[item.name] = _coerce(value, types[item.name], key, bases.get(key, DATA_DIR),
                                           origins.get(key, str(DEFAULTS_FILE)))
        stages[stage_name] = stage(**arguments)
    return Settings(**stages, sources=sources)


def _read_table(path: Path, *, whole_file: bool) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            document = tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(path, f"not valid TOML ({exc})") from None
    except OSError as exc:
        raise InputError(path, f"cannot read ({exc.strerror})") from None
    table = document if whole_file else document.get("tool", {}).get("glossary", {})
    if not isinstance(table, dict):
        raise InputError(path, "[tool.glossary] is not a table")
    return table


def all_keys() -> set[str]:
    return {toml_key(stage, item) for stage in STAGES.values() for item in dataclasses.fields(stage)}


def find_pyproject(start: Path) -> Path | None:
    """The nearest pyproject.toml at or above `start`."""
    here = start.resolve()
    for folder in [here, *here.parents]:
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            return candidate
    return None


def load_settings(start: Path | None = None) -> Settings:
    """The shipped defaults, overridden key by key by the [tool.glossary] table of the nearest pyproject.toml at or
    above `start` (the CLI passes the working folder; without `start`, the defaults alone). An unknown key or a
    value of the wrong type stops with the file and key named."""
    values = dict(_read_table(DEFAULTS_FILE, whole_file=True))
    missing_defaults = all_keys() - set(values)
    if missing_defaults:
        raise InputError(DEFAULTS_FILE, f"no default for {', '.join(sorted(missing_defaults))}")
    bases: dict[str, Path] = {}
    origins: dict[str, str] = {}
    sources = [str(DEFAULTS_FILE)]
    pyproject = find_pyproject(start) if start is not None else None
    if pyproject is not None:
        table = _read_table(pyproject, whole_file=False)
        unknown = set(table) - all_keys()
        if unknown:
            raise InputError(pyproject, f"[tool.glossary] has unknown settings: {', '.join(sorted(unknown))}")
        if table:
            sources.append(str(pyproject))
        for key, value in table.items():
            values[key] = value
            bases[key] = pyproject.parent
            origins[key] = str(pyproject)
    return _build(values, bases, tuple(sources), origins)


@functools.lru_cache(maxsize=1)
def default_settings() -> Settings:
    """The shipped defaults: what a library function uses when its caller passes no settings."""
    return load_settings(None)


def cache_root() -> Path:
    """Where caches live: $GLOSSARY_CACHE, else $XDG_CACHE_HOME/glossary, else ~/.cache/glossary."""
    base = os.environ.get("GLOSSARY_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "glossary"
    )
    return Path(base)
