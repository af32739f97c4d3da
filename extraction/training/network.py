"""The event model in PyTorch, for training; ``extraction/pipeline/model.py`` runs the same head in numpy.

Keep the two in step: every tensor here has its numpy twin there, and ``head_arrays`` writes the head's
weights under the names ``model.py`` reads.

For each reading unit the head pools the encoder's states of the unit (mean, max, and a learned attention
whose most-weighted word is the unit's *cue*), of its whole sentence, of the piece before it in the sentence
and of the sentence or heading before (read in its own window), then one hidden layer shared by all categories feeds four outputs: a softmax
over "no event" and the 24 categories (categories compete, so a clause is housing *or* housing assistance
unless the evidence really splits), a yes/no per category for a second fact in the same clause, whether the
unit continues the previous piece's event, and an engagement's status. A category is proposed with the
larger of its two probabilities.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from extraction.pipeline.units import SHAPES

SHAPE_DIM = 16
HIDDEN = 384
POOLS = 6  # attended, mean, max, sentence, previous piece, the window before (then two flags and the shape)


@dataclass
class TargetBatch:
    """The target units of a batch of windows, as index tensors."""

    window: torch.Tensor  # [T] row of the window in the batch
    mask: torch.Tensor  # [T, L] the unit's tokens
    prev_mask: torch.Tensor  # [T, L] the previous piece's tokens (all False when none)
    before: torch.Tensor  # [T, D] summary of the window before the unit's window (zeros when none)
    has_before: torch.Tensor  # [T, 1] 1.0 when there is a window before
    shape: torch.Tensor  # [T] index into SHAPES
    category: torch.Tensor  # [T, C+1] target distribution over "none" + categories; all zero: not in the loss
    present: torch.Tensor  # [T, C] 1 the unit states an event of the category, 0 it does not, -1 left out
    goes_on: torch.Tensor  # [T] 1 the unit continues the previous piece's event, 0 it starts one, -1 no event
    status: torch.Tensor  # [T] index into STATUS_LABELS or -100


def _masked_mean(h: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    m = mask.float()
    return (h * m[..., None]).sum(1) / m.sum(1, keepdim=True).clamp(min=1.0)


class EventNetwork(nn.Module):
    def __init__(self, encoder: nn.Module, n_categories: int, n_statuses: int, dropout: float = 0.1):
        super().__init__()
        self.encoder = encoder
        d = encoder.config.hidden_size
        self.dropout = nn.Dropout(dropout)
        self.cue_query = nn.Parameter(torch.randn(d) * 0.02)
        self.shape_emb = nn.Parameter(torch.randn(len(SHAPES), SHAPE_DIM) * 0.02)
        self.hidden_w = nn.Parameter(torch.empty(POOLS * d + 2 + SHAPE_DIM, HIDDEN))
        nn.init.xavier_uniform_(self.hidden_w)
        self.hidden_b = nn.Parameter(torch.zeros(HIDDEN))
        self.category_w = nn.Parameter(torch.empty(HIDDEN, n_categories + 1))
        nn.init.xavier_uniform_(self.category_w)
        self.category_b = nn.Parameter(torch.zeros(n_categories + 1))
        # beside the softmax, one yes/no per category: a clause can hold a second fact of another kind
        # ("while in prison, he completed a treatment program") that the softmax would let the first drown
        self.present_w = nn.Parameter(torch.empty(HIDDEN, n_categories))
        nn.init.xavier_uniform_(self.present_w)
        self.present_b = nn.Parameter(torch.full((n_categories,), -3.0))
        self.goes_on_w = nn.Parameter(torch.zeros(HIDDEN))
        self.goes_on_b = nn.Parameter(torch.zeros(()))
        self.status_w = nn.Parameter(torch.empty(HIDDEN, n_statuses))
        nn.init.xavier_uniform_(self.status_w)
        self.status_b = nn.Parameter(torch.zeros(n_statuses))
        self.scale = d**-0.5

    def hidden(self, input_ids, attention_mask) -> torch.Tensor:
        return self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state

    def summaries(self, h: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        """Each row's mean over its own words (no [CLS], no [SEP]): the summary of a sentence, row or heading."""
        words = attention_mask.bool().clone()
        words[:, 0] = False
        words[torch.arange(len(words)), attention_mask.sum(1) - 1] = False
        return _masked_mean(h, words)

    def forward(self, input_ids, attention_mask, targets: TargetBatch):
        h = self.dropout(self.hidden(input_ids, attention_mask))
        summaries = self.summaries(h, attention_mask)  # [B, D]
        ht = h[targets.window]  # [T, L, D]
        mask = targets.mask
        mean = _masked_mean(ht, mask)
        top = ht.masked_fill(~mask[..., None], float("-inf")).max(1).values
        scores = (ht @ self.cue_query * self.scale).masked_fill(~mask, float("-inf"))
        attended = torch.einsum("tl,tld->td", torch.softmax(scores, dim=1), ht)
        sentence = summaries[targets.window]
        prev = _masked_mean(ht, targets.prev_mask)
        has_prev = targets.prev_mask.any(1, keepdim=True).float()
        feats = torch.cat(
            [attended, mean, top, sentence, prev, targets.before, has_prev, targets.has_before,
             self.shape_emb[targets.shape]], 1
        )
        hidden = self.dropout(torch.nn.functional.gelu(feats @ self.hidden_w + self.hidden_b))
        return (
            hidden @ self.category_w + self.category_b,
            hidden @ self.present_w + self.present_b,
            hidden @ self.goes_on_w + self.goes_on_b,
            hidden @ self.status_w + self.status_b,
        )

    def head_arrays(self) -> dict:
        """The head's weights under the names model.py loads."""
        names = ("cue_query", "shape_emb", "hidden_w", "hidden_b", "category_w", "category_b",
                 "present_w", "present_b", "goes_on_w", "goes_on_b", "status_w", "status_b")
        return {name: getattr(self, name).detach().cpu().numpy().astype("float32") for name in names}


class EncoderForExport(nn.Module):
    """The encoder alone, with the two inputs model.py feeds it, for torch.onnx.export."""

    def __init__(self, encoder: nn.Module):
        super().__init__()
        self.encoder = encoder

    def forward(self, input_ids, attention_mask):
        return self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
