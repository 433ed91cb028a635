"""Check the gettext catalogue locale/de/LC_MESSAGES/django.po (run by `make check`).

Only German has a catalogue: the msgids are English, and Django shows a msgid as it is where the active
language (English) has no catalogue, so an English catalogue would only repeat every msgid.

Exit status 1, with file:line and msgid for each finding, when an entry
- has no translation (empty msgstr, or an empty or missing plural form),
- is marked fuzzy (a guess by msgmerge that nobody has checked),
- has other placeholders than its msgid: %(name)s, %s, {name}, {{ name }}
  (msgstr[0] is compared with msgid, every further plural form with msgid_plural),
- or cannot be compiled by msgfmt --check-format (what compilemessages runs);
and when the catalogues are out of date with the code: makemessages would add msgids that the
committed catalogues lack, or drop msgids that no file uses any more.

How the out-of-date check runs, and why this way: the project tree is copied into a temporary
directory (without hidden folders, __pycache__, the folders `make messages` ignores and files over
1 MB that makemessages does not read; about 1 MB in all), and the copy's manage.py runs makemessages
there with the options of `make messages`. The copy's settings derive LOCALE_PATHS from their own
BASE_DIR, so makemessages writes only to the copied locale/. The msgids of the result are compared
with those of the real catalogues. This takes one to two seconds and leaves the work tree alone.
Not chosen: makemessages in the work tree with LOCALE_PATHS pointed elsewhere. It writes a temporary
"<template>.py" beside every template and adopts any folder named "locale" that it walks into, so
it could rewrite the real catalogues; and an environment variable for LOCALE_PATHS would need a
change to config/settings.py. As a safeguard the real catalogues' bytes are compared before and
after the run.

Usage: python scripts/check_translations.py [--ohne-makemessages]
  --ohne-makemessages  skip the out-of-date check (no GNU gettext needed then)
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import polib

BASE_DIR = Path(__file__).resolve().parent.parent
# The languages with a catalogue of their own; English, the language of the msgids, needs none.
LANGUAGES = ("de",)
DOMAIN = "django"
# The same folders `make messages` passes to makemessages with --ignore.
IGNORED_DIRS = (".venv", "node_modules", "var")
# The extensions makemessages reads for the "django" domain, and the size limit for other files.
SOURCE_EXTENSIONS = frozenset({".py", ".html", ".txt"})
MAX_OTHER_FILE_SIZE = 1024 * 1024

_PRINTF_RE = re.compile(
    r"%(?:\((?P<name>[^)]*)\))?[#0+\-]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?(?P<conversion>[diouxXeEfFgGcrsa%])"
)
_TEMPLATE_VAR_RE = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")
_BRACE_RE = re.compile(r"\{([A-Za-z_][\w.\[\]]*|\d*)(![rsa])?(:[^{}]*)?\}")


@dataclass(frozen=True)
class Finding:
    location: str  # "file:line"
    message: str
    msgid: str | None = None  # None where the finding concerns no single entry

    def __str__(self) -> str:
        if self.msgid is None:
            return f"{self.location}: {self.message}"
        return f"{self.location}: {self.message}: {show(self.msgid)}"


def show(text: str) -> str:
    """The msgid on one line, as in the PO file."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def relative(path: Path) -> str:
    return str(path.relative_to(BASE_DIR)) if path.is_relative_to(BASE_DIR) else str(path)


def placeholders(text: str, python_format: bool) -> tuple[frozenset[str], tuple[str, ...], tuple[str, ...]]:
    """Named %-placeholders, positional %-placeholders (in order) and brace placeholders of text.

    Positional ones like %s only count in entries flagged python-format, so that a literal
    "50 % der" in plain text is no placeholder; %(name)s always counts.
    """
    named: set[str] = set()
    positional: list[str] = []
    for match in _PRINTF_RE.finditer(text):
        if match.group("conversion") == "%":
            continue
        if match.group("name") is not None:
            named.add(match.group())
        elif python_format:
            positional.append(match.group())
    braces = [f"{{{{{' '.join(match.group(1).split())}}}}}" for match in _TEMPLATE_VAR_RE.finditer(text)]
    rest = _TEMPLATE_VAR_RE.sub("", text).replace("{{", "").replace("}}", "")
    braces.extend(match.group() for match in _BRACE_RE.finditer(rest))
    return frozenset(named), tuple(positional), tuple(sorted(braces))


def describe(found: tuple[frozenset[str], tuple[str, ...], tuple[str, ...]]) -> str:
    named, positional, braces = found
    items = sorted(named) + list(positional) + list(braces)
    return ", ".join(items) if items else "keine"


