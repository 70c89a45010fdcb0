#!/usr/bin/env python3
"""Reads a Flowbench checkpoint with numpy alone (the safetensors layout, no safetensors package
needed; Debian has none): the 8-byte little-endian header length, the JSON header, then each
float32 tensor at its data_offsets. Checks the tensor bytes against __metadata__.payload_sha256.

    python3 scripts/read_checkpoint.py CHECKPOINT [--json]

Without --json: one line per tensor (name, shape, mean). With --json: {"metadata": {...},
"tensors": {name: {"shape": [...], "values": [...]}}} on stdout (the test reads this).
With the safetensors package installed, safetensors.numpy.load_file(CHECKPOINT) gives the same arrays.
"""
import hashlib
import json
import struct
import sys

import numpy as np


def read_checkpoint(path):
    with open(path, "rb") as f:
        buf = f.read()
    (n,) = struct.unpack("<Q", buf[:8])
    header = json.loads(buf[8 : 8 + n].decode("utf-8"))
    data = buf[8 + n :]
    meta = header.pop("__metadata__", {})
    if meta.get("payload_sha256") and hashlib.sha256(data).hexdigest() != meta["payload_sha256"]:
        raise SystemExit(f"{path}: tensor bytes do not match __metadata__.payload_sha256 (corrupted)")
    tensors = {}
    for name, t in header.items():
        if t["dtype"] != "F32":
            raise SystemExit(f"{path}: tensor {name} has dtype {t['dtype']}, expected F32")
        begin, end = t["data_offsets"]
        tensors[name] = np.frombuffer(data[begin:end], dtype="<f4").reshape(t["shape"])
    metadata = json.loads(meta["flowbench"]) if "flowbench" in meta else {}
    return metadata, tensors


def main(argv):
    if len(argv) < 2:
        raise SystemExit(__doc__)
    metadata, tensors = read_checkpoint(argv[1])
    if "--json" in argv[2:]:
        out = {"metadata": metadata, "tensors": {k: {"shape": list(v.shape), "values": v.ravel().astype(float).tolist()} for k, v in tensors.items()}}
        json.dump(out, sys.stdout)
        return
    for name, t in tensors.items():
        print(f"{name}\t{list(t.shape)}\t{float(t.mean()) if t.size else float('nan'):.6g}")


if __name__ == "__main__":
    main(sys.argv)
