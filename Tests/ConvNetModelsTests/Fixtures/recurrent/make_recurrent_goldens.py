"""PyTorch goldens for RecurrentParityTests (run by hand, not in CI):

    /work/venv/bin/python Tests/ConvNetModelsTests/Fixtures/recurrent/make_recurrent_goldens.py

needs torch and safetensors. For every case below — LSTM, GRU, RNN(tanh), RNN(relu) ×
{1, 2 layers} × {one direction, bidirectional} × {batch_first False, True}, plus a lengths case
per cell (pack_padded_sequence with unsorted lengths, two layers, bidirectional) — it builds
`torch.nn.<cell>` with random float32 weights, a random input and initial states, runs it and
backpropagates L = Σ out⊙w_out + Σ h_n⊙w_h (+ Σ c_n⊙w_c) for fixed random weightings, and writes
into recurrent.safetensors, under the prefix `<case>.`:

* `weight_ih_l0` … (the module's state_dict, F32: exactly the weights computed with);
* `input`, `h0`, `c0` (LSTM), `lengths` (I64, lengths cases only);
* `w_out`, `w_h`, `w_c`: the weightings of the outputs in L;
* `output`, `h_n`, `c_n`: the forward (padded with zeros past each length);
* `grad.input`, `grad.h0`, `grad.c0`, `grad.<parameter>`: dL/d… .

Everything is computed in float64 from the stored float32 values and stored as float32, so the
goldens carry no float32 rounding of their own. One thread, fixed seed: the file regenerates
byte-identical.
"""
import os

import torch
from safetensors.torch import save_file

HERE = os.path.dirname(os.path.abspath(__file__))
T, N, I, H = 5, 3, 4, 3


def make_module(kind, layers, bidirectional, batch_first):
    if kind == "lstm":
        return torch.nn.LSTM(I, H, num_layers=layers, bidirectional=bidirectional, batch_first=batch_first)
    if kind == "gru":
        return torch.nn.GRU(I, H, num_layers=layers, bidirectional=bidirectional, batch_first=batch_first)
    nonlinearity = "tanh" if kind == "rnn_tanh" else "relu"
    return torch.nn.RNN(
        I, H, num_layers=layers, nonlinearity=nonlinearity, bidirectional=bidirectional,
        batch_first=batch_first)


def rounded(tensor):
    """A float64 copy of tensor's float32 rounding: the value ConvNet holds."""
    return tensor.float().double()


def make_case(kind, layers, bidirectional, batch_first, lengths=None):
    directions = 2 if bidirectional else 1
    module = make_module(kind, layers, bidirectional, batch_first)
    with torch.no_grad():
        for parameter in module.parameters():
            parameter.copy_(rounded(torch.empty_like(parameter).uniform_(-0.6, 0.6)))
    module = module.double()
    shape = (N, T, I) if batch_first else (T, N, I)
    x = rounded(torch.randn(shape)).requires_grad_()
    h0 = rounded(torch.randn(layers * directions, N, H) * 0.5).requires_grad_()
    c0 = rounded(torch.randn(layers * directions, N, H) * 0.5).requires_grad_() if kind == "lstm" else None
    state = (h0, c0) if kind == "lstm" else h0
    if lengths is None:
        out, final = module(x, state)
    else:
        packed = torch.nn.utils.rnn.pack_padded_sequence(
            x, torch.tensor(lengths), batch_first=batch_first, enforce_sorted=False)
        packed_out, final = module(packed, state)
        out, _ = torch.nn.utils.rnn.pad_packed_sequence(packed_out, batch_first=batch_first, total_length=T)
    h_n, c_n = final if kind == "lstm" else (final, None)
    w_out = rounded(torch.randn(out.shape))
    w_h = rounded(torch.randn(h_n.shape))
    loss = (out * w_out).sum() + (h_n * w_h).sum()
    tensors = {"input": x, "h0": h0, "w_out": w_out, "w_h": w_h, "output": out, "h_n": h_n}
    if c_n is not None:
        w_c = rounded(torch.randn(c_n.shape))
        loss = loss + (c_n * w_c).sum()
        tensors.update({"c0": c0, "w_c": w_c, "c_n": c_n})
    loss.backward()
    tensors["grad.input"] = x.grad
    tensors["grad.h0"] = h0.grad
    if c0 is not None:
        tensors["grad.c0"] = c0.grad
    for name, parameter in module.named_parameters():
        tensors[name] = parameter
        tensors["grad." + name] = parameter.grad
    result = {key: value.detach().float().contiguous() for key, value in tensors.items()}
    if lengths is not None:
        result["lengths"] = torch.tensor(lengths, dtype=torch.int64)
    return result


def main():
    torch.manual_seed(14)
    torch.set_num_threads(1)
    tensors = {}
    names = []
    for kind in ["lstm", "gru", "rnn_tanh", "rnn_relu"]:
        for layers in [1, 2]:
            for bidirectional in [False, True]:
                for batch_first in [False, True]:
                    name = f"{kind}_l{layers}_{'bi' if bidirectional else 'uni'}_{'bf' if batch_first else 'tm'}"
                    names.append(name)
                    for key, value in make_case(kind, layers, bidirectional, batch_first).items():
                        tensors[f"{name}.{key}"] = value
        for batch_first in [False, True]:
            name = f"{kind}_l2_bi_{'bf' if batch_first else 'tm'}_lengths"
            names.append(name)
            for key, value in make_case(kind, 2, True, batch_first, lengths=[3, 5, 1]).items():
                tensors[f"{name}.{key}"] = value
    save_file(tensors, os.path.join(HERE, "recurrent.safetensors"), metadata={"cases": " ".join(names)})
    print(f"{len(names)} cases, {len(tensors)} tensors")


if __name__ == "__main__":
    main()
