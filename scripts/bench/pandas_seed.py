"""The seed's model-quality algorithm in pandas, for the benchmark (scripts/bench.ts), on the benchmark's files.

As the seed's model_quality_monitoring.py (docs: seed-script-notes.md): every capture file read with
read_json(lines=True) into one DataFrame, json.loads of captureData.endpointOutput.data, explode, InferenceId as int,
inner merge with the ground truth on [InferenceId, payload_index], accuracy. The ground truth is read with
read_json(lines=True) (the benchmark writes the seed's rows as JSON Lines).

One departure: the seed fails on a file with one malformed line; here such a file is re-read line by line with
json.loads, skipping the bad lines, so the algorithm can be timed on capture with malformed lines.

  /usr/bin/python3 scripts/bench/pandas_seed.py <capture folder> <ground-truth folder>  -> one JSON line
"""
import glob
import io
import json
import resource
import sys
import time

import pandas as pd

started = time.perf_counter()
capture_dir, gt_dir = sys.argv[1], sys.argv[2]

frames = []
fallback_files = 0
for path in sorted(glob.glob(f"{capture_dir}/*/*/*/*/*/*/*.jsonl")):
    try:
        frames.append(pd.read_json(path, lines=True))
    except ValueError:
        fallback_files += 1
        rows = []
        with open(path, encoding="utf-8") as f:
            for line in f:
                try:
                    rows.append(json.loads(line))
                except json.JSONDecodeError:
                    pass
        frames.append(pd.DataFrame(rows))
df = pd.concat(frames, ignore_index=True)
del frames

df["prediction"] = df["captureData"].apply(lambda c: json.loads(c["endpointOutput"]["data"]))
df["InferenceId"] = df["eventMetadata"].apply(lambda m: m["inferenceId"]).astype(int)
preds = df[["InferenceId", "prediction"]].explode("prediction")
del df
preds["payload_index"] = preds.groupby("InferenceId").cumcount()
preds["label"] = preds["prediction"].apply(lambda p: p["label"])

gt = pd.concat([pd.read_json(p, lines=True) for p in sorted(glob.glob(f"{gt_dir}/**/*.jsonl", recursive=True))], ignore_index=True)
merged = preds.merge(gt, on=["InferenceId", "payload_index"], how="inner")
accuracy = float((merged["label"].astype(int) == merged["groundTruthLabel"].astype(int)).mean())

usage = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({
    "seconds": time.perf_counter() - started,
    "cpuSeconds": usage.ru_utime + usage.ru_stime,
    "maxRssMb": usage.ru_maxrss / 1024,
    "joined": int(len(merged)),
    "predictions": int(len(preds)),
    "accuracy": accuracy,
    "fallbackFiles": fallback_files,
    "pandas": pd.__version__,
}))
