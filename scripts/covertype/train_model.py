#!/usr/bin/python3
"""Trains the demo model: XGBoost on covertype-shaped data from scripts/covertype/generate.ts, with the seed's
hyperparameters (max_depth 5, eta 0.36, gamma 2.88, min_child_weight 9.89, subsample 0.77, multi:softprob, 7 classes,
50 rounds).

Writes demo/model/xgboost-model.json and demo/model/xgboost-model.ubj (the same booster), demo/model/training-metrics.json
(accuracy on healthy and drifted data), and test/fixtures/xgboost/demo-covertype/ (rows and xgboost's predictions on
them, for the evaluator's agreement test).

Run from the repository root with Debian's xgboost (python3-xgboost 1.7) and Node on PATH:
    /usr/bin/python3 scripts/covertype/train_model.py
"""
import json
import os
import subprocess
import tempfile

import numpy as np
import pandas as pd
import xgboost as xgb

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
MODEL_DIR = os.path.join(ROOT, "demo", "model")
FIXTURE_DIR = os.path.join(ROOT, "test", "fixtures", "xgboost", "demo-covertype")

# The seed notebook's hyperparameters; tree_method and seed are pinned so a re-run gives the same model.
PARAMS = {
    "max_depth": 5,
    "eta": 0.36,
    "gamma": 2.88,
    "min_child_weight": 9.89,
    "subsample": 0.77,
    "objective": "multi:softprob",
    "num_class": 7,
    "tree_method": "hist",
    "seed": 0,
    "nthread": 1,
}
NUM_ROUND = 50

# (name, rows, seed, drift). Seeds differ so no set repeats another's rows.
DATASETS = [
    ("train", 20000, 1, 0.0),
    ("validation", 5000, 2, 0.0),
    ("drift-0.5", 5000, 3, 0.5),
    ("drift-1", 5000, 4, 1.0),
]


def generate(tmp, name, n, seed, drift):
    path = os.path.join(tmp, f"{name}.csv")
    subprocess.run(
        ["npx", "tsx", "scripts/covertype/write-csv.ts", "--n", str(n), "--seed", str(seed), "--drift", str(drift),
         "--out", path],
        cwd=ROOT, check=True)
    df = pd.read_csv(path)
    return df.drop(columns=["Cover_Type"]), df["Cover_Type"].to_numpy()


def main():
    with tempfile.TemporaryDirectory() as tmp:
        data = {name: generate(tmp, name, n, seed, drift) for name, n, seed, drift in DATASETS}
    x_train, y_train = data["train"]
    dtrain = xgb.DMatrix(x_train, label=y_train)  # feature names come from the DataFrame columns
    booster = xgb.train(PARAMS, dtrain, num_boost_round=NUM_ROUND)

    metrics = {"xgboost_version": xgb.__version__, "params": PARAMS, "num_round": NUM_ROUND, "accuracy": {}}
    for name, n, seed, drift in DATASETS:
        x, y = data[name]
        proba = booster.predict(xgb.DMatrix(x), validate_features=True)
        accuracy = float((proba.argmax(axis=1) == y).mean())
        metrics["accuracy"][name] = {"rows": n, "seed": seed, "drift": drift, "accuracy": round(accuracy, 4)}
        print(f"{name:<11} drift {drift:<4} accuracy {accuracy:.4f}")

    os.makedirs(MODEL_DIR, exist_ok=True)
    booster.save_model(os.path.join(MODEL_DIR, "xgboost-model.json"))
    booster.save_model(os.path.join(MODEL_DIR, "xgboost-model.ubj"))
    with open(os.path.join(MODEL_DIR, "training-metrics.json"), "w") as f:
        json.dump(metrics, f, indent=2)
        f.write("\n")

    # Agreement fixture: 200 healthy and 200 drifted rows with xgboost's own outputs.
    x_check = pd.concat([data["validation"][0].iloc[:200], data["drift-1"][0].iloc[:200]])
    dcheck = xgb.DMatrix(x_check)
    os.makedirs(FIXTURE_DIR, exist_ok=True)
    with open(os.path.join(FIXTURE_DIR, "input.json"), "w") as f:
        json.dump({"model": "demo/model/xgboost-model", "feature_names": list(x_check.columns), "feature_types": None,
                   "rows": x_check.astype(float).values.tolist()}, f)
        f.write("\n")
    with open(os.path.join(FIXTURE_DIR, "expected.json"), "w") as f:
        json.dump({"note": "the demo model on 200 healthy and 200 drifted rows", "xgboost_version": xgb.__version__,
                   "objective": PARAMS["objective"],
                   "predictions": booster.predict(dcheck, validate_features=True).astype(np.float64).tolist(),
                   "margins": booster.predict(dcheck, output_margin=True).astype(np.float64).tolist()}, f)
        f.write("\n")


if __name__ == "__main__":
    main()
