"""Turn an announcement into the numbers the model reads.

Hashed n-grams: words (1–2) and characters (3–5) of the lower-cased text, each hashed to one of
N_FEATURES columns, so the shipped model needs no vocabulary file. Hashing is done with NumPy
over the whole text at once (about 0.1 ms for a 3,000-character page), and every n-gram keeps
the offset where it starts, so sentences can be scored from the same pass.
TF-IDF weights are learned in training (train.py) and stored with the model.
"""

from __future__ import annotations

import numpy as np

N_FEATURES = 2**18
# The news of an announcement is in its first part; long pages go on with related links,
# comments and archives. Measured on the corpus: see docs/stages.md.
READ_CHARS = 4000

_MASK = np.uint64(N_FEATURES - 1)
# Fixed odd multipliers: the hash of an n-gram must never change between releases.
_CHAR_MULTIPLIERS = np.array(
    [0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0xD6E8FEB86659FD93,
     0xFF51AFD7ED558CCD], dtype=np.uint64)
_SALT = {3: 0x51, 4: 0x52, 5: 0x53, "word": 0x61, "pair": 0x62, "title": 0x63}


_GOLDEN = np.uint64(0x9E3779B97F4A7C15)


def mix(h: np.ndarray, salt: int) -> np.ndarray:
    """A 64-bit finaliser (from MurmurHash3), so nearby inputs land in unrelated columns."""
    return _finalise(h ^ np.uint64(salt * 0x9E3779B97F4A7C15 & 0xFFFFFFFFFFFFFFFF))


def _finalise(h: np.ndarray) -> np.ndarray:
    h = h ^ (h >> np.uint64(33))
    h *= np.uint64(0xFF51AFD7ED558CCD)
    h ^= h >> np.uint64(33)
    h *= np.uint64(0xC4CEB9FE1A85EC53)
    h ^= h >> np.uint64(33)
    return h & _MASK


# Which code points are word characters (as `\w`); above the table only letters of other
# scripts remain, rare in these pages, and they count as punctuation.
_IS_WORD = np.array([chr(c).isalnum() or c == 0x5F for c in range(0x2000)] + [False])
_P = np.uint64(0x100000001B3)  # odd, so it has an inverse modulo 2**64
_P_INVERSE = np.uint64(pow(0x100000001B3, -1, 2**64))


