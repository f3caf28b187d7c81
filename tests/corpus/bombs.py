"""Decompression bombs for the tests (a few MB that unpack to gigabytes, made in a fraction of a second), and how
much memory a command takes on one.

A deflate compressor that is fully flushed starts afresh, so every further copy of the same block compresses to the
same bytes: the compressed form of a block repeated N times is its first copy, N - 1 copies of the second, and the
end of the stream; nothing is compressed N times. Imported by tests elsewhere as `corpus.bombs`.
"""

from __future__ import annotations

import io
import struct
import subprocess
import sys
import zlib
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Deflated:
    """Raw deflate data and what it unpacks to."""

    data: bytes
    size: int        # bytes once unpacked
    crc: int         # zip's CRC-32 of those bytes (0 when not computed: the tests refuse before reading)
    adler: int       # zlib's Adler-32 of those bytes


def _adler32_combine(first: int, second: int, second_length: int) -> int:
    """zlib's adler32_combine: the Adler-32 of two byte strings joined, from theirs."""
    base = 65521
    remainder = second_length % base
    sum1 = first & 0xFFFF
    sum2 = (remainder * sum1) % base
    sum1 = (sum1 + (second & 0xFFFF) + base - 1) % base
    sum2 = (sum2 + ((first >> 16) & 0xFFFF) + ((second >> 16) & 0xFFFF) + base - remainder) % base
    return sum1 | (sum2 << 16)


def deflate_repeated(head: bytes, block: bytes, repeats: int, tail: bytes, crc: bool = False) -> Deflated:
    """head + block * repeats + tail, deflated (raw, no zlib header) without compressing every copy of block."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    start = compressor.compress(head) + compressor.flush(zlib.Z_FULL_FLUSH)
    first = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
    again = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
    assert compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH) == again
    data = start + first + again * (repeats - 2) + compressor.compress(tail) + compressor.flush()
    size = len(head) + len(block) * repeats + len(tail)
    adler = zlib.adler32(head)
    block_adler = zlib.adler32(block)
    for _ in range(repeats):
        adler = _adler32_combine(adler, block_adler, len(block))
    adler = _adler32_combine(adler, zlib.adler32(tail), len(tail))
    checksum = 0
    if crc:  # as slow as unpacking (a gigabyte a second or so): only for measuring what the bomb did before
        checksum = zlib.crc32(head)
        for _ in range(repeats):
            checksum = zlib.crc32(block, checksum)
        checksum = zlib.crc32(tail, checksum)
    return Deflated(data, size, checksum, adler)


def deflated(data: bytes) -> Deflated:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return Deflated(compressor.compress(data) + compressor.flush(), len(data), zlib.crc32(data), zlib.adler32(data))


def zip_archive(members: dict[str, Deflated | bytes], declared_sizes: dict[str, int] | None = None) -> bytes:
    """A zip archive of deflated members (bytes are deflated here). `declared_sizes`: sizes the central directory
    states instead of the true ones (an archive that lies about what it unpacks to)."""
    declared_sizes = declared_sizes or {}
    out, central = bytearray(), bytearray()
    for name, member in members.items():
        member = deflated(member) if isinstance(member, bytes) else member
        encoded, offset = name.encode(), len(out)
        size = declared_sizes.get(name, member.size)
        out += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0, member.crc, len(member.data), size,
                           len(encoded), 0) + encoded + member.data
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0, member.crc, len(member.data),
                               size, len(encoded), 0, 0, 0, 0, 0, offset) + encoded
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(central), len(out), 0)
    return bytes(out + central + end)


# a run of one byte: deflate's best case, about 1000 to 1
RUN = b" " * (1 << 20)


def _repeats_for(megabytes_packed: float) -> int:
    """How many copies of RUN deflate to about `megabytes_packed` MB."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    compressor.compress(RUN)
    compressor.flush(zlib.Z_FULL_FLUSH)
    per_copy = len(compressor.compress(RUN) + compressor.flush(zlib.Z_FULL_FLUSH))
    return max(3, int(megabytes_packed * 1_000_000 / per_copy))


