#!/usr/bin/env python3
"""Joins `convnet bench --json` and `bench/pytorch_peer.py` output into one table.

    python3 bench/compare.py convnet.jsonl peer.jsonl [--meta "swift=6.3.1" ...]

Rows are keyed by (workload, metric, config); columns are the frameworks. A figure measured
several times (compare.sh with ROUNDS > 1) shows its median. "vs best" is ConvNet
against the best peer and "vs torch" against PyTorch eager, both oriented so that > 1 means
ConvNet is better: value ratio for throughput (images/s, GFLOP/s), inverse ratio for latency
and memory (µs, ms, MiB). Standard library only.
"""

import argparse
import datetime
import json
import os
import platform
import statistics
from importlib import metadata

FRAMEWORKS = [("convnet", "ConvNet"), ("pytorch", "PyTorch"), ("onnxruntime", "ONNX RT"),
              ("numpy", "numpy")]


def read_records(paths):
    records = []
    for path in paths:
        with open(path, encoding="utf-8") as file:
            for number, line in enumerate(file, 1):
                if line.strip():
                    try:
                        records.append(json.loads(line))
                    except json.JSONDecodeError as error:
                        raise SystemExit(f"{path}:{number}: not a JSON record ({error}): {line!r}")
    return records


def cpu_model():
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as file:
            for line in file:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def package_version(name):
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def format_value(value):
    if value >= 1000:
        return f"{value:,.0f}"
    if value >= 100:
        return f"{value:.1f}"
    return f"{value:.2f}"


def advantage(convnet, peer, better):
    """> 1 when ConvNet is better."""
    return convnet / peer if better == "higher" else peer / convnet


def table(records):
    rows = {}
    for record in records:
        key = (record["workload"], record["metric"], record["config"])
        row = rows.setdefault(key, {"unit": record["unit"], "better": record["better"]})
        row.setdefault(record["framework"], []).append(record["value"])
    for row in rows.values():
        for name, _ in FRAMEWORKS:
            if name in row:
                row[name] = statistics.median(row[name])

    header = ["workload", "metric", "config", "unit"] + [title for _, title in FRAMEWORKS]
    header += ["vs best", "vs torch"]
    lines = []
    for (workload, metric, config), row in rows.items():
        cells = [workload, metric, config, row["unit"].replace("us", "µs")]
        cells += [format_value(row[name]) if name in row else "–" for name, _ in FRAMEWORKS]
        peers = [row[name] for name, _ in FRAMEWORKS[1:] if name in row]
        if "convnet" in row and peers:
            best = max(peers) if row["better"] == "higher" else min(peers)
            cells.append(f"{advantage(row['convnet'], best, row['better']):.2f}×")
        else:
            cells.append("–")
        if "convnet" in row and "pytorch" in row:
            cells.append(f"{advantage(row['convnet'], row['pytorch'], row['better']):.2f}×")
        else:
            cells.append("–")
        lines.append(cells)

    widths = [max(len(cells[index]) for cells in [header] + lines) for index in range(len(header))]
    numeric = set(range(4, len(header)))

    def render(cells):
        return "  ".join(
            cell.rjust(width) if index in numeric else cell.ljust(width)
            for index, (cell, width) in enumerate(zip(cells, widths))).rstrip()

    rule = "  ".join("─" * width for width in widths)
    return "\n".join([render(header), rule] + [render(cells) for cells in lines])


ONNX_SUFFIX = "-onnx-infer"


def file_table(records):
    """ConvNet run from its own ONNX export (WORKLOAD-onnx-infer) against the same network from
    the catalogue (WORKLOAD-infer), per metric: > 1 means the file runs better. Empty when no
    pair was measured."""
    values = {}
    for record in records:
        if record["framework"] == "convnet":
            key = (record["workload"], record["metric"], record["config"])
            values.setdefault(key, (record["better"], []))[1].append(record["value"])
    lines = []
    for (workload, metric, config), (better, file_values) in values.items():
        if not workload.endswith(ONNX_SUFFIX):
            continue
        catalogue = (workload[:-len(ONNX_SUFFIX)] + "-infer", metric, config)
        if catalogue not in values:
            continue
        from_file = statistics.median(file_values)
        from_catalogue = statistics.median(values[catalogue][1])
        lines.append([workload, metric, config, format_value(from_catalogue), format_value(from_file),
                      f"{advantage(from_file, from_catalogue, better):.2f}×"])
    if not lines:
        return ""
    header = ["ONNX file workload", "metric", "config", "catalogue", "ONNX file", "file vs catalogue"]
    widths = [max(len(cells[index]) for cells in [header] + lines) for index in range(len(header))]
    render = lambda cells: "  ".join(  # noqa: E731
        cell.rjust(width) if index >= 3 else cell.ljust(width)
        for index, (cell, width) in enumerate(zip(cells, widths))).rstrip()
    rule = "  ".join("─" * width for width in widths)
    return "\n".join([render(header), rule] + [render(cells) for cells in lines])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("files", nargs="+", help="JSON-lines files of benchmark records")
    parser.add_argument("--meta", action="append", default=[], metavar="KEY=VALUE",
                        help="an extra header line (e.g. the Swift version)")
    args = parser.parse_args()
    records = read_records(args.files)
    threads = sorted({record.get("threads") for record in records})
    print(f"date:     {datetime.datetime.now().astimezone().isoformat(timespec='seconds')}")
    print(f"cpu:      {cpu_model()}, {os.cpu_count()} cores ({platform.machine()}), "
          f"threads {', '.join(map(str, threads))}")
    print(f"python:   {platform.python_version()}; torch {package_version('torch')}, "
          f"onnxruntime {package_version('onnxruntime')}, numpy {package_version('numpy')}")
    for line in args.meta:
        key, _, value = line.partition("=")
        print(f"{key + ':':<9} {value}")
    print("ratios:   > 1 means ConvNet is better (throughput ÷ peer; peer ÷ latency or memory)")
    print()
    print(table(records))
    pairs = file_table(records)
    if pairs:
        print()
        print(pairs)


if __name__ == "__main__":
    main()
