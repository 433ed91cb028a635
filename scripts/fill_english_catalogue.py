"""Fill the English gettext catalogue from its msgids.

All msgids of Smartstadt are English, so the English catalogue repeats them: every entry of
locale/en/LC_MESSAGES/django.po whose msgstr is empty gets its msgid as translation (plural
entries: msgstr[0] = msgid, msgstr[1] and any further form = msgid_plural). Entries that are
already filled stay as they are, so a deliberately different English wording survives.

Entries marked fuzzy are the exception: msgmerge marks an entry fuzzy when it guessed the
translation from a similar, older msgid, so its msgstr is the *old* English text. Such entries
get the current msgid as well, and the fuzzy flag and the "#|" lines with the previous msgid go.
A fuzzy header entry loses its flag and an empty "Language:" field is set to "en".

`make messages` runs this after makemessages; running it again changes nothing (idempotent).
polib is not installed in the project's virtualenv, so the small PO parser below is used; it
keeps every untouched line byte for byte and knows multi-line strings ("" continuation lines),
escapes, plural forms, msgctxt, flags, previous-msgid lines and obsolete (#~) entries.
check_translations.py imports the parser from here.

When the file changed and GNU msgcat is available, the result is passed through msgcat once, so
that long new msgstr lines are wrapped exactly the way makemessages (msgmerge) wraps them and the
next makemessages run does not re-wrap them.

Usage: python scripts/fill_english_catalogue.py [PATH_TO_PO_FILE]
Exit status: 0 on success, 1 when the file is missing or cannot be parsed.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
ENGLISH_CATALOGUE = BASE_DIR / "locale" / "en" / "LC_MESSAGES" / "django.po"
PAGE_WIDTH = 79  # GNU gettext's default page width

_KEYWORD_RE = re.compile(r"^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)[ \t]+(\".*)$")
_NPLURALS_RE = re.compile(r"nplurals\s*=\s*(\d+)")
_SIMPLE_ESCAPES = {
    "n": "\n",
    "t": "\t",
    "r": "\r",
    "a": "\a",
    "b": "\b",
    "f": "\f",
    "v": "\v",
    "\\": "\\",
    '"': '"',
    "'": "'",
    "?": "?",
}
_OUTPUT_ESCAPES = {
    "\\": "\\\\",
    '"': '\\"',
    "\n": "\\n",
    "\t": "\\t",
    "\r": "\\r",
    "\a": "\\a",
    "\b": "\\b",
    "\f": "\\f",
    "\v": "\\v",
}


class PoSyntaxError(ValueError):
    """The PO file cannot be read; the message names the line."""

    def __init__(self, path: Path, lineno: int, message: str) -> None:
        super().__init__(f"{path}:{lineno}: {message}")
        self.path = path
        self.lineno = lineno
        self.detail = message


def unquote(raw: str, path: Path, lineno: int) -> str:
    """Decode one quoted PO string such as "a \\"b\\"\\n" into its text."""
    text = raw.strip()
    if len(text) < 2 or not text.startswith('"') or not text.endswith('"'):
        raise PoSyntaxError(path, lineno, f"Zeichenkette in Anführungszeichen erwartet: {raw.strip()}")
    body = text[1:-1]
    # Octal and hex escapes stand for bytes, so the text is collected as UTF-8 bytes.
    out = bytearray()
    i = 0
    while i < len(body):
        char = body[i]
        if char == '"':
            raise PoSyntaxError(path, lineno, "Anführungszeichen ohne \\ mitten in der Zeichenkette")
        if char != "\\":
            out += char.encode("utf-8")
            i += 1
            continue
        if i + 1 >= len(body):
            raise PoSyntaxError(path, lineno, "\\ am Ende der Zeichenkette")
        nxt = body[i + 1]
        if nxt in _SIMPLE_ESCAPES:
            out += _SIMPLE_ESCAPES[nxt].encode("utf-8")
            i += 2
        elif nxt in "01234567":
            match = re.match(r"[0-7]{1,3}", body[i + 1 :])
            assert match is not None
            out.append(int(match.group(), 8) & 0xFF)
            i += 1 + len(match.group())
        elif nxt == "x":
            match = re.match(r"[0-9A-Fa-f]{1,2}", body[i + 2 :])
            if match is None:
                raise PoSyntaxError(path, lineno, "\\x ohne Hexadezimalziffern")
            out.append(int(match.group(), 16))
            i += 2 + len(match.group())
        else:
            raise PoSyntaxError(path, lineno, f"unbekannte Escape-Sequenz \\{nxt}")
    try:
        return out.decode("utf-8")
    except UnicodeDecodeError as error:
        raise PoSyntaxError(path, lineno, f"kein gültiges UTF-8: {error}") from error


def escape(text: str) -> str:
    """Encode text for the inside of a PO string (without the surrounding quotes)."""
    return "".join(_OUTPUT_ESCAPES.get(char, char) for char in text)


def _wrap_portion(escaped: str, width: int) -> Iterator[str]:
    """Break an escaped portion after spaces so that no line is longer than width (if possible)."""
    line = ""
    for token in re.findall(r"[^ ]+ *| +", escaped):
        if line and len(line) + len(token) > width:
            yield line
            line = ""
        line += token
    if line:
        yield line


def format_string(keyword: str, value: str) -> list[str]:
    """Lay out `keyword "value"` like GNU gettext: one line, or "" and continuation lines."""
    portions = [escape(part) for part in re.findall(r"[^\n]*\n|[^\n]+", value)] or [""]
    single = f'{keyword} "{escape(value)}"'
    if len(portions) == 1 and len(single) <= PAGE_WIDTH:
        return [single]
    lines = [f'{keyword} ""']
    for portion in portions:
        lines.extend(f'"{chunk}"' for chunk in _wrap_portion(portion, PAGE_WIDTH - 2))
    return lines


@dataclass
class Field:
    """One keyword of an entry (msgid, msgstr[1], ...) with its decoded value and raw lines."""

    keyword: str
    value: str
    lineno: int  # 1-based line of the keyword
    lines: list[str]


@dataclass
class Entry:
    """One block of a PO file: comment lines and fields in their original order."""

    lineno: int  # 1-based first line of the block
    raw: list[str]
    items: list[str | Field] = field(default_factory=list)
    obsolete: bool = False
    changed: bool = False

    def _field(self, keyword: str) -> Field | None:
        for item in self.items:
            if isinstance(item, Field) and item.keyword == keyword:
                return item
        return None

    @property
    def is_message(self) -> bool:
        return not self.obsolete and self._field("msgid") is not None

    @property
    def is_header(self) -> bool:
        return self.is_message and self.msgid == "" and self.msgctxt is None

    @property
    def msgctxt(self) -> str | None:
        item = self._field("msgctxt")
        return None if item is None else item.value

    @property
    def msgid(self) -> str:
        item = self._field("msgid")
        return "" if item is None else item.value

    @property
    def msgid_lineno(self) -> int:
        item = self._field("msgid")
        return self.lineno if item is None else item.lineno

    @property
    def msgid_plural(self) -> str | None:
        item = self._field("msgid_plural")
        return None if item is None else item.value

    @property
    def key(self) -> tuple[str | None, str, str | None]:
        return (self.msgctxt, self.msgid, self.msgid_plural)

    @property
    def msgstrs(self) -> dict[int, Field]:
        """The msgstr fields by plural index; a singular entry has only index 0."""
        result: dict[int, Field] = {}
        for item in self.items:
            if isinstance(item, Field) and item.keyword.startswith("msgstr"):
                index = 0 if item.keyword == "msgstr" else int(item.keyword[7:-1])
                result[index] = item
        return result

    @property
    def flags(self) -> list[str]:
        found: list[str] = []
        for item in self.items:
            if isinstance(item, str) and item.startswith("#,"):
                found.extend(flag.strip() for flag in item[2:].split(",") if flag.strip())
        return found

    @property
    def is_fuzzy(self) -> bool:
        return "fuzzy" in self.flags

    def remove_fuzzy(self) -> None:
        """Drop the fuzzy flag and the previous-msgid lines (#|) that belong to it."""
        items: list[str | Field] = []
        for item in self.items:
            if isinstance(item, str) and item.startswith("#|"):
                continue
            if isinstance(item, str) and item.startswith("#,"):
                flags = (part.strip() for part in item[2:].split(","))
                rest = [flag for flag in flags if flag not in ("", "fuzzy")]
                if not rest:
                    continue
                item = "#, " + ", ".join(rest)
            items.append(item)
        self.items = items
        self.changed = True

    def set_msgstr(self, index: int, value: str, plural: bool) -> None:
        """Set msgstr (or msgstr[index]), adding the field after the last msgstr if it is missing."""
        keyword = f"msgstr[{index}]" if plural else "msgstr"
        new = Field(keyword, value, 0, format_string(keyword, value))
        for position, item in enumerate(self.items):
            if isinstance(item, Field) and item.keyword == keyword:
                new.lineno = item.lineno
                self.items[position] = new
                break
        else:
            last = max(i for i, item in enumerate(self.items) if isinstance(item, Field))
            self.items.insert(last + 1, new)
        self.changed = True

    def render(self) -> list[str]:
        if not self.changed:
            return self.raw
        lines: list[str] = []
        for item in self.items:
            lines.extend(item.lines if isinstance(item, Field) else [item])
        return lines


@dataclass
class Catalogue:
    """A PO file as a sequence of blank lines (None) and entries."""

    path: Path
    parts: list[Entry | None]
    trailing_newline: bool

    @property
    def entries(self) -> list[Entry]:
        return [part for part in self.parts if part is not None]

    @property
    def messages(self) -> list[Entry]:
        """All real entries: not the header, not obsolete ones."""
        return [entry for entry in self.entries if entry.is_message and not entry.is_header]

    @property
    def header(self) -> Entry | None:
        for entry in self.entries:
            if entry.is_header:
                return entry
        return None

    @property
    def nplurals(self) -> int:
        header = self.header
        if header is not None and 0 in header.msgstrs:
            match = _NPLURALS_RE.search(header.msgstrs[0].value)
            if match:
                return int(match.group(1))
        return 2

    def text(self) -> str:
        lines: list[str] = []
        for part in self.parts:
            lines.extend([""] if part is None else part.render())
        return "\n".join(lines) + ("\n" if self.trailing_newline else "")


def _parse_entry(path: Path, start: int, block: list[str]) -> Entry:
    entry = Entry(lineno=start, raw=block)
    current: Field | None = None
    for offset, line in enumerate(block):
        lineno = start + offset
        stripped = line.strip()
        if stripped.startswith("#~"):
            entry.obsolete = True
            entry.items.append(line)
            current = None
        elif stripped.startswith("#"):
            entry.items.append(line)
            current = None
        elif stripped.startswith('"'):
            if current is None:
                raise PoSyntaxError(path, lineno, "Fortsetzungszeile ohne vorangehendes msgid/msgstr")
            current.value += unquote(stripped, path, lineno)
            current.lines.append(line)
        else:
            match = _KEYWORD_RE.match(stripped)
            if match is None:
                raise PoSyntaxError(path, lineno, f"unverständliche Zeile: {stripped}")
            keyword = match.group(1)
            if any(isinstance(item, Field) and item.keyword == keyword for item in entry.items):
                raise PoSyntaxError(path, lineno, f"{keyword} steht zweimal im selben Eintrag")
            current = Field(keyword, unquote(match.group(2), path, lineno), lineno, [line])
            entry.items.append(current)
    if not entry.obsolete and entry.items and any(isinstance(item, Field) for item in entry.items):
        if entry._field("msgid") is None:
            raise PoSyntaxError(path, start, "Eintrag ohne msgid")
        if not entry.msgstrs:
            raise PoSyntaxError(path, entry.msgid_lineno, "Eintrag ohne msgstr")
    return entry


def parse_catalogue(path: Path) -> Catalogue:
    """Read a PO file; raises PoSyntaxError with file and line for anything it cannot read."""
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    parts: list[Entry | None] = []
    block: list[str] = []
    block_start = 1
    for index, line in enumerate(lines, start=1):
        if line.strip() == "":
            if block:
                parts.append(_parse_entry(path, block_start, block))
                block = []
            parts.append(None)
        else:
            if not block:
                block_start = index
            block.append(line)
    if block:
        parts.append(_parse_entry(path, block_start, block))
    return Catalogue(path=path, parts=parts, trailing_newline=text.endswith(("\n", "\r")))


def _language_of(path: Path) -> str:
    """The language of locale/<language>/LC_MESSAGES/django.po, or "" for any other path."""
    return path.parent.parent.name if path.parent.name == "LC_MESSAGES" else ""


def fill_header(catalogue: Catalogue) -> bool:
    """Un-fuzzy the header and fill an empty Language field; True if something changed."""
    header = catalogue.header
    if header is None:
        return False
    changed = False
    if header.is_fuzzy:
        header.remove_fuzzy()
        changed = True
    value = header.msgstrs[0].value if 0 in header.msgstrs else ""
    language = _language_of(catalogue.path)
    known_language = re.fullmatch(r"[a-z]{2,3}(?:_[A-Za-z]+)?", language) is not None
    if known_language and re.search(r"^Language: *$", value, re.MULTILINE):
        value = re.sub(r"^Language: *$", f"Language: {language}", value, flags=re.MULTILINE)
        header.set_msgstr(0, value, plural=False)
        changed = True
    return changed


def fill_entries(catalogue: Catalogue) -> tuple[int, int]:
    """Fill empty and fuzzy entries from their msgids; returns (filled, unfuzzied)."""
    filled = unfuzzied = 0
    nplurals = catalogue.nplurals
    for entry in catalogue.messages:
        fuzzy = entry.is_fuzzy
        msgstrs = entry.msgstrs
        entry_filled = False
        plural = entry.msgid_plural
        if plural is None:
            single = msgstrs[0]
            if fuzzy or single.value == "":
                if single.value != entry.msgid:
                    entry.set_msgstr(0, entry.msgid, plural=False)
                entry_filled = True
        else:
            for index in range(max(nplurals, len(msgstrs))):
                wanted = entry.msgid if index == 0 else plural
                current = msgstrs.get(index)
                if current is None or fuzzy or current.value == "":
                    if current is None or current.value != wanted:
                        entry.set_msgstr(index, wanted, plural=True)
                    entry_filled = True
        if fuzzy:
            entry.remove_fuzzy()
            unfuzzied += 1
        elif entry_filled:
            filled += 1
    return filled, unfuzzied


def _signature(catalogue: Catalogue) -> list[object]:
    """What a PO file says, independent of line wrapping: strings, flags, comments, references."""
    signature: list[object] = []
    for entry in catalogue.entries:
        if entry.obsolete or not entry.is_message:
            signature.append(("raw", tuple(line.strip() for line in entry.raw)))
            continue
        comments = [item for item in entry.items if isinstance(item, str)]
        references = sorted(" ".join(c[2:] for c in comments if c.startswith("#:")).split())
        other = [c.strip() for c in comments if not c.startswith(("#:", "#,"))]
        strings = sorted((index, item.value) for index, item in entry.msgstrs.items())
        signature.append((entry.key, strings, sorted(entry.flags), references, other))
    return signature


def normalise_with_msgcat(path: Path) -> None:
    """Re-wrap the file with GNU msgcat, the layout makemessages writes.

    Kept only if msgcat changed nothing but the line layout; skipped where gettext is missing.
    """
    msgcat = shutil.which("msgcat")
    if msgcat is None:
        return
    with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".po", delete=False) as handle:
        out = Path(handle.name)
    try:
        # Fixed program path from shutil.which and our own file names, no shell.
        result = subprocess.run(  # noqa: S603
            [msgcat, "--force-po", "-o", str(out), str(path)], capture_output=True, text=True, check=False
        )
        if result.returncode != 0 or out.stat().st_size == 0:
            message = result.stderr.strip()
            print(f"Hinweis: msgcat konnte {path} nicht neu umbrechen: {message}", file=sys.stderr)
            return
        try:
            same = _signature(parse_catalogue(out)) == _signature(parse_catalogue(path))
        except PoSyntaxError:
            same = False
        if same:
            out.chmod(path.stat().st_mode & 0o777)
            os.replace(out, path)
    finally:
        out.unlink(missing_ok=True)


