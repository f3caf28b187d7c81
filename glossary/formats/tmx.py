"""Translation memories and XLIFF files as parallel text: the English and Chinese of each translation unit.

  read_translation_units(path)   [(English, Chinese)] of a TMX (tu/tuv/seg), XLIFF 1.2 (trans-unit/source/target)
                                 or XLIFF 2.x (segment/source/target) file, read with defusedxml (no entities, no
                                 external DTD); units without both languages are left out

Languages come from xml:lang (TMX) or the file's source and target languages (XLIFF); English is any `en*`,
Chinese any `zh*`. Inline codes (<bpt>, <ph>, <g>…) are dropped, their text too, as translation tools show them.
"""

from __future__ import annotations

import re
from pathlib import Path
from xml.etree.ElementTree import Element

from glossary.errors import InputError

TRANSLATION_MEMORY_SUFFIXES = (".tmx", ".xlf", ".xliff")
KEPT_INLINE = {"g", "mrk", "pc"}  # inline elements wrapping translatable text: their text is kept
ENCODING_DECLARATION = re.compile(rb"^(?:\xef\xbb\xbf)?<\?xml[^>]*?encoding\s*=\s*[\"']([^\"']+)[\"']")
XML_DECLARATION = re.compile(r"^\ufeff?<\?xml[^>]*\?>")


def local_name(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def language_side(lang: str | None) -> str | None:
    lang = (lang or "").lower()
    return "zh" if lang.startswith("zh") else "en" if lang.startswith("en") else None


def element_text(element: Element) -> str:
    """The text of a segment without its inline codes (kept: the text inside <g>, <mrk>, <pc>)."""
    parts = [element.text or ""]
    for child in element:
        if local_name(child.tag) in KEPT_INLINE:
            parts.append(element_text(child))
        parts.append(child.tail or "")
    return " ".join("".join(parts).split())


def parse_xml(data: bytes, path: Path) -> Element:
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import ParseError, fromstring

    try:
        try:
            return fromstring(data, forbid_dtd=False)
        except ValueError as exc:  # expat reads UTF-8, UTF-16 and single-byte encodings only (not GB18030, Big5)
            if "multi-byte" not in str(exc):
                raise
            declared = ENCODING_DECLARATION.match(data)
            if declared is None:
                raise InputError(path, "the XML is in an encoding expat cannot read and declares none") from None
            text = data.decode(declared.group(1).decode("ascii", "replace"))
            return fromstring(XML_DECLARATION.sub("", text, count=1), forbid_dtd=False)
    except LookupError as exc:
        raise InputError(path, f"the XML declares an unknown encoding ({exc})") from None
    except UnicodeDecodeError as exc:
        raise InputError(path, f"not valid in its declared encoding (byte {exc.start})") from None
    except ParseError as exc:
        raise InputError(path, f"not well-formed XML ({exc})") from None
    except DefusedXmlException as exc:
        raise InputError(path, f"refused: the XML declares entities or loads external ones ({type(exc).__name__})") \
            from None


def read_translation_units(path: Path) -> list[tuple[str, str]]:
    """(English, Chinese) of every translation unit of a TMX or XLIFF file that has both."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(path, f"cannot read file ({exc.strerror or exc})") from None
    root = parse_xml(data, path)
    if local_name(root.tag) not in ("tmx", "xliff"):
        raise InputError(path, f"not a TMX or XLIFF file (its root element is <{local_name(root.tag)}>)")
    units: list[tuple[str, str]] = []
    if local_name(root.tag) == "tmx":
        for unit in root.iter():
            if local_name(unit.tag) != "tu":
                continue
            sides: dict[str, str] = {}
            for variant in unit:
                if local_name(variant.tag) != "tuv":
                    continue
                lang = variant.get("{http://www.w3.org/XML/1998/namespace}lang") or variant.get("lang")
                segment = next((c for c in variant if local_name(c.tag) == "seg"), None)
                side = language_side(lang)
                if side and segment is not None:
                    sides.setdefault(side, element_text(segment))
            if sides.get("en") and sides.get("zh"):
                units.append((sides["en"], sides["zh"]))
        return units
    # XLIFF: the file's languages (1.2: <file source-language target-language>; 2.x: <xliff srcLang trgLang>)
    languages = {"source": root.get("srcLang"), "target": root.get("trgLang")}
    for element in root.iter():
        name = local_name(element.tag)
        if name == "file" and element.get("source-language"):
            languages = {"source": element.get("source-language"), "target": element.get("target-language")}
        if name not in ("trans-unit", "segment"):
            continue
        sides = {}
        for child in element:
            role = local_name(child.tag)
            if role in ("source", "target"):
                side = language_side(languages[role]) or ("en" if role == "source" else "zh")
                sides.setdefault(side, element_text(child))
        if sides.get("en") and sides.get("zh"):
            units.append((sides["en"], sides["zh"]))
    return units
