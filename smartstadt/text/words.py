"""Words of German text: the tokeniser, stop words, generic words and the folding of umlauts."""

from __future__ import annotations

import re
import unicodedata

# A word: letters and digits; hyphens and other punctuation split ("Smart-City-Strategie" → Smart, City, Strategie).
WORD = re.compile(r"[^\W_]+")

_STOP_WORD_TEXT = """
    aber alle allem allen aller alles als also am an ander andere anderem anderen anderer anderes auch auf aus bei
    beim bin bis bist da damit dann das dass dem den denn der des dessen die dies diese diesem diesen dieser dieses
    doch dort du durch ein eine einem einen einer eines einige einigem einigen einiger einiges er es etwa etwas
    euch euer für gegen hab habe haben hat hatte hatten hier hin hinter ich ihm ihn ihnen ihr ihre ihrem ihren
    ihrer ihres im in ins ist jede jedem jeden jeder jedes jene jenem jenen jener jenes kann kein keine keinem
    keinen keiner keines können könnte man manche manchem manchen mancher manches mein meine mit muss musste nach
    nicht nichts noch nun nur ob oder ohne per seid sein seine seinem seinen seiner seines selbst sich sie sind so
    solche solchem solchen solcher solches sollen soll sollte sondern sowie über um und uns unser unsere unter
    viel vom von vor während war waren warst was weg weil weiter welche welchem welchen welcher welches wenn wer
    werde werden wie wieder will wir wird wirst wo wollen wollte würde würden zu zum zur zwar zwischen
    a an and as at by for from in of on or the to with
    innen
"""
# The grammar of German (and a little English): never searched by, never a term.
STOP_WORDS = frozenset(_STOP_WORD_TEXT.split())

# Words that say nothing about what a project is about: they are in every other entry of a smart-city inventory
# ("Projekt", "Stadt", "smart"), or they are the grammar of project descriptions ("sollen", "ermöglichen"). The
# search still finds them (someone may look for "Projekt"); the analysis leaves them out of its terms.
GENERIC_WORDS = frozenset(
    [
        "projekt",
        "projekte",
        "vorhaben",
        "maßnahme",
        "massnahme",
        "stadt",
        "städte",
        "staedte",
        "kommune",
        "kommunen",
        "gemeinde",
        "kommunal",
        "kommunale",
        "smart",
        "smarte",
        "smarten",
        "city",
        "cities",
        "sowie",
        "dabei",
        "dafür",
        "dafuer",
        "zudem",
        "u.a",
        "ua",
        "bzw",
        "z.b",
        "zb",
        "etc",
        "sollen",
        "soll",
        "werden",
        "wurde",
        "wurden",
        "worden",
        "ermöglichen",
        "ermoeglichen",
        "ermöglicht",
        "ermoeglicht",
        "bieten",
        "bietet",
        "neue",
        "neuer",
        "neuen",
        "neues",
        "neu",
        "ziel",
        "ziele",
        "rahmen",
        "bereich",
        "bereiche",
        "beispiel",
        "ebenso",
        "sodass",
        "damit",
        "mehr",
        "weitere",
        "weiteren",
        "erste",
        "ersten",
        "gibt",
        "geben",
        "künftig",
        "kuenftig",
        "teil",
        "teile",
        "sein",
        "ups",
        "co",
    ]
)

SPELLED_OUT = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


def fold(word: str) -> str:
    """The key of a word: lower case, umlauts spelled out, other accents dropped ("Bürger" → "buerger",
    "Café" → "cafe")."""
    spelled = word.lower().translate(SPELLED_OUT)
    if spelled.isascii():
        return spelled
    decomposed = unicodedata.normalize("NFKD", spelled)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


_STOP_KEYS = frozenset(fold(word) for word in STOP_WORDS | GENERIC_WORDS)


def is_stop_key(key: str) -> bool:
    """Whether a folded word (see :func:`fold`) is a stop word or a generic word."""
    return key in _STOP_KEYS


def words(text: str) -> list[str]:
    """The words of a text in their original case, without stop words and single characters."""
    return [word for word in WORD.findall(text) if len(word) > 1 and word.lower() not in STOP_WORDS]
