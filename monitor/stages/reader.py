"""Read one announcement: its stage, how sure the reading is, the sentence it rests on.

The stage comes from a linear model trained on the corpus (train.py) over two blocks of columns:
hashed n-grams of the text (features.py) and who the headline's and opening statements' events
happen to and what kind of page tells them (subjects.py). The sentence quoted as
evidence is the one that scores highest for that stage; officers, severity, route and force are
read from that sentence and the headline by the rules in attributes.py and forces.py.
The model is two plain files (NumPy arrays and JSON): loading it runs no code.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

# One document is read at a time: OpenBLAS's thread pool buys nothing here, and starting it
# doubles NumPy's import (~0.15 → 0.07 s, benchmarks/README.md). Has no effect once numpy is
# loaded (training imports it first); a setting of the user's own is kept.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402

from monitor.stages import attributes, features, subjects
from monitor.stages.forces import find_force
from monitor.stages.sentences import Sentence, split_sentences
from monitor.stages.vocabulary import label

MODEL_DIR = Path(__file__).parent / "model"
NOT_A_CASE_UPDATE = "not_a_case_update"


@dataclass(frozen=True, slots=True)
class Classification:
    """What an announcement reports, how sure the reading is, and the sentence it was read from."""

    stage: str
    label: str
    evidence: str | None  # verbatim substring of the title or text
    officers: int | None = None
    severity: str | None = None  # "misconduct" | "gross_misconduct"
    route: str | None = None  # "meeting" | "hearing" | "accelerated" | "rprp"
    force: str | None = None
    flags: frozenset[str] = field(default_factory=frozenset)
    evidence_in: str | None = None  # "text" or "title": where the evidence was found
    confidence: float = 1.0  # calibrated probability of `stage`
    runner_up: str | None = None  # the second most likely stage
    uncertain: bool = False  # confidence below the model's measured threshold

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict; flags sorted so output is stable."""
        return {
            "stage": self.stage,
            "label": self.label,
            "evidence": self.evidence,
            "officers": self.officers,
            "severity": self.severity,
            "route": self.route,
            "force": self.force,
            "flags": sorted(self.flags),
            "evidence_in": self.evidence_in,
            "confidence": round(self.confidence, 3),
            "runner_up": self.runner_up,
            "uncertain": self.uncertain,
        }


@dataclass
class Reader:
    classes: tuple[str, ...]
    idf: np.ndarray  # one weight per hashed column
    weights: np.ndarray  # one row per hashed column, one column per class
    subject_weights: np.ndarray  # one row per subject column (subjects.BLOCK), one per class
    subject_scale: float  # the length of a document's subject row (0: the block is off)
    intercept: np.ndarray
    temperature: float
    threshold: float  # readings less sure than this are marked uncertain
    meta: dict[str, Any]

    def scores(self, columns: np.ndarray, subject_columns: np.ndarray) -> np.ndarray:
        """Raw class scores (before calibration) of a document's n-gram and subject columns,
        in `classes` order."""
        unique, counts = np.unique(columns, return_counts=True)
        tf = (1.0 + np.log(counts)) * self.idf.take(unique)
        tf /= np.sqrt(np.dot(tf, tf)) or 1.0
        # float32 throughout, as in training (features.tfidf): a mixed product widens every row
        rows = self.weights.take(unique, axis=0).astype(np.float32)
        logits = tf.astype(np.float32) @ rows + self.intercept
        if len(subject_columns):
            value = self.subject_scale / np.sqrt(len(subject_columns))
            logits += value * self.subject_weights.take(subject_columns, axis=0).sum(axis=0)
        return logits

    def read(self, title: str, text: str) -> Classification:
        title, text = title or "", text or ""
        if not (title.strip() or text.strip()):
            return Classification(NOT_A_CASE_UPDATE, label(NOT_A_CASE_UPDATE), None)
        columns, offsets = features.document_ngrams(title, text)
        read_part = text[: features.READ_CHARS]  # the news; long pages go on with links
        sentences = split_sentences(read_part)
        statements = _quotable(sentences)
        scaled = self.scores(columns, subject_columns(title, statements)) / self.temperature
        p = np.exp(scaled - scaled.max())
        p /= p.sum()
        first, second = np.argsort(p)[::-1][:2]
        stage = self.classes[first]
        common = dict(confidence=float(p[first]), runner_up=self.classes[second],
                      uncertain=float(p[first]) < self.threshold,
                      force=find_force(title, read_part))
        if stage == NOT_A_CASE_UPDATE:
            return Classification(stage, label(stage), None, **common)
        # Per n-gram evidence weight for the chosen stage: its weight times its IDF.
        weight = self.weights[columns, first].astype(np.float32) * self.idf.take(columns)
        evidence = _best_sentence(statements, offsets, weight) or title.strip()
        # The level is stated beside the news, in the headline, or in the opening sentences;
        # where the officers face both, the news is the higher (domain.md a.1 rule 2).
        nearby = [evidence, title] + [s.text for s in sentences[:_SEVERITY_SENTENCES]]
        levels = set(map(attributes.severity, nearby)) - {None}
        severity = "gross_misconduct" if "gross_misconduct" in levels else next(iter(levels), None)
        return Classification(
            stage=stage,
            label=label(stage, severity),
            evidence=evidence or None,
            # Counts are read from statements, not from cookie banners or "Published:" lines.
            officers=attributes.officers(evidence, title, statements, stage),
            severity=severity,
            route=attributes.route(evidence),
            flags=attributes.flags(text),
            evidence_in=("text" if evidence != title.strip() else "title") if evidence else None,
            **common,
        )

    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        # Half precision: a quarter of the size, readings unchanged (tests/test_reader.py).
        # Stored, not deflated: 11.7 MB on disk instead of 6.2, but a check that reads a page
        # loads it in ~7 ms instead of ~60 (inflating 11 MB; benchmarks/README.md).
        np.savez(
            directory / "reader.npz",
            idf=self.idf.astype(np.float16),
            weights=self.weights.astype(np.float16),
            subject_weights=self.subject_weights.astype(np.float16),
            intercept=self.intercept.astype(np.float32),
        )
        settings = {"classes": list(self.classes), "temperature": self.temperature,
                    "threshold": self.threshold, "subject_scale": self.subject_scale,
                    "meta": self.meta}
        (directory / "reader.json").write_text(json.dumps(settings, indent=2) + "\n")

    @classmethod
    def load(cls, directory: Path = MODEL_DIR) -> Reader:
        settings = json.loads((directory / "reader.json").read_text())
        with np.load(directory / "reader.npz", allow_pickle=False) as arrays:
            return cls(
                classes=tuple(settings["classes"]),
                idf=arrays["idf"].astype(np.float32),
                # float16 on disk and in memory (11 MB, not 22): a document's few thousand
                # rows are widened when it is read (docs/stages.md, Speed and size)
                weights=arrays["weights"],
                subject_weights=arrays["subject_weights"].astype(np.float32),
                subject_scale=settings["subject_scale"],
                intercept=arrays["intercept"],
                temperature=settings["temperature"],
                threshold=settings["threshold"],
                meta=settings["meta"],
            )


