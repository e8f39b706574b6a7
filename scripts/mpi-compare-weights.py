#!/usr/bin/env python3
"""Compares the tensors of two safetensors files (e.g. checkpoints of a 1-process and an
N-process run) and exits 1 unless every tensor agrees to a relative tolerance:

    max |a - b|  <=  tol * max(max |b|, 1e-30)      per tensor (float32), exactly for int64

or, with --whole-model, over all float tensors at once (the optimiser state left out):

    ||a - b||_2  <=  tol * ||b||_2

Standard library only (no numpy), so CI needs nothing beyond python3. Usage:
    mpi-compare-weights.py A.safetensors B.safetensors [--tol 1e-5] [--whole-model] [--value]
Prints one line: the largest difference found, and a line per tensor out of tolerance; with
--value only the whole-model relative L2 difference (and exits 0).
"""
import json, struct, sys
from array import array


def read(path):
    with open(path, "rb") as f:
        data = f.read()
    (length,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + length])
    body = data[8 + length:]
    tensors = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        start, end = entry["data_offsets"]
        code = {"F32": "f", "I64": "q"}[entry["dtype"]]
        values = array(code)
        values.frombytes(body[start:end])
        if sys.byteorder != "little":
            values.byteswap()
        tensors[name] = (entry["dtype"], values)
    return tensors


def main():
    args = sys.argv[1:]
    tol = 1e-5
    skip = []
    if "--tol" in args:
        i = args.index("--tol"); tol = float(args[i + 1]); del args[i:i + 2]
    value_only = "--value" in args
    if value_only:
        args.remove("--value")
        args.append("--whole-model")
    whole = "--whole-model" in args
    if whole:
        args.remove("--whole-model")
        skip.append("optimizer.")
    a, b = read(args[0]), read(args[1])
    names = sorted(n for n in set(a) | set(b) if not any(n.startswith(p) for p in skip))
    worst, worst_name, failures = 0.0, "", []
    squares, norm = 0.0, 0.0
    for name in names:
        if name not in a or name not in b:
            failures.append(f"{name}: only in {'the first' if name in a else 'the second'} file")
            continue
        (da, va), (db, vb) = a[name], b[name]
        if da != db or len(va) != len(vb):
            failures.append(f"{name}: {da}[{len(va)}] against {db}[{len(vb)}]")
            continue
        if da == "I64":
            if list(va) != list(vb):
                failures.append(f"{name}: integers differ")
            continue
        squares += sum((x - y) ** 2 for x, y in zip(va, vb))
        norm += sum(y * y for y in vb)
        scale = max(max((abs(x) for x in vb), default=0.0), 1e-30)
        diff = max((abs(x - y) for x, y in zip(va, vb)), default=0.0)
        relative = diff / scale
        if not whole and (relative != relative or relative > tol):  # NaN or too far apart
            failures.append(f"{name}: relative difference {relative:.3g} > {tol:g}")
        if relative > worst or relative != relative:
            worst, worst_name = relative, name
    if whole:
        overall = (squares / max(norm, 1e-300)) ** 0.5
        if value_only:
            print(f"{overall:.6g}")
            sys.exit(0)
        if overall != overall or overall > tol:
            failures.append(f"whole model: relative L2 difference {overall:.3g} > {tol:g}")
        print(f"{len(names)} tensors compared; whole-model relative L2 difference {overall:.3g} (tolerance {tol:g}); "
              f"largest per tensor {worst:.3g} ({worst_name})")
    else:
        print(f"{len(names)} tensors compared; largest relative difference {worst:.3g} ({worst_name}); tolerance {tol:g}")
    for line in failures[:10]:
        print("  MISMATCH " + line)
    sys.exit(1 if failures else 0)


main()
