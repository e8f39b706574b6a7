"""Reference logits of ConvNet's seq2seq-attn (Seq2SeqAttention.swift) computed by PyTorch.

The same network written with torch.nn: GRU encoder over packed sequences (padding skipped),
optional bidirectional encoder with a Linear(2H, H) + tanh bridge for the outputs and the final
states, a GRU decoder with input feeding, Luong dot / general or Bahdanau attention masked by
the source lengths, h~ = tanh(combine([context; h])), logits = output(h~). Weights are drawn
from a seeded generator, the state dict is saved with the padded sources, their lengths, the
decoder inputs and the teacher-forced logits, one file per configuration, in float64 maths.

Run by hand (not by CI):  /work/venv/bin/python make_seq2seq_reference.py
"""

import os

import torch
import torch.nn as nn
from safetensors.torch import save_file
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

HERE = os.path.dirname(os.path.abspath(__file__))


class LuongAttention(nn.Module):
    def __init__(self, hidden, general):
        super().__init__()
        self.general = general
        if general:
            self.weight = nn.Parameter(torch.randn(hidden, hidden) * 0.3)

    def score(self, query, keys):
        # query [N, H], keys [N, S, H] -> [N, S]
        if self.general:
            keys = keys @ self.weight.T  # hᵀ·W·m with m mapped by W
        return torch.bmm(keys, query.unsqueeze(2)).squeeze(2)


class BahdanauAttention(nn.Module):
    def __init__(self, query_dim, key_dim, hidden):
        super().__init__()
        # The names of PyTorch's seq2seq tutorial (and of ConvNet's BahdanauAttention).
        self.Wa = nn.Linear(query_dim, hidden)
        self.Ua = nn.Linear(key_dim, hidden)
        self.Va = nn.Linear(hidden, 1)

    def score(self, query, keys):
        return self.Va(torch.tanh(self.Wa(query).unsqueeze(1) + self.Ua(keys))).squeeze(2)


def attend(attention, query, keys, mask):
    scores = attention.score(query, keys).masked_fill(~mask, float("-inf"))
    weights = torch.softmax(scores, dim=1)
    return torch.bmm(weights.unsqueeze(1), keys).squeeze(1)


class Encoder(nn.Module):
    def __init__(self, V, E, H, L, bidirectional):
        super().__init__()
        self.embedding = nn.Embedding(V, E, padding_idx=0)
        self.rnn = nn.GRU(E, H, num_layers=L, batch_first=True, bidirectional=bidirectional)
        self.H, self.L, self.bidirectional = H, L, bidirectional
        if bidirectional:
            self.bridge = nn.Linear(2 * H, H)

    def forward(self, ids, lengths):
        n, s = ids.shape
        packed = pack_padded_sequence(self.embedding(ids), lengths, batch_first=True, enforce_sorted=False)
        out, h = self.rnn(packed)
        out, _ = pad_packed_sequence(out, batch_first=True, total_length=s)
        if not self.bidirectional:
            return out, h
        memory = torch.tanh(self.bridge(out))
        h = h.view(self.L, 2, n, self.H)
        return memory, torch.tanh(self.bridge(torch.cat([h[:, 0], h[:, 1]], dim=2)))


class Decoder(nn.Module):
    def __init__(self, V, E, H, L, attention):
        super().__init__()
        self.embedding = nn.Embedding(V, E, padding_idx=0)
        self.rnn = nn.GRU(E + H, H, num_layers=L, batch_first=True)
        self.attention = attention
        self.combine = nn.Linear(2 * H, H)
        self.output = nn.Linear(H, V)
        self.H = H

    def forward(self, inputs, memory, mask, state):
        n, t = inputs.shape
        attentional = torch.zeros(n, self.H, dtype=memory.dtype)
        steps = []
        for column in range(t):
            x = torch.cat([self.embedding(inputs[:, column]), attentional], dim=1).unsqueeze(1)
            top, state = self.rnn(x, state)
            h = top.squeeze(1)
            context = attend(self.attention, h, memory, mask)
            attentional = torch.tanh(self.combine(torch.cat([context, h], dim=1)))
            steps.append(attentional)
        return self.output(torch.stack(steps, dim=1))


class Seq2Seq(nn.Module):
    def __init__(self, Vs, Vt, E, H, L, bidirectional, attention):
        super().__init__()
        self.encoder = Encoder(Vs, E, H, L, bidirectional)
        if attention == "bahdanau":
            module = BahdanauAttention(H, H, H)
        else:
            module = LuongAttention(H, attention == "luong-general")
        self.decoder = Decoder(Vt, E, H, L, module)

    def forward(self, source, lengths, decoder_input):
        memory, state = self.encoder(source, lengths)
        mask = torch.arange(source.shape[1]).unsqueeze(0) < lengths.unsqueeze(1)
        return self.decoder(decoder_input, memory, mask, state.contiguous())


def make(name, attention, bidirectional, layers, seed):
    torch.manual_seed(seed)
    Vs, Vt, E, H = 9, 11, 5, 6
    model = Seq2Seq(Vs, Vt, E, H, layers, bidirectional, attention).double()
    with torch.no_grad():
        for p in model.parameters():
            p.uniform_(-0.6, 0.6)
            p.copy_(p.float().double())  # the reference computes with exactly the saved float32 weights
    lengths = torch.tensor([4, 2, 5])
    source = torch.zeros(3, 5, dtype=torch.long)
    for row, length in enumerate(lengths.tolist()):
        source[row, :length] = torch.randint(4, Vs, (length,))
    decoder_input = torch.randint(2, Vt, (3, 4))
    with torch.no_grad():
        logits = model(source, lengths, decoder_input)
    tensors = {k: v.float().contiguous() for k, v in model.state_dict().items()}
    tensors["test.source"] = source.float()
    tensors["test.lengths"] = lengths.float()
    tensors["test.decoder_input"] = decoder_input.float()
    tensors["test.logits"] = logits.float()
    save_file(tensors, os.path.join(HERE, f"{name}.safetensors"))
    print(name, sorted(k for k in tensors if not k.startswith("test.")))


if __name__ == "__main__":
    make("luong_dot", "luong-dot", False, 1, 1)
    make("luong_general_bidirectional", "luong-general", True, 2, 2)
    make("bahdanau", "bahdanau", False, 2, 3)
