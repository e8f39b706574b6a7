#!/usr/bin/env python3
"""Reads TensorBoard event files back with the `tensorboard` package and prints what it found
as one JSON object — the reference that ConvNet's event writer is checked against
(Tests/ConvNetInsightTests/TensorBoardTests.swift runs this script; `pip install tensorboard`).

    python3 read_tensorboard_events.py DIR

Two readers, both TensorBoard's own:
- RawEventFileLoader: every record of every event file (its reader checks the length and data
  CRCs and fails on a mismatch), decoded as tensorboard's Event protocol buffer as written;
- EventAccumulator: what TensorBoard's dashboards would show — scalar series and images by tag.
Exit status 2 when the package is missing (the Swift test then skips).
"""
import glob
import json
import os
import sys

try:
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
    from tensorboard.backend.event_processing.event_file_loader import RawEventFileLoader
    from tensorboard.compat.proto import event_pb2
except ImportError:
    print("the tensorboard package is not installed (pip install tensorboard)", file=sys.stderr)
    sys.exit(2)


def main(directory):
    events = []
    for path in sorted(glob.glob(os.path.join(directory, "*tfevents*"))):
        for raw in RawEventFileLoader(path).Load():
            event = event_pb2.Event.FromString(raw)
            record = {"file": os.path.basename(path), "wall_time": event.wall_time, "step": event.step}
            kind = event.WhichOneof("what")
            if kind == "file_version":
                record["file_version"] = event.file_version
            elif kind == "summary":
                values = []
                for value in event.summary.value:
                    entry = {"tag": value.tag}
                    which = value.WhichOneof("value")
                    if which == "simple_value":
                        entry["simple_value"] = value.simple_value
                    elif which == "image":
                        png = value.image.encoded_image_string
                        entry["image"] = {
                            "height": value.image.height, "width": value.image.width,
                            "colorspace": value.image.colorspace, "bytes": len(png),
                            "png_signature": png[:8] == b"\x89PNG\r\n\x1a\n",
                        }
                    values.append(entry)
                record["values"] = values
            events.append(record)

    accumulator = EventAccumulator(directory, size_guidance={"scalars": 0, "images": 0})
    accumulator.Reload()
    tags = accumulator.Tags()
    scalars = {
        tag: [[s.step, s.value] for s in accumulator.Scalars(tag)] for tag in tags.get("scalars", [])
    }
    images = {
        tag: [[i.step, i.width, i.height] for i in accumulator.Images(tag)] for tag in tags.get("images", [])
    }
    print(json.dumps({"events": events, "scalars": scalars, "images": images}))


if __name__ == "__main__":
    main(sys.argv[1])
