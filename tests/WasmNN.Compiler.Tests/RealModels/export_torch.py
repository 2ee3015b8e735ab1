"""Exports the two transformer models of issue #9 with torch.onnx.export (opset 14, dynamic axes batch and seq) and
PyTorch's outputs for two sequence lengths, the independent reference of TorchTransformerTests:

- bert_style.onnx: nn.Embedding over int64 input_ids (+ learned positions), nn.TransformerEncoder whose
  src_key_padding_mask comes from an int64 attention_mask (padded positions are 0, so masking is exercised);
- gpt_style.onnx: token + position embeddings, causal self-attention whose mask is torch.triu(ones) (Trilu) applied
  by masked_fill (Where), GELU MLP, LayerNorm, and an LM head tied to the token embedding.

For each model M and length N it writes M.onnx, M.sN.input_ids.npy, M.sN.attention_mask.npy (bert only) and
M.sN.output.npy into the folder given as the only argument. Run with Debian's python3-torch:
/usr/bin/python3 export_torch.py OUT_DIR (scripts/fetch-real-models.sh does, when an output is missing)."""
import math
import os
import sys

import numpy as np
import torch

VOCAB, D_MODEL, HEADS, FF, LAYERS, MAX_LEN = 97, 32, 4, 64, 2, 32
SEQ_LENGTHS = (7, 16)


class BertStyle(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.tokens = torch.nn.Embedding(VOCAB, D_MODEL)
        self.positions = torch.nn.Embedding(MAX_LEN, D_MODEL)
        layer = torch.nn.TransformerEncoderLayer(D_MODEL, HEADS, FF, dropout=0.0, activation="gelu", batch_first=True)
        # enable_nested_tensor=False: PyTorch's eval fast path would otherwise zero the padded positions.
        self.encoder = torch.nn.TransformerEncoder(layer, LAYERS, enable_nested_tensor=False)
        self.norm = torch.nn.LayerNorm(D_MODEL)

    def forward(self, input_ids, attention_mask):
        positions = torch.arange(input_ids.shape[1], device=input_ids.device).unsqueeze(0)
        x = self.tokens(input_ids) + self.positions(positions)
        return self.norm(self.encoder(x, src_key_padding_mask=attention_mask == 0))


class CausalSelfAttention(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.qkv = torch.nn.Linear(D_MODEL, 3 * D_MODEL)
        self.proj = torch.nn.Linear(D_MODEL, D_MODEL)

    def forward(self, x):
        batch, seq, _ = x.shape
        q, k, v = self.qkv(x).split(D_MODEL, dim=2)
        heads = lambda t: t.reshape(batch, seq, HEADS, D_MODEL // HEADS).transpose(1, 2)
        q, k, v = heads(q), heads(k), heads(v)
        scores = q @ k.transpose(-2, -1) / math.sqrt(D_MODEL // HEADS)
        future = torch.triu(torch.ones(seq, seq, device=x.device), diagonal=1).bool()
        weights = torch.softmax(scores.masked_fill(future, float("-inf")), dim=-1)
        return self.proj((weights @ v).transpose(1, 2).reshape(batch, seq, D_MODEL))


class Block(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.ln1 = torch.nn.LayerNorm(D_MODEL)
        self.attention = CausalSelfAttention()
        self.ln2 = torch.nn.LayerNorm(D_MODEL)
        self.mlp = torch.nn.Sequential(torch.nn.Linear(D_MODEL, FF), torch.nn.GELU(), torch.nn.Linear(FF, D_MODEL))

    def forward(self, x):
        x = x + self.attention(self.ln1(x))
        return x + self.mlp(self.ln2(x))


class GptStyle(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.tokens = torch.nn.Embedding(VOCAB, D_MODEL)
        self.positions = torch.nn.Embedding(MAX_LEN, D_MODEL)
        self.blocks = torch.nn.Sequential(*[Block() for _ in range(LAYERS)])
        self.norm = torch.nn.LayerNorm(D_MODEL)
        self.head = torch.nn.Linear(D_MODEL, VOCAB, bias=False)
        self.head.weight = self.tokens.weight

    def forward(self, input_ids):
        positions = torch.arange(input_ids.shape[1], device=input_ids.device).unsqueeze(0)
        return self.head(self.norm(self.blocks(self.tokens(input_ids) + self.positions(positions))))


def export(model, name, inputs, out):
    names = list(inputs)
    axes = {n: {0: "batch", 1: "seq"} for n in names}
    axes["output"] = {0: "batch", 1: "seq"}
    example = {n: fn(SEQ_LENGTHS[0]) for n, fn in inputs.items()}
    torch.onnx.export(model, tuple(example.values()), os.path.join(out, f"{name}.onnx"), input_names=names,
                      output_names=["output"], dynamic_axes=axes, opset_version=14, do_constant_folding=True)
    for seq in SEQ_LENGTHS:
        values = {n: fn(seq) for n, fn in inputs.items()}
        with torch.no_grad():
            output = model(*values.values())
        for n, v in values.items():
            np.save(os.path.join(out, f"{name}.s{seq}.{n}.npy"), v.numpy())
        np.save(os.path.join(out, f"{name}.s{seq}.output.npy"), output.numpy())


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(20261206)
    ids = lambda seq: torch.randint(0, VOCAB, (1, seq), generator=torch.Generator().manual_seed(seq), dtype=torch.int64)
    # The last quarter of the positions (at least two) is padding.
    mask = lambda seq: (torch.arange(seq) < seq - max(2, seq // 4)).to(torch.int64).unsqueeze(0)
    export(BertStyle().eval(), "bert_style", {"input_ids": ids, "attention_mask": mask}, out)
    export(GptStyle().eval(), "gpt_style", {"input_ids": ids}, out)


if __name__ == "__main__":
    main()
