#!/usr/bin/python3
"""Writes the xgboost fixture models and their expected predictions into test/fixtures/xgboost/.

Each case folder gets model.json and model.ubj (the same booster saved twice), input.json (feature names, types and
rows, null = missing) and expected.json (xgboost's own predict() and predict(output_margin=True) on those rows).
The TypeScript evaluator's tests compare against expected.json to 1e-6, so CI never needs Python.

Run once with Debian's xgboost (python3-xgboost 1.7), from the repository root:
    /usr/bin/python3 scripts/covertype/make_xgboost_fixtures.py
Re-running rewrites every case; review the diff.
"""
import json
import os
import sys

import numpy as np
import pandas as pd
import xgboost as xgb

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "test", "fixtures", "xgboost")


def numeric_data(rng, n, n_features, nan_share):
    x = rng.normal(size=(n, n_features)) * np.array([1.0, 10.0, 100.0, 0.1, 3.0][:n_features])
    x[:, 0] = np.round(x[:, 0], 1)  # ties on split values
    mask = rng.random(size=x.shape) < nan_share
    x_nan = x.copy()
    x_nan[mask] = np.nan
    return x, x_nan


def edge_rows(booster, names, rng, base_rows):
    """Rows that sit exactly on split thresholds, and just below them in float64 (equal in float32)."""
    rows = []
    dump = json.loads(booster.save_raw("json").decode())
    trees = dump["learner"]["gradient_booster"]
    trees = (trees["gbtree"] if "gbtree" in trees else trees)["model"].get("trees", [])  # gblinear has none
    for tree in trees[:6]:
        for node, (left, feat, cond, stype) in enumerate(
            zip(tree["left_children"], tree["split_indices"], tree["split_conditions"], tree.get("split_type", [0] * 10**6))
        ):
            if left == -1 or stype == 1:
                continue
            row = base_rows[rng.integers(len(base_rows))].copy()
            row[feat] = np.float32(cond)
            rows.append(row.copy())
            below = np.nextafter(np.float64(np.float32(cond)), -np.inf)  # rounds back up to the threshold in float32
            row[feat] = below
            rows.append(row.copy())
            if len(rows) >= 16:
                return rows
    return rows


def to_json_rows(x):
    return [[None if np.isnan(v) else float(v) for v in row] for row in x]


def write_case(name, booster, x_test, names, types, note, root=ROOT):
    """Writes the case folder `name` under `root` (scripts/fixtures/xgboost_random.py writes elsewhere)."""
    folder = os.path.join(root, name)
    os.makedirs(folder, exist_ok=True)
    booster.save_model(os.path.join(folder, "model.json"))
    booster.save_model(os.path.join(folder, "model.ubj"))
    kwargs = {"feature_names": names, "feature_types": types, "missing": np.nan}
    if types is not None and "c" in types:
        kwargs["enable_categorical"] = True
    dm = xgb.DMatrix(x_test, **kwargs)
    validate = names is not None
    preds = booster.predict(dm, validate_features=validate)
    margins = booster.predict(dm, output_margin=True, validate_features=validate)
    config = json.loads(booster.save_config())
    with open(os.path.join(folder, "input.json"), "w") as f:
        json.dump({"feature_names": names, "feature_types": types, "rows": to_json_rows(x_test)}, f)
        f.write("\n")
    with open(os.path.join(folder, "expected.json"), "w") as f:
        json.dump(
            {
                "note": note,
                "xgboost_version": xgb.__version__,
                "objective": config["learner"]["objective"]["name"],
                "predictions": preds.astype(np.float64).tolist(),
                "margins": margins.astype(np.float64).tolist(),
            },
            f,
        )
        f.write("\n")
    print(f"{name}: {booster.num_boosted_rounds()} rounds, {x_test.shape[0]} rows, predictions shape {preds.shape}")