def nplurals(catalogue: polib.POFile) -> int:
    match = re.search(r"nplurals\s*=\s*(\d+)", catalogue.metadata.get("Plural-Forms", ""))
    return int(match.group(1)) if match else 2


def messages(catalogue: polib.POFile) -> list[polib.POEntry]:
    """The entries with a msgid: no header, no obsolete (#~) ones."""
    return [entry for entry in catalogue if not entry.obsolete and entry.msgid]


def entry_key(entry: polib.POEntry) -> tuple[str | None, str, str | None]:
    return (entry.msgctxt, entry.msgid, entry.msgid_plural or None)


def check_entry(path: Path, entry: polib.POEntry, forms: int) -> list[Finding]:
    findings: list[Finding] = []
    location = f"{relative(path)}:{entry.linenum}"
    if entry.fuzzy:
        findings.append(
            Finding(location, "Übersetzung unsicher (fuzzy), bitte prüfen und Markierung entfernen", entry.msgid)
        )
    python_format = "python-format" in entry.flags
    if not entry.msgid_plural:
        expected = {0: entry.msgid}
        msgstrs: dict[int, str] = {0: entry.msgstr}
    else:
        expected = {index: entry.msgid if index == 0 else entry.msgid_plural for index in range(forms)}
        msgstrs = {int(index): value for index, value in entry.msgstr_plural.items()}
    for index, source in expected.items():
        label = "" if not entry.msgid_plural else f" (msgstr[{index}])"
        current = msgstrs.get(index)
        if current is None:
            findings.append(Finding(location, f"Pluralform fehlt{label}", entry.msgid))
            continue
        if current == "":
            findings.append(Finding(location, f"Übersetzung fehlt{label}", entry.msgid))
            continue
        wanted = placeholders(source, python_format)
        found = placeholders(current, python_format)
        if wanted != found:
            findings.append(
                Finding(
                    location,
                    f"Platzhalter weichen ab{label}: erwartet {describe(wanted)}, gefunden {describe(found)}",
                    entry.msgid,
                )
            )
    return findings


def check_catalogue(path: Path, catalogue: polib.POFile) -> list[Finding]:
    findings: list[Finding] = []
    if not catalogue.metadata:
        findings.append(Finding(f"{relative(path)}:1", "Kopfeintrag fehlt"))
    elif catalogue.metadata_is_fuzzy:
        findings.append(Finding(f"{relative(path)}:1", "Kopfeintrag ist als fuzzy markiert"))
    forms = nplurals(catalogue)
    for entry in messages(catalogue):
        findings.extend(check_entry(path, entry, forms))
    return findings


def check_msgfmt(path: Path) -> list[Finding]:
    """What compilemessages would refuse: msgfmt --check-format."""
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        return []
    # Fixed program path from shutil.which and a path of ours, no shell.
    result = subprocess.run(  # noqa: S603
        [msgfmt, "--check-format", "-o", os.devnull, str(path)], capture_output=True, text=True, check=False
    )
    if result.returncode == 0:
        return []
    return [Finding(relative(path), f"msgfmt meldet: {line}") for line in result.stderr.splitlines() if line]


def copy_tree(destination: Path) -> None:
    """Copy the project as makemessages sees it: no hidden folders, no ignored folders.

    Files makemessages reads are always copied; any other file only up to 1 MB, enough for data
    that a module might read on import, while test output or screenshots cannot slow the check.
    """
    for dirpath, dirnames, filenames in os.walk(BASE_DIR):
        current = Path(dirpath)
        # makemessages skips hidden folders and matches --ignore patterns against every folder name.
        dirnames[:] = [
            name for name in dirnames if not name.startswith(".") and name != "__pycache__" and name not in IGNORED_DIRS
        ]
        for filename in filenames:
            source = current / filename
            if filename.startswith(".") or source.suffix in {".pyc", ".mo"} or not source.is_file():
                continue
            if source.suffix not in SOURCE_EXTENSIONS and source.stat().st_size > MAX_OTHER_FILE_SIZE:
                continue
            target = destination / source.relative_to(BASE_DIR)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)


def digest(paths: list[Path]) -> dict[Path, str]:
    return {path: hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else "" for path in paths}


