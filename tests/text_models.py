"""A small transformer encoder in the style of text models: token ids and an attention mask
(both int64) in, a dict of named outputs out. Tests build it, save its weights as
safetensors with the position-ids buffer older checkpoints carry, and name it with
``text_models.py:TextEncoder``."""

from __future__ import annotations

from pathlib import Path

import torch

VOCABULARY = 50
LENGTH = 16


class Embeddings(torch.nn.Module):
    def __init__(self, vocabulary: int, width: int, length: int):
        super().__init__()
        self.word_embeddings = torch.nn.Embedding(vocabulary, width)
        self.position_embeddings = torch.nn.Embedding(length, width)
        # not saved with the weights (persistent=False), as newer text models register it
        self.register_buffer("position_ids", torch.arange(length)[None], persistent=False)

    def forward(self, ids):
        positions = self.position_ids[:, : ids.shape[1]]
        return self.word_embeddings(ids) + self.position_embeddings(positions)


class TextEncoder(torch.nn.Module):
    def __init__(self, vocabulary: int = VOCABULARY, width: int = 16, length: int = LENGTH):
        super().__init__()
        self.embeddings = Embeddings(vocabulary, width, length)
        self.layer = torch.nn.TransformerEncoderLayer(
            width, 2, 2 * width, dropout=0.0, batch_first=True
        )
        self.pooler = torch.nn.Linear(width, width)

    def forward(self, ids, mask):
        hidden = self.layer(self.embeddings(ids), src_key_padding_mask=mask == 0)
        weights = mask.unsqueeze(-1).to(hidden.dtype)
        pooled = torch.tanh(self.pooler((hidden * weights).sum(1) / weights.sum(1)))
        return {"last_hidden_state": hidden, "pooled": pooled}


def save_text_encoder(path: Path, seed: int = 0) -> Path:
    """The encoder's weights as safetensors, with ``embeddings.position_ids`` among them
    (a buffer the architecture does not save)."""
    from safetensors.torch import save_file

    torch.manual_seed(seed)
    model = TextEncoder().eval()
    state = {k: v.contiguous() for k, v in model.state_dict().items()}
    state["embeddings.position_ids"] = torch.arange(LENGTH)[None]
    save_file(state, str(path))
    return path