def train_numeric(name, params, rounds, label_fn, nan_share=0.1, names=True, n=600, note="", meta=None):
    """meta(dtrain, x, y, rng) sets what a label alone cannot say (AFT bounds, ranking groups)."""
    rng = np.random.default_rng(sum(map(ord, name)))  # stable across runs, unlike hash()
    n_features = 5
    feature_names = [f"feat_{chr(97 + i)}" for i in range(n_features)] if names else None
    x, x_nan = numeric_data(rng, n, n_features, nan_share)
    y = label_fn(x, rng)
    dtrain = xgb.DMatrix(x_nan, label=y, feature_names=feature_names, missing=np.nan)
    if meta is not None:
        meta(dtrain, x, y, rng)
    booster = xgb.train({"seed": 7, "nthread": 1, **params}, dtrain, num_boost_round=rounds)
    _, test_nan = numeric_data(rng, 40, n_features, nan_share)
    test_nan[0, :] = np.nan  # a row with every value missing
    edges = edge_rows(booster, feature_names, rng, test_nan[1:])
    x_test = np.vstack([test_nan] + ([np.array(edges)] if edges else []))
    write_case(name, booster, x_test, feature_names, None, note)


def multiclass_labels(k):
    def label(x, rng):
        score = x[:, 0] + 0.05 * x[:, 1] - 0.004 * x[:, 2] + rng.normal(scale=0.5, size=len(x))
        return np.digitize(score, np.quantile(score, np.linspace(0, 1, k + 1)[1:-1]))

    return label


def binary_labels(x, rng):
    return ((x[:, 0] - 5 * x[:, 3] + rng.normal(scale=0.7, size=len(x))) > 0.3).astype(int)


def regression_target(x, rng):
    return 3 * x[:, 0] + 0.2 * x[:, 1] + rng.normal(scale=0.5, size=len(x)) + 20


def count_target(x, rng):
    return rng.poisson(np.exp(0.5 * np.clip(x[:, 0], -3, 3) + 0.5))


def positive_target(x, rng):
    return np.exp(0.3 * np.clip(x[:, 0], -3, 3)) * rng.gamma(2.0, 1.0, size=len(x)) + 0.01


def aft_bounds(dtrain, x, y, rng):
    """Survival times, a quarter of them right-censored (upper bound +inf)."""
    censored = rng.random(len(y)) < 0.25
    dtrain.set_float_info("label_lower_bound", y)
    dtrain.set_float_info("label_upper_bound", np.where(censored, np.inf, y))


