"""German text for search and analysis: umlauts, stems, compounds, lemmas; and no Django in it."""

from __future__ import annotations

import re
import subprocess
import sys
import threading
from pathlib import Path

from smartstadt import text
from smartstadt.text import compounds, stems


def test_importing_the_text_package_imports_no_django():
    code = "import sys, smartstadt.text; smartstadt.text.terms('Ladesäulen'); print('django' in sys.modules)"
    # A fresh interpreter: this one has Django loaded already. The command is fixed, not input.
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)  # noqa: S603
    assert found.stdout.strip() == "False"


# --- The search's tokens --------------------------------------------------------------------------


def test_umlauts_and_their_spelled_out_forms_are_the_same_word():
    for typed, spelled in [
        ("Bürgerbeteiligung", "Buergerbeteiligung"),
        ("Straßenbeleuchtung", "Strassenbeleuchtung"),
        ("Mülheim", "Muelheim"),
        ("Ladesäule", "Ladesaeule"),
    ]:
        assert stems.query_words(typed) == [
            stems.QueryWord(text=typed, stem=word.stem, parts=word.parts) for word in stems.query_words(spelled)
        ]


def test_inflected_forms_share_a_stem_and_compounds_yield_their_parts():
    assert stems.stem("ladesäulen") == stems.stem("ladesäule") == "ladesaul"
    assert stems.stem("beteiligungen") == stems.stem("beteiligung")
    tokens = stems.document_tokens("Ladesäulen und Ladeinfrastruktur")
    assert {"ladesaul", "lad", "saul", "ladeinfrastruktur", "infrastruktur"} <= set(tokens)
    assert "und" not in tokens  # stop words are not indexed
    (word,) = stems.query_words("Ladesäule")
    assert word.stem == "ladesaul"
    assert set(word.parts) == {"lad", "saul"}


def test_only_confident_splits_count():
    assert compounds.compound_parts("digitaler") == ()  # not "Digi|taler"
    assert compounds.compound_parts("oberhausen") == ()  # not "Ober|hausen"
    assert compounds.compound_parts("zwilling") == ()


# --- The analysis's terms -----------------------------------------------------------------------------


def test_terms_are_lemmas_with_their_compound_parts_without_stop_and_generic_words():
    keys = [term.key for term in text.terms("Die Stadt baut neue Ladesäulen im Quartiersbüro")]
    assert keys == ["bauen", "ladesaeule", "lade", "saeule", "quartiersbuero", "quartier", "buero"]
    assert text.terms("Bürger") == [text.Term("buerger", "Bürger")]
    assert [term.key for term in text.terms("Buerger")] == ["buerger"]


def test_names_of_municipalities_are_left_out_when_asked():
    stop = text.name_keys(["Mülheim an der Ruhr"])
    assert "muelheim" in stop
    assert [term.key for term in text.terms("Radwege in Mülheim", stop_keys=stop)] == ["radweg"]


def test_the_stemmer_is_not_shared_by_threads():
    words = [
        f"{stem}{ending}{number}" for number in range(300) for stem in ("lade", "bürger") for ending in ("n", "ung")
    ]
    expected = {word: stems._stemmer().stemWord(word) for word in words}
    wrong: list[str] = []

    def stem_all() -> None:
        for word in words:
            try:
                if stems._stemmer().stemWord(word) != expected[word]:
                    wrong.append(word)
            except IndexError:
                wrong.append(word)

    threads = [threading.Thread(target=stem_all) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert wrong == []


def test_only_the_text_package_stems_lemmatises_or_splits():
    """One German text engine: the stemmer, the lemmatiser and the compound splitter are used here only."""
    root = Path(__file__).resolve().parents[3]
    package = root / "smartstadt" / "text"
    engines = re.compile(r"^\s*(?:import|from)\s+(?:snowballstemmer|simplemma|charsplit_fst)\b", re.MULTILINE)
    offenders = [
        str(path.relative_to(root))
        for path in [*(root / "smartstadt").rglob("*.py"), *(root / "bench").rglob("*.py")]
        if package not in path.parents and engines.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