# Evidence is a sentence of the body: a statement (with a verb-like word and some length),
# not navigation, a bare heading, a cookie banner or a byline.
_EVIDENCE_SENTENCES = 80
_SEVERITY_SENTENCES = 12
_SUBJECT_STATEMENTS = 3  # who the news happens to is said in the opening statements
# Matched on lower-cased sentences by lower-case patterns (faster than re.IGNORECASE).
_FURNITURE = re.compile(
    r"\b(?:cookies?|javascript|subscribe|newsletter|share\s+this|sign\s+up|read\s+more"
    r"|related\s+(?:news|articles|links|topics)|skip\s+to|privacy\s+policy|follow\s+us)\b")
_DEFINITION = re.compile(r"^(?:what\s+is|what\s+are|\w+(?:\s+\w+)?\s+(?:is|means)\s+(?:a|an|the)\s+"
                         r"(?:term|process|route|procedure)\b)")


def subject_columns(title: str, statements: list[Sentence]) -> np.ndarray:
    """The subject block's columns of an announcement: its headline and opening statements."""
    return subjects.columns(title, [s.text for s in statements[:_SUBJECT_STATEMENTS]])


def statements_of(text: str) -> list[Sentence]:
    """The statements of the part of `text` the model reads."""
    return _quotable(split_sentences(text[: features.READ_CHARS]))


def _quotable(sentences: list[Sentence]) -> list[Sentence]:
    """Statements: sentences that can be quoted (not banners, bylines or definitions)."""
    return [s for s in sentences[:_EVIDENCE_SENTENCES] if _can_be_evidence(s.text)]


def _can_be_evidence(sentence: str) -> bool:
    if not 6 <= len(sentence.split()) <= 120:
        return False
    low = sentence.lower()
    return not (_FURNITURE.search(low) or _DEFINITION.search(low))


def _best_sentence(
    candidates: list[Sentence], offsets: np.ndarray, weight: np.ndarray
) -> str | None:
    """The statement whose n-grams add up to the most evidence for the stage. Not divided by
    its length: that favoured short asides ("The hearing will be held in public.") over the
    sentence that carries the news (docs/stages.md, "Evidence").
    `offsets` count from the body's start; the headline's n-grams have negative offsets."""
    if not candidates:
        return None
    starts = np.array([s.start for s in candidates])
    ends = np.array([s.end for s in candidates])
    owner = np.searchsorted(starts, offsets, side="right") - 1
    inside = (owner >= 0) & (offsets >= 0) & (offsets < ends[np.maximum(owner, 0)])
    score = np.bincount(owner[inside], weights=weight[inside], minlength=len(candidates))
    return candidates[int(np.argmax(score))].text


@cache
def shipped() -> Reader:
    """The model the package ships, loaded once per process."""
    return Reader.load()


def classify(title: str, text: str) -> Classification:
    """Read one announcement with the shipped model."""
    return shipped().read(title, text)