def run_makemessages(workdir: Path) -> list[Finding]:
    """makemessages as in `make messages`, run by the copy's manage.py inside the copy."""
    command = [sys.executable, str(workdir / "manage.py"), "makemessages", "--no-obsolete", "--verbosity=0"]
    command += [f"--locale={language}" for language in LANGUAGES]
    command += [f"--ignore={name}" for name in IGNORED_DIRS]
    environment = {**os.environ, "SMARTSTADT_VAR_DIR": str(workdir / "var"), "PYTHONDONTWRITEBYTECODE": "1"}
    # Our own interpreter and the copied manage.py, no shell.
    result = subprocess.run(  # noqa: S603
        command, cwd=workdir, env=environment, capture_output=True, text=True, check=False, timeout=300
    )
    if result.returncode == 0:
        return []
    output = (result.stderr or result.stdout).strip().splitlines()
    return [Finding("makemessages", f"Lauf in der temporären Kopie gescheitert: {line}") for line in output[-20:]]


def first_reference(entry: polib.POEntry) -> str | None:
    for filename, line in entry.occurrences:
        return f"{filename}:{line}" if line else filename
    return None


def check_up_to_date(catalogues: dict[str, tuple[Path, polib.POFile]]) -> list[Finding]:
    """Compare the committed catalogues with what makemessages makes of the current code."""
    for program in ("xgettext", "msgmerge", "msguniq", "msgattrib"):
        if shutil.which(program) is None:
            return [Finding("locale", f"GNU gettext fehlt ({program}); apt-get install gettext")]
    real = [BASE_DIR / "locale" / language / "LC_MESSAGES" / f"{DOMAIN}.po" for language in LANGUAGES]
    before = digest(real)
    findings: list[Finding] = []
    with tempfile.TemporaryDirectory(prefix="smartstadt-messages-") as temporary:
        workdir = Path(temporary)
        copy_tree(workdir)
        failures = run_makemessages(workdir)
        if failures:
            return failures
        for language, (path, catalogue) in catalogues.items():
            fresh_path = workdir / "locale" / language / "LC_MESSAGES" / f"{DOMAIN}.po"
            fresh = {entry_key(entry): entry for entry in messages(polib.pofile(str(fresh_path)))}
            committed = {entry_key(entry): entry for entry in messages(catalogue)}
            shown = relative(path)
            for key, entry in fresh.items():
                if key not in committed:
                    where = first_reference(entry) or shown
                    message = f"Übersetzung fehlt in {shown} (neu im Code; make messages ausführen)"
                    findings.append(Finding(where, message, entry.msgid))
            for key, entry in committed.items():
                if key not in fresh:
                    message = "Nicht mehr im Code verwendet (make messages ausführen)"
                    findings.append(Finding(f"{shown}:{entry.linenum}", message, entry.msgid))
    if digest(real) != before:
        findings.append(Finding("locale", "Die Kataloge haben sich während der Prüfung geändert; bitte erneut prüfen"))
    return findings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--ohne-makemessages", action="store_true", help="nicht prüfen, ob die Kataloge zum Code passen"
    )
    args = parser.parse_args(argv)

    findings: list[Finding] = []
    catalogues: dict[str, tuple[Path, polib.POFile]] = {}
    for language in LANGUAGES:
        path = BASE_DIR / "locale" / language / "LC_MESSAGES" / f"{DOMAIN}.po"
        if not path.is_file():
            findings.append(Finding(relative(path), "Katalog fehlt (make messages ausführen)"))
            continue
        try:
            catalogue = polib.pofile(str(path))
        except (OSError, ValueError) as error:  # polib: "Syntax error in po file ... (line N)"
            findings.append(Finding(relative(path), f"Katalog nicht lesbar: {error}"))
            continue
        catalogues[language] = (path, catalogue)
        findings.extend(check_catalogue(path, catalogue))
        findings.extend(check_msgfmt(path))
    if not args.ohne_makemessages and len(catalogues) == len(LANGUAGES):
        findings.extend(check_up_to_date(catalogues))

    for finding in findings:
        print(finding)
    if findings:
        count = "1 Befund" if len(findings) == 1 else f"{len(findings)} Befunde"
        print(f"\nÜbersetzungen nicht in Ordnung: {count}.", file=sys.stderr)
        print(
            "Abhilfe: bei neuen oder nicht mehr verwendeten Texten `make messages` ausführen; dann in "
            "locale/de/LC_MESSAGES/django.po fehlende Übersetzungen ergänzen, unsichere prüfen und "
            "ihre fuzzy-Markierung entfernen.",
            file=sys.stderr,
        )
        return 1
    counts = ", ".join(f"{language}: {len(messages(catalogue))}" for language, (_path, catalogue) in catalogues.items())
    print(f"Übersetzungen in Ordnung ({counts} Einträge, vollständig und aktuell).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
