"""The learned event reader: a small transformer encoder and a head, run on the CPU.

    model = load_model()                       # once per process
    reading = model.read(text, units)          # probabilities per unit and category

The encoder is MiniLM (all-MiniLM-L6-v2, Apache-2.0) fine-tuned on the project's annotated corpus and
exported to ONNX (``model/encoder.onnx``, weights quantised to 8 bits, see ``train.export``); the head
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
BATCH_TOKENS = 1024  # positions (padding included) per run: windows of similar length run together
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


# Words that carry no content: a cue is shown to a reviewer, and "the" or "per" tells them nothing.
_FUNCTION_WORDS = frozenset(
    "a an the and or but of to in on at by for with from as is was were be been being has have had do does did "
    "he she they his her their him them it its this that these those who which what when where while than then "
    "per not no nor so if into onto over under about after before during since until upon out up down also "
    "mr ms mrs dr".split()
)


def _cue(*, text: str, offsets: Sequence[tuple[int, int]], first: int, weights: np.ndarray) -> tuple[int, int]:
    """The word (word pieces joined) that the cue attention weighed most, leaving out function words, numbers
    and punctuation when the unit has anything else; its character span."""
    words: list[tuple[int, int, float]] = []
    for k, weight in enumerate(weights):
        start, end = offsets[first + k]
        if words and start == words[-1][1]:  # a word piece continues the word before
            s, _, w = words[-1]
            words[-1] = (s, end, w + float(weight))
        else:
            words.append((start, end, float(weight)))
    content = [w for w in words if _is_content(text[w[0] : w[1]])]
    start, end, _ = max(content or words, key=lambda w: w[2])
    return start, end


def _is_content(word: str) -> bool:
    return len(word) >= 3 and any(c.isalpha() for c in word) and word.lower() not in _FUNCTION_WORDS


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
    # the tanh form of the same function: exp(-x) overflows (and warns) for the large negative logits of
    # categories a unit plainly is not
    return 0.5 * (1.0 + np.tanh(0.5 * x))


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
        self.batch_tokens = 1 if self.meta.get("weights") == "int8" else BATCH_TOKENS
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
            for rows in self._runs(stretch):
                for i, h in zip(rows, self._encode(ids, [stretch[i] for i in rows]), strict=True):
                    hidden[i] = h
            rows, targets = [], []
            for w, h in zip(stretch, hidden, strict=True):
                summary = h[1:-1].mean(axis=0) if len(h) > 2 else np.zeros(h.shape[1], dtype=h.dtype)
                before = carried if w.before is not None else None
                for slot, prev in zip(w.targets, w.previous, strict=True):
                    if slot.hi > slot.lo:
                        feats, weights = self._features(w, h, slot, prev, summary, before, units)
                        rows.append(feats)
                        targets.append((w, slot, weights))
                carried = summary
            if rows:
                self._decide(np.stack(rows), targets, text, offsets, probs, status, cue, read)
        return UnitReading(self.categories, self.statuses, probs, status, cue, read)

    def _runs(self, stretch: list[Window]) -> list[list[int]]:
        """Indices of the stretch's windows grouped into runs of similar length (sorted, so a run holds little
        padding) of at most ``batch_tokens`` positions each."""
        runs: list[list[int]] = []
        for i in sorted(range(len(stretch)), key=lambda i: stretch[i].length):
            if runs and (len(runs[-1]) + 1) * stretch[i].length <= self.batch_tokens:
                runs[-1].append(i)
            else:
                runs.append([i])
        return runs

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

    def _features(self, w: Window, h: np.ndarray, slot, prev, sentence: np.ndarray, before: np.ndarray | None,
                  units) -> tuple[np.ndarray, np.ndarray]:
        """One unit's row of head features (as network.py lays them out) and its cue weights."""
        zeros = np.zeros(h.shape[1], dtype=h.dtype)
        tokens = h[slot.lo : slot.hi]
        weights = _softmax(tokens @ self.cue_query * self.scale, axis=0)
        has_prev = prev is not None and prev.hi > prev.lo
        feats = np.concatenate([
            weights @ tokens, tokens.mean(axis=0), tokens.max(axis=0), sentence,
            h[prev.lo : prev.hi].mean(axis=0) if has_prev else zeros,
            before if before is not None else zeros,
            [1.0 if has_prev else 0.0, 1.0 if before is not None else 0.0],
            self.shape_emb[SHAPES.index(units[slot.unit].shape)],
        ])
        return feats.astype(np.float32), weights

    def _decide(self, feats: np.ndarray, targets, text, offsets, probs, status, cue, read) -> None:
        """The head over many units at once: a few large products instead of one small product per unit."""
        hidden = _gelu(feats @ self.hidden_w + self.hidden_b)
        p = _softmax(hidden @ self.category_w + self.category_b, axis=1)  # "none" + categories
        present = _sigmoid(hidden @ self.present_w + self.present_b)
        goes_on = _sigmoid(hidden @ self.goes_on_w + self.goes_on_b)[:, None]
        event = np.maximum(p[:, 1:], present)
        statuses = _softmax(hidden @ self.status_w + self.status_b, axis=1)
        for k, (w, slot, weights) in enumerate(targets):
            probs[slot.unit, :, 0] = 1.0 - event[k]
            probs[slot.unit, :, 1] = event[k] * (1.0 - goes_on[k])
            probs[slot.unit, :, 2] = event[k] * goes_on[k]
            status[slot.unit] = statuses[k]
            cue[slot.unit] = _cue(text=text, offsets=offsets, first=w.lo + slot.lo - 1, weights=weights)
            read[slot.unit] = True


@functools.cache
def load_model(directory: str | None = None) -> EventModel:
    """The shipped model, loaded once per process."""
    return EventModel(Path(directory) if directory else MODEL_DIR)
