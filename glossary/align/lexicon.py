"""The word knowledge alignment adds to glossary.dictionary: UN senses of common words and the words of UN names
(`data/un_lexicon.tsv`), and the acronyms of UN bodies and missions (`data/un_acronyms.tsv`).

  align_dictionary(config)      the dictionary with the domain lexicon and the UN lexicon, one lexicon after the other
  acronym_table(config)         acronym -> English name: the UN acronyms, then the project's abbreviations over them
  is_acronym(term)              "UNMISS", "LDCs": an English term written as one acronym
  short_forms(name, forms)      the Chinese short names of a full name among `forms` (南苏丹特派团 for
                                联合国南苏丹共和国特派团)
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from pathlib import Path
from typing import Iterable

from glossary.config import AlignSettings, cache_root
from glossary.dictionary import Dictionary, load_dictionary, read_abbreviations
from glossary.files import write_text_atomic
from glossary.formats.terms import normalise_zh

ACRONYM = re.compile(r"^[A-Z][A-Z0-9\-]*[A-Z](?:s)?$")


def merged_lexicon_text(paths: Iterable[Path]) -> str:
    """The rows of several lexicon files as one file: the first file's header, then every file's rows in order
    (glossary.dictionary adds an entry's senses before those it has, so a later file's senses come first)."""
    header, rows = None, []
    for path in paths:
        lines = [line for line in Path(path).read_text(encoding="utf-8-sig").splitlines()
                 if line.strip() and not line.lstrip().startswith("#")]
        if not lines:
            continue
        header = header or lines[0]
        rows.extend(lines[1:])
    return "\n".join([header or "zh\ten\tmode\tnote", *rows]) + "\n"


def align_dictionary(config: AlignSettings) -> Dictionary:
    """glossary.dictionary's dictionary with the UN lexicon read after the domain lexicon. The two are merged into
    one file in the cache folder, named by its content, so the dictionary is built once per content and the
    shared dictionary of other stages is left as it is."""
    lexicons = [p for p in (config.domain_lexicon, config.un_lexicon) if p.is_file()]
    if len(lexicons) < 2:
        return load_dictionary(config)
    text = merged_lexicon_text(lexicons)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
    merged = cache_root() / "dictionary" / f"lexicon-{digest}.tsv"
    try:
        if not merged.is_file():
            merged.parent.mkdir(parents=True, exist_ok=True)
            write_text_atomic(merged, text)
    except OSError:  # a read-only cache: the domain lexicon alone still aligns
        return load_dictionary(config)
    return load_dictionary(dataclasses.replace(config, domain_lexicon=merged))


def acronym_table(config: AlignSettings, defined: dict[str, str] | None = None) -> dict[str, str]:
    """Acronym -> English name: the UN acronyms, then those the English of the corpus defines (`defined`), then
    the project's own abbreviations file, each overriding the one before."""
    table = dict(read_abbreviations(str(config.acronyms)))
    table.update(defined or {})
    table.update(read_abbreviations(str(config.abbreviations)))
    return table


def is_acronym(term: str) -> bool:
    """An English term that is one acronym (UNMISS, MINUSCA, LDCs), not a word in capitals of a name."""
    return bool(ACRONYM.match(term.strip()))


def pieces_of(short: str, long: str, max_pieces: int) -> int | None:
    """How few substrings of `long` make up `short` end to end (longest first), None past `max_pieces`."""
    count, at = 0, 0
    while at < len(short):
        size = next((n for n in range(len(short) - at, 0, -1) if short[at: at + n] in long), 0)
        if not size:
            return None
        count, at = count + 1, at + size
        if count > max_pieces:
            return None
    return count


def short_forms(name: str, forms: Iterable[str], min_chars: int = 3, max_pieces: int = 3) -> list[str]:
    """Forms that abbreviate a Chinese name the way UN short names do: pieces of the name (three at most, in any
    order: 荷台达协议支助团 for 联合国支助荷台达协议特派团), ending with the same word (联合国南苏丹共和国特派团 ->
    南苏丹特派团, 联合国粮食及农业组织 -> 粮农组织). A piece of the name (特派团) is no short name of it."""
    target = normalise_zh(name)
    found = []
    for form in forms:
        key = normalise_zh(form)
        if (min_chars <= len(key) < len(target) and key[-2:] == target[-2:] and key not in target
                and pieces_of(key, target, max_pieces)):
            found.append(form)
    return found