def _package_parts(make) -> dict[str, bytes]:
    import zipfile

    buffer = io.BytesIO()
    make(buffer)
    with zipfile.ZipFile(buffer) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _bomb_archive(parts: dict[str, bytes], name: str, after: str, megabytes_packed: float, crc: bool,
                  declared_size: int | None) -> bytes:
    """`parts` with member `name` swollen by spaces (ignorable XML whitespace) right after `after`."""
    xml = parts[name]
    at = xml.index(after.encode()) + len(after)
    members: dict[str, Deflated | bytes] = dict(parts)
    members[name] = deflate_repeated(xml[:at], RUN, _repeats_for(megabytes_packed), xml[at:], crc)
    return zip_archive(members, {name: declared_size} if declared_size is not None else None)


def docx_bomb(megabytes_packed: float = 4.0, crc: bool = False, declared_size: int | None = None) -> bytes:
    """A .docx of about `megabytes_packed` MB whose word/document.xml unpacks to about 1000 times that (python-docx
    reads it whole). `declared_size`: what the archive claims it unpacks to, instead of the truth."""
    from docx import Document

    def make(buffer):
        document = Document()
        document.add_paragraph("工业发展理事会")
        document.save(buffer)

    return _bomb_archive(_package_parts(make), "word/document.xml", "<w:body>", megabytes_packed, crc, declared_size)


def xlsx_bomb(megabytes_packed: float = 4.0, crc: bool = False, declared_size: int | None = None) -> bytes:
    """A terms .xlsx of about `megabytes_packed` MB whose first sheet unpacks to about 1000 times that."""
    from openpyxl import Workbook

    def make(buffer):
        workbook = Workbook()
        workbook.active.append(["en", "zh"])
        workbook.active.append(["industrial development", "工业发展"])
        workbook.save(buffer)

    return _bomb_archive(_package_parts(make), "xl/worksheets/sheet1.xml", "<sheetData>", megabytes_packed, crc,
                         declared_size)


def pdf_with_stream(content: Deflated | bytes, filters: str = "/FlateDecode") -> bytes:
    """A one-page PDF whose content stream is `content` (zlib data made from a Deflated one, else as given)."""
    if isinstance(content, Deflated):
        # zlib framing around the raw deflate data: header, data, Adler-32 (big-endian)
        stream = b"\x78\xda" + content.data + struct.pack(">I", content.adler)
    else:
        stream = content
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d /Filter %s >>\nstream\n" % (len(stream), filters.encode()) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


TEXT_OPERATORS = b"BT /F1 12 Tf 72 712 Td (Industrial development) Tj ET\n"


def pdf_bomb(megabytes_packed: float = 4.0, run: bytes = RUN) -> bytes:
    """A PDF of about `megabytes_packed` MB whose one content stream is a line of text and then a run of spaces
    (or of `run`: zeros make one number token as long as the run) unpacking to about 1000 times that."""
    return pdf_with_stream(deflate_repeated(TEXT_OPERATORS, run, _repeats_for(megabytes_packed), b"\n"))


# measured by a small process of its own: a child forked from this one (pytest, hundreds of MB) would count this
# one's memory in its peak
_MEASURE = ("import os, subprocess, sys\n"
            "child = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL)\n"
            "_, status, usage = os.wait4(child.pid, 0)\n"
            "print(os.waitstatus_to_exitcode(status), usage.ru_maxrss * 1024)\n")


def peak_of(args: list[str], cwd: Path) -> tuple[int, str, int]:
    """(exit code, stderr, peak resident memory in bytes) of `glossary ARGS` in a child process."""
    result = subprocess.run([sys.executable, "-c", _MEASURE, sys.executable, "-m", "glossary.cli", *args], cwd=cwd,
                            capture_output=True, text=True, timeout=120)
    code, peak = map(int, result.stdout.split())
    return code, result.stderr, peak
