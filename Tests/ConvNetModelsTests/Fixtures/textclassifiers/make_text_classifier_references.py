"""PyTorch references for ConvNet's text classifiers (TextCNN, BiLSTM, embedding + logistic).

Writes, for each model, `<name>.safetensors` (the state dict, PyTorch keys) and
`<name>.io.safetensors` (`ids` [N, T] as float32, `lengths` [N] as float32, `logits` [N, K]):
the models are defined here from torch.nn exactly as the Swift doc comments describe them,
given seeded random weights, run in float64 in eval mode, and the results stored as float32.
Run by hand: /work/venv/bin/python make_text_classifier_references.py
"""
import torch
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence
from safetensors.torch import save_file

torch.manual_seed(14)
V = 23
IDS_LENGTHS = [9, 6, 3, 1]  # one row shorter than the widest window (5): it reads padding


class TextCNN(nn.Module):
    def __init__(self, V, E, F, widths, K):
        super().__init__()
        self.embedding = nn.Embedding(V, E, padding_idx=0)
        self.convs = nn.ModuleList([nn.Conv1d(E, F, w) for w in widths])
        self.dropout = nn.Dropout(0.5)
        self.fc = nn.Linear(F * len(widths), K)

    def forward(self, ids, lengths):
        x = self.embedding(ids).transpose(1, 2)  # [N, E, T]
        pooled = []
        for conv in self.convs:
            h = torch.relu(conv(x))  # [N, F, T - w + 1]
            w = conv.kernel_size[0]
            positions = h.shape[2]
            mask = torch.zeros(h.shape[0], 1, positions, dtype=h.dtype)
            for i, n in enumerate(lengths):
                mask[i, 0, : min(positions, max(1, n - w + 1))] = 1
            pooled.append((h * mask).amax(2))
        return self.fc(self.dropout(torch.cat(pooled, 1)))


class BiLSTMClassifier(nn.Module):
    def __init__(self, V, E, H, K):
        super().__init__()
        self.embedding = nn.Embedding(V, E, padding_idx=0)
        self.lstm = nn.LSTM(E, H, batch_first=True, bidirectional=True)
        self.dropout = nn.Dropout(0.5)
        self.fc = nn.Linear(2 * H, K)

    def forward(self, ids, lengths):
        packed = pack_padded_sequence(
            self.embedding(ids), torch.tensor(lengths), batch_first=True, enforce_sorted=False)
        _, (h, _) = self.lstm(packed)  # [2, N, H]
        return self.fc(self.dropout(torch.cat([h[0], h[1]], 1)))


class EmbeddingLogistic(nn.Module):
    def __init__(self, V, E, K):
        super().__init__()
        self.embedding = nn.EmbeddingBag(V, E, mode="mean")
        self.fc = nn.Linear(E, K)

    def forward(self, ids, lengths):
        flat = torch.cat([ids[i, :n] for i, n in enumerate(lengths)])
        offsets = torch.tensor([0] + list(torch.tensor(lengths).cumsum(0)[:-1]))
        return self.fc(self.embedding(flat, offsets))


def batch():
    T = max(IDS_LENGTHS)
    ids = torch.zeros(len(IDS_LENGTHS), T, dtype=torch.long)
    for i, n in enumerate(IDS_LENGTHS):
        ids[i, :n] = torch.randint(1, V, (n,))
    return ids


def write(name, model):
    # Non-default weights everywhere (biases too), so that a wrong key or layout shows.
    with torch.no_grad():
        for key, p in model.named_parameters():
            p.copy_(torch.randn_like(p) * 0.5)
        if isinstance(model.embedding, nn.Embedding):
            model.embedding.weight[0].zero_()  # the padding row, as nn.Embedding(padding_idx=0) has it
    model = model.double().eval()
    ids = batch()
    with torch.no_grad():
        logits = model(ids, IDS_LENGTHS)
    save_file({k: v.float().contiguous() for k, v in model.state_dict().items()}, f"{name}.safetensors")
    save_file(
        {
            "ids": ids.float(),
            "lengths": torch.tensor(IDS_LENGTHS, dtype=torch.float32),
            "logits": logits.float(),
        },
        f"{name}.io.safetensors",
    )
    print(name, list(logits.shape), [f"{k} {list(v.shape)}" for k, v in model.state_dict().items()])


write("textcnn", TextCNN(V, 6, 4, (3, 4, 5), 3))
write("bilstm", BiLSTMClassifier(V, 5, 4, 2))
write("embedding_logistic", EmbeddingLogistic(V, 5, 2))