def write_atomically(path: Path, text: str) -> None:
    with tempfile.NamedTemporaryFile(
        "w", encoding="utf-8", newline="\n", dir=path.parent, suffix=".po", delete=False
    ) as handle:
        handle.write(text)
        temporary = Path(handle.name)
    temporary.chmod(path.stat().st_mode & 0o777)
    os.replace(temporary, path)


def fill_catalogue(path: Path) -> tuple[int, int, bool]:
    """Fill one catalogue in place; returns (filled, unfuzzied, header_changed)."""
    catalogue = parse_catalogue(path)
    header_changed = fill_header(catalogue)
    filled, unfuzzied = fill_entries(catalogue)
    if header_changed or filled or unfuzzied:
        write_atomically(path, catalogue.text())
        normalise_with_msgcat(path)
        parse_catalogue(path)  # the result must still be readable
    return filled, unfuzzied, header_changed


def main(argv: list[str]) -> int:
    path = Path(argv[1]) if len(argv) > 1 else ENGLISH_CATALOGUE
    if not path.is_file():
        print(f"Katalog fehlt: {path}; zuerst makemessages ausführen (make messages).", file=sys.stderr)
        return 1
    try:
        filled, unfuzzied, header_changed = fill_catalogue(path)
    except PoSyntaxError as error:
        print(f"Katalog nicht lesbar: {error}", file=sys.stderr)
        return 1
    shown = path.relative_to(BASE_DIR) if path.is_relative_to(BASE_DIR) else path
    if filled or unfuzzied or header_changed:
        print(
            f"{shown}: {filled} Einträge mit der msgid gefüllt, "
            f"{unfuzzied} unsichere (fuzzy) Einträge neu gefüllt"
            + (", Kopfeintrag ergänzt." if header_changed else ".")
        )
    else:
        print(f"{shown}: vollständig, nichts zu tun.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
