"""BERT-base-sized encoder for the model benchmark: 12 layers, hidden 768, 12 heads, FFN 3072, vocabulary 30522,
written the way Hugging Face's BertModel computes (additive attention mask from an int64 attention_mask, scores
scaled by 1/sqrt(d), erf GELU, post-LayerNorm). Random weights from a fixed seed: the benchmark measures speed and
checks our output against ONNX Runtime, so trained weights add nothing. Exported by torch.onnx.export (opset 14)
with dynamic batch and sequence axes; compile with `--dim batch=1 --dim seq=128`.

    /usr/bin/python3 export_bert.py OUT_DIR [--seq 128] [--layers 12]

Writes OUT_DIR/bert_base.onnx, bert_base.input_ids.npy, bert_base.attention_mask.npy (int64, batch 1, the last
eighth of the positions masked out as padding) and bert_base.output.npy (PyTorch's last hidden state).
"""
import argparse
import math
import os

import numpy as np
import torch
from torch import nn


class SelfAttention(nn.Module):
    def __init__(self, hidden, heads):
        super().__init__()
        self.heads, self.head_size = heads, hidden // heads
        self.query, self.key, self.value = nn.Linear(hidden, hidden), nn.Linear(hidden, hidden), nn.Linear(hidden, hidden)
        self.output = nn.Linear(hidden, hidden)
        self.norm = nn.LayerNorm(hidden, eps=1e-12)

    def split(self, x):
        b, s, _ = x.shape
        return x.view(b, s, self.heads, self.head_size).permute(0, 2, 1, 3)

    def forward(self, x, additive_mask):
        q, k, v = self.split(self.query(x)), self.split(self.key(x)), self.split(self.value(x))
        scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(self.head_size) + additive_mask
        context = torch.matmul(torch.softmax(scores, dim=-1), v).permute(0, 2, 1, 3)
        b, s = context.shape[0], context.shape[1]
        context = context.reshape(b, s, self.heads * self.head_size)
        return self.norm(self.output(context) + x)


class Layer(nn.Module):
    def __init__(self, hidden, heads, ffn):
        super().__init__()
        self.attention = SelfAttention(hidden, heads)
        self.intermediate = nn.Linear(hidden, ffn)
        self.output = nn.Linear(ffn, hidden)
        self.norm = nn.LayerNorm(hidden, eps=1e-12)

    def forward(self, x, additive_mask):
        x = self.attention(x, additive_mask)
        return self.norm(self.output(nn.functional.gelu(self.intermediate(x))) + x)


class Encoder(nn.Module):
    def __init__(self, layers, hidden=768, heads=12, ffn=3072, vocabulary=30522, positions=512):
        super().__init__()
        self.words = nn.Embedding(vocabulary, hidden)
        self.positions = nn.Embedding(positions, hidden)
        self.types = nn.Embedding(2, hidden)
        self.norm = nn.LayerNorm(hidden, eps=1e-12)
        self.layers = nn.ModuleList(Layer(hidden, heads, ffn) for _ in range(layers))

    def forward(self, input_ids, attention_mask):
        seq = input_ids.shape[1]
        position_ids = torch.arange(seq, dtype=torch.long, device=input_ids.device).unsqueeze(0)
        x = self.words(input_ids) + self.positions(position_ids) + self.types(torch.zeros_like(input_ids))
        x = self.norm(x)
        additive_mask = (1.0 - attention_mask[:, None, None, :].to(x.dtype)) * -10000.0
        for layer in self.layers:
            x = layer(x, additive_mask)
        return x


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('out')
    parser.add_argument('--seq', type=int, default=128)
    parser.add_argument('--layers', type=int, default=12)
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    torch.manual_seed(2026)
    model = Encoder(args.layers).eval()
    generator = torch.Generator().manual_seed(7)
    input_ids = torch.randint(0, 30522, (1, args.seq), generator=generator, dtype=torch.long)
    attention_mask = torch.ones(1, args.seq, dtype=torch.long)
    attention_mask[:, args.seq - args.seq // 8:] = 0
    with torch.no_grad():
        expected = model(input_ids, attention_mask)
    path = os.path.join(args.out, 'bert_base')
    torch.onnx.export(model, (input_ids, attention_mask), path + '.onnx', opset_version=14,
                      input_names=['input_ids', 'attention_mask'], output_names=['last_hidden_state'],
                      dynamic_axes={'input_ids': {0: 'batch', 1: 'seq'}, 'attention_mask': {0: 'batch', 1: 'seq'},
                                    'last_hidden_state': {0: 'batch', 1: 'seq'}})
    np.save(path + '.input_ids.npy', input_ids.numpy())
    np.save(path + '.attention_mask.npy', attention_mask.numpy())
    np.save(path + '.output.npy', expected.numpy())


if __name__ == '__main__':
    main()
