"""The learned event reader: a small transformer encoder and a head, run on the CPU.

    model = load_model()                       # once per process
    reading = model.read(text, units)          # probabilities per unit and category

The encoder is MiniLM (all-MiniLM-L6-v2, Apache-2.0) fine-tuned on the project's annotated corpus and
exported to ONNX (``model/encoder.onnx``, weights stored in 16 bits and computed in 32); the head
(``model/head.npz``) is a few matrices applied here with numpy, exactly as
``extraction/training/network.py`` computes them in training. For each reading unit the head pools the
encoder's states of the unit (mean, max, and a learned attention whose most-weighted word is the unit's
*cue*), of its sentence, of the piece before it and of the sentence or heading before (each read in its own
window, see ``windows.py``); one hidden layer then gives a
softmax over "no event" and the categories, a yes/no per category (a second fact in the same clause), whether
the unit continues the previous piece's event, and an engagement's status.

Everything it needs ships in the repository or comes from PyPI (onnxruntime, tokenizers); nothing is
downloaded at run time. ``read`` is deterministic for the same text.
"""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .units import SHAPES, ReadingUnit
from .windows import Window, encoder_input, windows

MODEL_DIR = Path(__file__).resolve().parent / "model"
BATCH_WINDOWS = 32  # windows of similar length run together; padding is masked, so a batch changes nothing
STRETCH = 512  # consecutive windows encoded before their heads are read


class ModelMissing(RuntimeError):
    """The model files are not where the pipeline expects them."""


@dataclass(frozen=True, slots=True)
class UnitReading:
    """What the model says about each unit of one record."""

    categories: tuple[str, ...]
    statuses: tuple[str, ...]
    probs: np.ndarray  # [unit, category, 3]: P(no event), P(event starts), P(previous event goes on)
    status: np.ndarray  # [unit, status]: P(status) for an engagement starting on the unit
    cue: np.ndarray  # [unit, category, 2]: character span of the word the category's query weighed most
    read: np.ndarray  # [unit]: whether the model read the unit at all (context-only units are not read)


def _gelu(x: np.ndarray) -> np.ndarray:
    """GELU as PyTorch computes it by default (the exact form, with erf)."""
    from math import sqrt

    return 0.5 * x * (1.0 + _erf(x / sqrt(2.0)))


def _erf(x: np.ndarray) -> np.ndarray:
    # numpy has no erf; Abramowitz-Stegun 7.1.26 is within 1.5e-7, far below what changes a decision
    sign = np.sign(x)
    a = np.abs(x)
    t = 1.0 / (1.0 + 0.3275911 * a)
    y = 1.0 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * np.exp(-a * a)
    return sign * y


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def _softmax(x: np.ndarray, axis: int) -> np.ndarray:
    x = x - x.max(axis=axis, keepdims=True)
    e = np.exp(x)
    return e / e.sum(axis=axis, keepdims=True)


