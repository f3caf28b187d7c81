"""A PDF's text layer, extracted within bounds: a PDF is an untrusted file.

pdfminer decompresses every stream it needs whole, in one call: a few MB of compressed zeros become gigabytes; and
its tokenizer copies a token again for every 4 KB it grows, so one token of 30 MB takes most of a minute. While a
document's text is extracted, pdfminer's decoders are swapped for ones that count the bytes they produce against a
budget for the whole document, its parsers' stacks are bounded, and the extraction stops past a number of pages,
of objects (characters, lines, images) on one page, or of seconds.

    extract_pdf_text(data, limits) -> str     (raises PdfLimitReached; pdfminer's own errors pass through)
"""

from __future__ import annotations

import io
import signal
import threading
import zlib
from contextlib import contextmanager
from typing import Iterator

from glossary.config import CorpusSettings


class PdfLimitReached(BaseException):
    """A limit stopped the extraction. A BaseException, so that pdfminer's `except Exception` (it recovers from
    damaged objects that way) cannot swallow it and go on."""


class _Budget:
    """The bytes the decoders may still produce for this document."""

    def __init__(self, left: int):
        self.total = left
        self.left = left

    def take(self, produced: int) -> None:
        self.left -= produced
        if self.left < 0:
            raise PdfLimitReached(f"its streams unpack to more than pdf_max_decoded_bytes ({self.total:,}): "
                                  f"a decompression bomb, or raise the setting")


# decompressed a piece at a time, each counted before the next is made: a bomb stops a piece past the budget
_PIECE = 16 << 20


def _inflate(decompressor, data: bytes, budget: _Budget) -> bytes:
    pieces = []
    while True:
        piece = decompressor.decompress(data, _PIECE)
        budget.take(len(piece))
        pieces.append(piece)
        data = decompressor.unconsumed_tail
        if not data and len(piece) < _PIECE:   # input used up and no output held back
            return b"".join(pieces)


class _BoundedZlib:
    """What pdfminer.pdftypes uses of the zlib module, with every output counted."""

    error = zlib.error

    def __init__(self, budget: _Budget):
        self.budget = budget

    def decompress(self, data: bytes) -> bytes:
        decompressor = zlib.decompressobj()
        out = _inflate(decompressor, data, self.budget)
        if not decompressor.eof:
            raise zlib.error("incomplete or truncated stream")  # as zlib.decompress: pdfminer then tries recovery
        return out

    def decompressobj(self, *args):
        return zlib.decompressobj(*args)


def _bounded_decoders(budget: _Budget) -> dict[str, object]:
    """Replacements for the names pdfminer.pdftypes decodes streams with."""
    from pdfminer.lzw import LZWDecoder

    def decompress_corrupted(data: bytes) -> bytes:
        # pdfminer's own feeds the bytes one at a time, each output appended to a growing bytes (quadratic); the
        # same result: what decompresses before the last 3 bytes (the checksum may be damaged) must be sound
        decompressor = zlib.decompressobj()
        out = _inflate(decompressor, data[:-3], budget)
        try:
            out += _inflate(decompressor, data[-3:], budget)
        except zlib.error:
            pass
        return out

    def lzwdecode(data: bytes) -> bytes:
        chunks = []
        for chunk in LZWDecoder(io.BytesIO(data)).run():
            budget.take(len(chunk))
            chunks.append(chunk)
        return b"".join(chunks)

    def rldecode(data: bytes) -> bytes:
        # PDF Reference 3.3.4: a length byte 0-127 copies the next n+1 bytes, 129-255 repeats the next byte 257-n
        # times, 128 ends the data
        out = bytearray()
        at = 0
        while at < len(data) and data[at] != 128:
            length = data[at]
            if length < 128:
                piece = data[at + 1:at + 2 + length]
                at += length + 2
            else:
                piece = data[at + 1:at + 2] * (257 - length)
                at += 2
            budget.take(len(piece))
            out += piece
        return bytes(out)

    return {"zlib": _BoundedZlib(budget), "decompress_corrupted": decompress_corrupted, "lzwdecode": lzwdecode,
            "rldecode": rldecode}


# an array or dictionary holding more elements than this (a CID font's widths hold tens of thousands), or objects
# nested deeper, is not a document's: each element costs about a hundred bytes, each level more
MAX_OBJECT_ELEMENTS = 500_000
MAX_NESTING = 256


