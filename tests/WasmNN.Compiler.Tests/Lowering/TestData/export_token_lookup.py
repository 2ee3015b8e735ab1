"""Exports token_lookup.onnx (int64 token ids -> embedding Gather -> Linear, plus an int64 and a bool lookup) and
PyTorch's outputs for one input, the independent reference of TokenLookupModelTests. Run with Debian's python3-torch:
/usr/bin/python3 export_token_lookup.py (from this folder)."""
import numpy as np
import torch


class TokenLookup(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.embedding = torch.nn.Embedding(10, 4)
        self.linear = torch.nn.Linear(4, 3)
        self.register_buffer("codes", torch.arange(10, dtype=torch.int64) * 7 - 20)
        self.register_buffer("flags", torch.arange(10) % 3 == 0)

    def forward(self, ids):
        return self.linear(self.embedding(ids)), self.codes[ids], self.flags[ids]


torch.manual_seed(7)
model = TokenLookup().eval()
ids = torch.tensor([[1, 0, 9, 4, 4], [7, 2, 3, 8, 5]], dtype=torch.int64)
with torch.no_grad():
    scores, codes, flags = model(ids)
torch.onnx.export(model, (ids,), "token_lookup.onnx", input_names=["ids"], output_names=["scores", "codes", "flags"],
                  opset_version=13, do_constant_folding=True)
np.save("token_lookup.ids.npy", ids.numpy())
np.save("token_lookup.scores.npy", scores.numpy())
np.save("token_lookup.codes.npy", codes.numpy())
np.save("token_lookup.flags.npy", flags.numpy())
