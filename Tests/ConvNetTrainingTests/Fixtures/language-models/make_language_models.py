"""PyTorch references for `convnet infer --arch lstm-lm|gru-lm|rnn-lm` (LanguageModelInferenceTests).

For each cell type this builds the module layout of the catalogue entries,

    embedding = nn.Embedding(V, E)
    rnn       = nn.LSTM | nn.GRU | nn.RNN(E, H, num_layers=L, batch_first=True)
    head      = nn.Linear(H, V)

saves its `state_dict()` with `safetensors.torch.save_file` (exactly what a PyTorch user would
hand to ConvNet), an int64 batch of token ids (N, T) under "input" and PyTorch's logits
(N, T, V) under "output". The forward runs in float64 from the float32 weights, so the stored
logits are the exact answer rounded once.

Run from this folder: /work/venv/bin/python make_language_models.py
"""

import torch
from safetensors.torch import save_file
from torch import nn


class LanguageModel(nn.Module):
    def __init__(self, cell, vocabulary, embedding, hidden, layers):
        super().__init__()
        self.embedding = nn.Embedding(vocabulary, embedding)
        self.rnn = cell(embedding, hidden, num_layers=layers, batch_first=True)
        self.head = nn.Linear(hidden, vocabulary)

    def forward(self, ids):
        output, _ = self.rnn(self.embedding(ids))
        return self.head(output)


CASES = [
    # name, cell, V, E, H, L, N, T
    ("lstm-lm", nn.LSTM, 11, 5, 7, 2, 3, 6),
    ("gru-lm", nn.GRU, 9, 4, 6, 2, 2, 5),
    ("rnn-lm", nn.RNN, 13, 6, 5, 1, 2, 7),
]

for index, (name, cell, V, E, H, L, N, T) in enumerate(CASES):
    torch.manual_seed(100 + index)
    model = LanguageModel(cell, V, E, H, L)
    # Wider weights than the default init, so that the nonlinearities leave their linear range.
    with torch.no_grad():
        for parameter in model.parameters():
            parameter.mul_(2.0)
    ids = torch.randint(0, V, (N, T), dtype=torch.int64)
    ids[0, 0] = V - 1  # the largest valid id is exercised
    with torch.no_grad():
        logits = model.double()(ids).float()
        model.float()
    save_file({k: v.contiguous() for k, v in model.state_dict().items()}, f"{name}.safetensors")
    save_file({"input": ids}, f"{name}.input.safetensors")
    save_file({"output": logits.contiguous()}, f"{name}.output.safetensors")
    print(name, dict((k, tuple(v.shape)) for k, v in model.state_dict().items()), tuple(logits.shape))