def ngrams(text: str) -> tuple[np.ndarray, np.ndarray]:
    """(columns, start offsets) of every n-gram of `text`, in no particular order."""
    low = text.lower()
    if len(low) != len(text):  # a few characters lengthen when lower-cased; keep offsets true
        low = "".join(ch if len(ch.lower()) != 1 else ch.lower() for ch in text)
    points = np.frombuffer(low.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    hashes, salts = [], []
    # A character n-gram's hash is the (n-1)-gram's plus one more term: 5 passes, not 12.
    h = np.zeros(len(points), dtype=np.uint64)
    for j in range(5):
        count = len(points) - j
        if count <= 0:
            break
        h = h[:count] + points[j:] * _CHAR_MULTIPLIERS[j]
        if j >= 2:
            hashes.append(h)
            salts.append((_SALT[j + 1], count))
    offsets = [np.arange(count) for _, count in salts]
    starts, words = _words(points)
    if len(starts):
        hashes.append(words)
        salts.append((_SALT["word"], len(words)))
        offsets.append(starts)
        if len(starts) > 1:
            hashes.append(words[:-1] * _P + words[1:])
            salts.append((_SALT["pair"], len(words) - 1))
            offsets.append(starts[:-1])
    if not hashes:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    # One finaliser pass over all n-grams, each kind with its own salt.
    salt = np.repeat(np.array([s for s, _ in salts], dtype=np.uint64),
                     [count for _, count in salts])
    columns = _finalise(np.concatenate(hashes) ^ (salt * _GOLDEN))
    return columns.astype(np.int64), np.concatenate(offsets).astype(np.int64)


def _words(points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Start offsets and polynomial hashes of the runs of word characters, without a loop:
    hash(word) = (prefix[end] - prefix[start]) / P**start, all modulo 2**64."""
    if not len(points):
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.uint64)
    word = _IS_WORD[np.minimum(points, len(_IS_WORD) - 1).astype(np.int64)]
    edges = np.diff(np.concatenate([[False], word, [False]]).astype(np.int8))
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    powers, inverse = _powers(len(points) + 1)
    prefix = np.concatenate([[np.uint64(0)], np.cumsum((points + np.uint64(1)) * powers[:-1])])
    return starts, (prefix[ends] - prefix[starts]) * inverse[starts]


def _powers(n: int) -> tuple[np.ndarray, np.ndarray]:
    """P**i and P**-i for i < n (modulo 2**64), from a table grown as longer texts come
    (one tuple, so a thread never sees one table grown and the other not)."""
    global _TABLES
    powers, inverses = _TABLES
    if len(powers) < n:
        size = max(n, 2 * len(powers))
        powers = np.concatenate([[np.uint64(1)], np.cumprod(np.full(size - 1, _P))])
        inverses = np.concatenate([[np.uint64(1)],
                                   np.cumprod(np.full(size - 1, _P_INVERSE, dtype=np.uint64))])
        _TABLES = powers, inverses
    return powers[:n], inverses[:n]


_TABLES = np.ones(0, dtype=np.uint64), np.ones(0, dtype=np.uint64)


def title_columns(title: str) -> np.ndarray:
    """The headline's words once more, in columns of their own: a headline word weighs
    differently from the same word in the body (headlines are short and sometimes wrong)."""
    low = title.lower()
    _, hashes = _words(np.frombuffer(low.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64))
    return mix(hashes, _SALT["title"]).astype(np.int64)


def read_part(title: str, text: str) -> tuple[str, int]:
    """What the model reads of an announcement, and where the body starts in it."""
    return f"{title}\n{text[:READ_CHARS]}", len(title) + 1


def document_ngrams(title: str, text: str) -> tuple[np.ndarray, np.ndarray]:
    """(columns, offsets) of every n-gram the model reads of an announcement, offsets counted
    from the body's start (the headline's are negative)."""
    part, body_at = read_part(title, text)
    columns, offsets = ngrams(part)
    heading = title_columns(title)
    return (np.concatenate([columns, heading]),
            np.concatenate([offsets - body_at, np.full(len(heading), -1)]))


def document_columns(title: str, text: str) -> np.ndarray:
    """Every column one announcement touches, repeated as often as its n-gram occurs."""
    return document_ngrams(title, text)[0]


def tfidf(columns: np.ndarray, idf: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(unique columns, weights): sublinear term frequency times IDF, scaled to unit length."""
    unique, counts = np.unique(columns, return_counts=True)
    weights = (1.0 + np.log(counts)) * idf[unique]
    norm = np.sqrt(np.dot(weights, weights)) or 1.0
    return unique, (weights / norm).astype(np.float32)


def learn_idf(documents: list[np.ndarray]) -> np.ndarray:
    """Smoothed inverse document frequency of every column."""
    seen = np.zeros(N_FEATURES, dtype=np.int64)
    for columns in documents:
        seen[np.unique(columns)] += 1
    return (np.log((1 + len(documents)) / (1 + seen)) + 1.0).astype(np.float32)


def matrix(documents: list[np.ndarray], idf: np.ndarray):
    """The TF-IDF rows of many documents as one sparse matrix (for training)."""
    from scipy import sparse

    rows, cols, values = [], [], []
    for row, columns in enumerate(documents):
        unique, weights = tfidf(columns, idf)
        rows.append(np.full(len(unique), row))
        cols.append(unique)
        values.append(weights)
    return sparse.csr_matrix(
        (np.concatenate(values), (np.concatenate(rows), np.concatenate(cols))),
        shape=(len(documents), N_FEATURES),
    )