def _bounded_parser_methods() -> dict[str, object]:
    """Replacements for the methods of pdfminer's PSStackParser (every parser of files, streams and content) that
    grow its stacks: an unterminated '[0 0 0 ...' or '[[[[...' of a few MB would take gigabytes."""
    from pdfminer.psparser import PSStackParser

    push, start_type = PSStackParser.push, PSStackParser.start_type

    def bounded_push(self, *objs):
        push(self, *objs)
        if len(self.curstack) > MAX_OBJECT_ELEMENTS:
            raise PdfLimitReached(f"an array or dictionary holds more than {MAX_OBJECT_ELEMENTS:,} elements")

    def bounded_start_type(self, pos, type):
        if len(self.context) >= MAX_NESTING:
            raise PdfLimitReached(f"objects nested more than {MAX_NESTING} deep")
        start_type(self, pos, type)

    return {"push": bounded_push, "start_type": bounded_start_type}


_patch_lock = threading.Lock()


@contextmanager
def _swapped(target, replacements: dict[str, object]) -> Iterator[None]:
    originals = {name: getattr(target, name) for name in replacements}
    for name, value in replacements.items():
        setattr(target, name, value)
    try:
        yield
    finally:
        for name, value in originals.items():
            setattr(target, name, value)


@contextmanager
def _bounded_pdfminer(max_decoded_bytes: int) -> Iterator[None]:
    """pdfminer with its stream decoders counting against `max_decoded_bytes` and its parsers' stacks bounded."""
    from pdfminer import pdftypes
    from pdfminer.psparser import PSStackParser

    decoders = _bounded_decoders(_Budget(max_decoded_bytes))
    with _patch_lock, _swapped(pdftypes, decoders), _swapped(PSStackParser, _bounded_parser_methods()):
        yield  # module and class attributes: one extraction at a time swaps them


@contextmanager
def _deadline(seconds: float) -> Iterator[None]:
    """Raise PdfLimitReached after `seconds`: nothing else interrupts pdfminer inside one slow token. Only where a
    timer can be set without disturbing anyone: the main thread, no other timer running (else no deadline)."""
    if (seconds <= 0 or not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread()
            or signal.getitimer(signal.ITIMER_REAL)[0] > 0):
        yield
        return

    def expire(signum, frame):
        raise PdfLimitReached(f"extracting its text took more than pdf_max_seconds ({seconds:g})")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


# operands waiting for an operator: an operator takes at most seven, so more are strays (an operator pdfminer does
# not know leaves its operands behind); the oldest are dropped rather than kept growing without end
MAX_WAITING_OPERANDS = 1000


def _text_device_and_interpreter(manager, output, max_page_objects: int):
    """pdfminer's TextConverter (what extract_text uses) counting what each page holds (characters, lines, shapes,
    images are each an object until the page is laid out, and laying out is slower than linear in them), and
    a PDFPageInterpreter whose operand stack stays short."""
    from pdfminer.converter import TextConverter
    from pdfminer.layout import LAParams
    from pdfminer.pdfinterp import PDFPageInterpreter

    class CountingTextConverter(TextConverter):
        page_objects = 0

        def _count(self) -> None:
            self.page_objects += 1
            if self.page_objects > max_page_objects:
                raise PdfLimitReached(f"a page holds more than pdf_max_page_objects ({max_page_objects:,}) "
                                      f"characters, lines and images")

        def begin_page(self, page, ctm):
            self.page_objects = 0
            super().begin_page(page, ctm)

        def render_char(self, *args, **kwargs):
            self._count()
            return super().render_char(*args, **kwargs)

        def paint_path(self, *args, **kwargs):
            self._count()
            return super().paint_path(*args, **kwargs)

        def render_image(self, *args, **kwargs):
            self._count()
            return super().render_image(*args, **kwargs)

    class ShortStackInterpreter(PDFPageInterpreter):
        def push(self, obj) -> None:
            if len(self.argstack) >= MAX_WAITING_OPERANDS:
                del self.argstack[:-10]
            self.argstack.append(obj)

    device = CountingTextConverter(manager, output, laparams=LAParams())
    return device, ShortStackInterpreter(manager, device)


def extract_pdf_text(data: bytes, limits: CorpusSettings) -> str:
    """The text of a PDF as pdfminer's extract_text gives it, pages ended by a form feed."""
    from pdfminer.pdfinterp import PDFResourceManager
    from pdfminer.pdfpage import PDFPage

    output = io.StringIO()
    _, interpreter = _text_device_and_interpreter(PDFResourceManager(), output, limits.pdf_max_page_objects)
    with _bounded_pdfminer(limits.pdf_max_decoded_bytes), _deadline(limits.pdf_max_seconds):
        for number, page in enumerate(PDFPage.get_pages(io.BytesIO(data)), start=1):
            if number > limits.pdf_max_pages:
                raise PdfLimitReached(f"more than pdf_max_pages ({limits.pdf_max_pages:,}) pages")
            interpreter.process_page(page)
    return output.getvalue()