class EventModel:
    def __init__(self, directory: Path = MODEL_DIR, *, threads: int | None = None):
        import onnxruntime as ort
        from tokenizers import Tokenizer

        if not (directory / "meta.json").exists():
            raise ModelMissing(f"no event model in {directory}: run ./dev train to build one")
        self.meta = json.loads((directory / "meta.json").read_text(encoding="utf-8"))
        self.categories: tuple[str, ...] = tuple(self.meta["categories"])
        self.statuses: tuple[str, ...] = tuple(self.meta["statuses"])
        self.threshold: float = float(self.meta.get("threshold", 0.5))
        # 8-bit weights quantise each run's activations with one scale: one window a run keeps a window's
        # numbers independent of whatever else would have shared its batch
        self.batch_windows = 1 if self.meta.get("weights") == "int8" else BATCH_WINDOWS
        self.tokenizer = Tokenizer.from_file(str(directory / "tokenizer.json"))
        self.tokenizer.no_truncation()
        self.tokenizer.no_padding()
        self.cls_id = self.tokenizer.token_to_id("[CLS]")
        self.sep_id = self.tokenizer.token_to_id("[SEP]")
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads or int(os.environ.get("EXTRACTION_MODEL_THREADS", "1"))
        options.inter_op_num_threads = 1
        self.session = ort.InferenceSession(
            str(directory / "encoder.onnx"), options, providers=["CPUExecutionProvider"]
        )
        head = np.load(directory / "head.npz")
        self.cue_query = head["cue_query"]  # [D]
        self.shape_emb = head["shape_emb"]  # [S, E]
        self.hidden_w, self.hidden_b = head["hidden_w"], head["hidden_b"]
        self.category_w, self.category_b = head["category_w"], head["category_b"]  # "none" + categories
        self.present_w, self.present_b = head["present_w"], head["present_b"]  # one yes/no per category
        self.goes_on_w, self.goes_on_b = head["goes_on_w"], head["goes_on_b"]
        self.status_w, self.status_b = head["status_w"], head["status_b"]
        self.scale = 1.0 / np.sqrt(self.cue_query.shape[0])

    def tokenize(self, text: str) -> tuple[list[int], list[tuple[int, int]]]:
        encoding = self.tokenizer.encode(text, add_special_tokens=False)
        return encoding.ids, encoding.offsets

    def read(self, text: str, units: Sequence[ReadingUnit]) -> UnitReading:
        n_units, n_cat = len(units), len(self.categories)
        probs = np.zeros((n_units, n_cat, 3), dtype=np.float32)
        probs[:, :, 0] = 1.0
        status = np.zeros((n_units, len(self.statuses)), dtype=np.float32)
        cue = np.zeros((n_units, n_cat, 2), dtype=np.int64)
        read = np.zeros(n_units, dtype=bool)
        ids, offsets = self.tokenize(text)
        wins = windows(offsets, units)
        carried: np.ndarray | None = None  # summary of the window before the current stretch
        # A stretch of consecutive windows at a time, so memory stays bounded on a thousand-page record; inside
        # it windows of similar length run together, so little of each run is padding.
        for k in range(0, len(wins), STRETCH):
            stretch = wins[k : k + STRETCH]
            hidden: list[np.ndarray | None] = [None] * len(stretch)
            by_length = sorted(range(len(stretch)), key=lambda i: stretch[i].length)
            for b in range(0, len(by_length), self.batch_windows):
                rows = by_length[b : b + self.batch_windows]
                for i, h in zip(rows, self._encode(ids, [stretch[i] for i in rows]), strict=True):
                    hidden[i] = h
            for i, (w, h) in enumerate(zip(stretch, hidden, strict=True)):
                summary = h[1:-1].mean(axis=0) if len(h) > 2 else np.zeros(h.shape[1], dtype=h.dtype)
                before = carried if w.before is not None else None
                self._head(w, h, summary, before, units, offsets, probs, status, cue, read)
                carried = summary
        return UnitReading(self.categories, self.statuses, probs, status, cue, read)

    def _encode(self, ids: list[int], batch: list[Window]) -> list[np.ndarray]:
        length = max(w.length for w in batch)
        input_ids = np.zeros((len(batch), length), dtype=np.int64)
        mask = np.zeros((len(batch), length), dtype=np.int64)
        for r, w in enumerate(batch):
            row = encoder_input(ids, w, self.cls_id, self.sep_id)
            input_ids[r, : len(row)] = row
            mask[r, : len(row)] = 1
        (hidden,) = self.session.run(None, {"input_ids": input_ids, "attention_mask": mask})
        return [hidden[r, : w.length] for r, w in enumerate(batch)]

    def _head(self, w: Window, h: np.ndarray, sentence: np.ndarray, before: np.ndarray | None,
              units, offsets, probs, status, cue, read) -> None:
        d = h.shape[1]
        zeros = np.zeros(d, dtype=h.dtype)
        for slot, prev in zip(w.targets, w.previous, strict=True):
            tokens = h[slot.lo : slot.hi]
            if len(tokens) == 0:
                continue
            weights = _softmax(tokens @ self.cue_query * self.scale, axis=0)
            has_prev = prev is not None and prev.hi > prev.lo
            feats = np.concatenate([
                weights @ tokens, tokens.mean(axis=0), tokens.max(axis=0), sentence,
                h[prev.lo : prev.hi].mean(axis=0) if has_prev else zeros,
                before if before is not None else zeros,
                [1.0 if has_prev else 0.0, 1.0 if before is not None else 0.0],
                self.shape_emb[SHAPES.index(units[slot.unit].shape)],
            ]).astype(np.float32)
            hidden = _gelu(feats @ self.hidden_w + self.hidden_b)
            p = _softmax(hidden @ self.category_w + self.category_b, axis=0)  # "none" + categories
            present = _sigmoid(hidden @ self.present_w + self.present_b)
            goes_on = _sigmoid(hidden @ self.goes_on_w + self.goes_on_b)
            event = np.maximum(p[1:], present)
            probs[slot.unit, :, 0] = 1.0 - event
            probs[slot.unit, :, 1] = event * (1.0 - goes_on)
            probs[slot.unit, :, 2] = event * goes_on
            status[slot.unit] = _softmax(hidden @ self.status_w + self.status_b, axis=0)
            start, end = offsets[w.lo + slot.lo - 1 + int(weights.argmax())]
            cue[slot.unit] = (start, end)
            read[slot.unit] = True


@functools.cache
def load_model(directory: str | None = None) -> EventModel:
    """The shipped model, loaded once per process."""
    return EventModel(Path(directory) if directory else MODEL_DIR)