def ranking_groups(dtrain, x, y, rng):
    """Queries of 20 documents each."""
    dtrain.set_group([20] * (len(y) // 20))


def relevance(x, rng):
    return np.clip(np.round(x[:, 0] + 0.02 * x[:, 1] + rng.normal(scale=0.5, size=len(x)) + 1), 0, 3)


def censored_times(x, rng):
    """Survival times for survival:cox: a negative label is a censored time."""
    return positive_target(x, rng) * np.where(rng.random(len(x)) < 0.2, -1, 1)


# Objectives beyond the first cases: (name, params, rounds, label, train_numeric options).
MORE_OBJECTIVES = [
    ("binary-hinge", {"objective": "binary:hinge"}, 8, binary_labels,
     {"note": "predict() is 0 or 1: the sign of the margin"}),
    ("reg-squaredlogerror", {"objective": "reg:squaredlogerror"}, 8, positive_target, {"note": "identity link"}),
    ("reg-absoluteerror", {"objective": "reg:absoluteerror"}, 8, regression_target,
     {"note": "leaves refreshed to medians; identity link"}),
    ("reg-pseudohubererror", {"objective": "reg:pseudohubererror", "base_score": 20.0}, 8, regression_target,
     {"note": "identity link"}),
    ("survival-cox", {"objective": "survival:cox"}, 8, censored_times,
     {"note": "hazard ratio: exp of the margin; negative labels are censored"}),
    ("survival-aft", {"objective": "survival:aft", "aft_loss_distribution": "normal"}, 8, positive_target,
     {"meta": aft_bounds, "note": "survival time: exp of the margin; base_score enters as log"}),
    ("rank-pairwise", {"objective": "rank:pairwise"}, 8, relevance,
     {"meta": ranking_groups, "note": "ranking scores are margins"}),
    ("rank-ndcg", {"objective": "rank:ndcg"}, 8, relevance, {"meta": ranking_groups, "note": "ranking scores are margins"}),
    ("deep-trees", {"objective": "reg:squarederror", "max_depth": 12, "min_child_weight": 0, "lambda": 0.01}, 5,
     regression_target, {"n": 2000, "note": "trees of over 511 nodes (walked between compiled ones) and of under"}),
]

# The linear booster, 20 rounds each: (name, params, label, train_numeric options).
LINEAR_BOOSTERS = [
    ("gblinear-regression", {"objective": "reg:squarederror", "lambda": 0.1, "base_score": 20.0}, regression_target,
     {"note": "linear booster: bias + sum of weight * value over the values present"}),
    ("gblinear-binary", {"objective": "binary:logistic"}, binary_labels,
     {"nan_share": 0.3, "note": "linear booster, missing values skipped"}),
    ("gblinear-multiclass", {"objective": "multi:softprob", "num_class": 3, "updater": "coord_descent"},
     multiclass_labels(3), {"note": "linear booster with one weight per feature and class"}),
]


def categorical_case(name, max_cat_to_onehot, note):
    rng = np.random.default_rng(sum(map(ord, name)))
    n = 800
    cat = rng.integers(0, 6, size=n)
    num = rng.normal(size=n)
    effect = np.array([2.0, -1.0, 0.5, -2.0, 1.5, 0.0])
    y = ((effect[cat] + num + rng.normal(scale=0.5, size=n)) > 0).astype(int)
    num_nan = num.copy()
    num_nan[rng.random(n) < 0.1] = np.nan
    df = pd.DataFrame({"color": pd.Categorical(cat, categories=range(6)), "size": num_nan})
    dtrain = xgb.DMatrix(df, label=y, enable_categorical=True)
    params = {"objective": "binary:logistic", "tree_method": "hist", "max_cat_to_onehot": max_cat_to_onehot,
              "max_depth": 3, "seed": 7, "nthread": 1}
    booster = xgb.train(params, dtrain, num_boost_round=6)
    # Codes the model saw, NaN, an unseen code inside the bit field, one past it, negative and fractional codes.
    codes = [0, 1, 2, 3, 4, 5, np.nan, 6, 7, 31, 32, 40, -1, 2.5, 4.99]
    sizes = [-0.5, 0.0, 0.7, np.nan]
    x_test = np.array([[c, s] for c in codes for s in sizes], dtype=np.float64)
    write_case(name, booster, x_test, ["color", "size"], ["c", "q"], note)


def categorical_many_case(name, note):
    """70 categories (and a second feature of 4): split sets whose bit field is narrower than codes the model saw.

    xgboost 1.7.3 and later (the fix of dmlc/xgboost#8591, backported to 1.7 in #8638) send a category past a node's
    bit field left; before, it took the node's default way.
    """
    rng = np.random.default_rng(sum(map(ord, name)))
    n, ncat = 3000, 70
    c1 = rng.integers(0, ncat, size=n)
    c2 = rng.integers(0, 4, size=n)
    num = rng.normal(size=n)
    effect = rng.normal(size=ncat) * 2
    y = (effect[c1] + (c2 == 2) * 1.5 + num + rng.normal(size=n) * 0.3 > 0.5).astype(int)
    df = pd.DataFrame({"c1": pd.Categorical(c1, categories=range(ncat)), "num": num,
                       "c2": pd.Categorical(c2, categories=range(4))})
    df.loc[rng.random(n) < 0.05, "c1"] = np.nan
    dtrain = xgb.DMatrix(df, label=y, enable_categorical=True)
    params = {"objective": "binary:logistic", "tree_method": "hist", "max_cat_to_onehot": 1, "max_depth": 5,
              "seed": 11, "nthread": 1}
    booster = xgb.train(params, dtrain, num_boost_round=30)
    rows = [[c, v, c % 4] for c in range(ncat) for v in (-0.7, 0.4)]
    specials = [-1, -0.5, ncat, ncat + 0.5, 2.7, 31, 32, 33, 63, 64, 65, 95, 96, 1e6, np.nan]
    rows += [[v, 0.1, 2] for v in specials] + [[5, 0.1, v] for v in specials]
    write_case(name, booster, np.array(rows, dtype=np.float64), ["c1", "num", "c2"], ["c", "q", "c"], note)


def main():
    print("xgboost", xgb.__version__, file=sys.stderr)
    common = {"max_depth": 4, "eta": 0.3}
    train_numeric("multi-softprob", {**common, "objective": "multi:softprob", "num_class": 3}, 8, multiclass_labels(3),
                  note="3 classes, 10% missing values, rows on split thresholds")
    train_numeric("multi-softmax", {**common, "objective": "multi:softmax", "num_class": 4}, 8, multiclass_labels(4),
                  note="predict() returns the class index")
    train_numeric("binary-logistic", {**common, "objective": "binary:logistic", "base_score": 0.3}, 10, binary_labels,
                  note="base_score 0.3 enters as logit(0.3)")
    train_numeric("binary-logitraw", {**common, "objective": "binary:logitraw"}, 10, binary_labels,
                  note="raw margins")
    train_numeric("reg-squarederror", {**common, "objective": "reg:squarederror", "base_score": 20.0}, 12,
                  regression_target, note="regression with base_score 20")
    train_numeric("reg-logistic", {**common, "objective": "reg:logistic"}, 6,
                  lambda x, rng: 1 / (1 + np.exp(-x[:, 0])), note="regression to a probability")
    train_numeric("count-poisson", {**common, "objective": "count:poisson"}, 8, count_target,
                  note="log link: base_score enters as log(0.5)")
    train_numeric("reg-gamma", {**common, "objective": "reg:gamma"}, 8, positive_target, note="log link")
    train_numeric("reg-tweedie", {**common, "objective": "reg:tweedie"}, 8, positive_target, note="log link")
    train_numeric("missing-values", {**common, "objective": "multi:softprob", "num_class": 3}, 8, multiclass_labels(3),
                  nan_share=0.5, note="half of all values missing: default_left decides")
    train_numeric("no-feature-names", {**common, "objective": "binary:logistic"}, 5, binary_labels, names=False,
                  note="trained from a numpy array: no feature_names in the model")
    train_numeric("dart", {**common, "booster": "dart", "objective": "binary:logistic", "rate_drop": 0.3,
                           "skip_drop": 0.0}, 8, binary_labels, note="dart booster: trees weighted by weight_drop")
    train_numeric("random-forest", {**common, "objective": "multi:softprob", "num_class": 3, "num_parallel_tree": 3,
                                    "subsample": 0.8, "colsample_bynode": 0.8}, 3, multiclass_labels(3),
                  note="num_parallel_tree 3: several trees per class and round")
    for name, params, rounds, label_fn, extra in MORE_OBJECTIVES:
        train_numeric(name, {**common, **params}, rounds, label_fn, **extra)
    for name, params, label_fn, extra in LINEAR_BOOSTERS:
        train_numeric(name, {"booster": "gblinear", "eta": 0.5, **params}, 20, label_fn, **extra)
    categorical_case("categorical", 1, "partition-based categorical splits (max_cat_to_onehot 1), unseen codes")
    categorical_case("categorical-onehot", 8, "one-hot categorical splits (max_cat_to_onehot 8)")
    categorical_many_case("categorical-many", "70 categories, missing in training: codes past a node's bit field go left (1.7.3+)")


if __name__ == "__main__":
    main()
