#!/usr/bin/env python3
"""A DataMaster learner command: scikit-learn gradient boosting.

    learner: { "command": ["/usr/bin/python3", "examples/learners/sklearn_gbm.py"] }

Needs a python3 with scikit-learn (Debian: apt-get install python3-sklearn, then /usr/bin/python3; a
pyenv `python3` on PATH may lack it). No pandas needed. Speaks the learner protocol (docs/learners.md):
reads problem.json (DM_PROBLEM), the training table (DM_TRAIN) and the prediction inputs (DM_PREDICT) in
csv or jsonl (parquet too when pyarrow is installed), and writes predictions.csv (DM_OUTPUT): the key
column, `prediction`, and for classification one proba_<class> column per class.

GradientBoostingClassifier for binary/multiclass, GradientBoostingRegressor for regression, seeded with
DM_SEED. Numeric features as numbers (missing -> the training median); categorical features one-hot over
their known values (problem.json `values`, else the training values, at most 50, most frequent first), so
training and prediction columns line up by construction; text features are skipped.
Knobs (environment, e.g. learner.env): GBM_ESTIMATORS (default 100), GBM_DEPTH (3), GBM_LEARNING_RATE (0.1).
"""
import csv
import json
import math
import os
import sys
from collections import Counter

try:
    import numpy as np
    from sklearn.ensemble import GradientBoostingClassifier, GradientBoostingRegressor
except ImportError as e:  # a clear message instead of a bare traceback
    sys.exit(f"sklearn_gbm.py needs numpy and scikit-learn ({e}); run it with a python3 that has them, "
             "e.g. /usr/bin/python3 after apt-get install python3-sklearn")


def read_table(path, fmt):
    """Rows as dicts. CSV cells are strings ('' = missing); JSONL and Parquet cells keep their types."""
    if fmt == "csv":
        with open(path, newline="", encoding="utf-8") as f:
            return list(csv.DictReader(f))
    if fmt == "jsonl":
        with open(path, encoding="utf-8") as f:
            return [json.loads(line) for line in f if line.strip()]
    if fmt == "parquet":
        try:
            import pyarrow.parquet as pq
        except ImportError:
            sys.exit('sklearn_gbm.py reads parquet only with pyarrow installed; set "format": "csv" in the task\'s learner')
        return pq.read_table(path).to_pylist()
    sys.exit(f"sklearn_gbm.py: unknown format {fmt!r}")


def number(v):
    if v is None or v == "":
        return math.nan
    try:
        x = float(v)
    except (TypeError, ValueError):
        return math.nan
    return x if math.isfinite(x) else math.nan


def text(v):
    return None if v is None or v == "" else str(v)


def main():
    problem = json.load(open(os.environ["DM_PROBLEM"], encoding="utf-8"))
    fmt = problem["format"]
    label = problem["label"]
    key = problem["idColumn"]
    is_class = problem["taskType"] != "regression"
    classes = problem["classes"] or []
    train = read_table(problem["files"]["train"], fmt)
    predict = read_table(problem["files"]["predict"], fmt)

    # Column encoders, fitted on the training rows only.
    columns = []  # (name, kind, extra): numeric -> median, categorical -> list of values
    for f in problem["features"]:
        name = f["name"]
        if f["kind"] == "numeric":
            xs = np.array([number(r.get(name)) for r in train], dtype=float)
            med = float(np.nanmedian(xs)) if np.isfinite(xs).any() else 0.0
            columns.append((name, "numeric", med))
        elif f["kind"] == "categorical":
            values = f.get("values") or [v for v, _ in Counter(text(r.get(name)) for r in train if text(r.get(name)) is not None).most_common(50)]
            columns.append((name, "categorical", list(values)))

    def encode(rows):
        width = sum(1 if kind == "numeric" else len(extra) for _, kind, extra in columns)
        x = np.zeros((len(rows), width), dtype=float)
        at = 0
        for name, kind, extra in columns:
            if kind == "numeric":
                col = np.array([number(r.get(name)) for r in rows], dtype=float)
                col[np.isnan(col)] = extra
                x[:, at] = col
                at += 1
            else:
                index = {v: k for k, v in enumerate(extra)}
                for i, r in enumerate(rows):
                    k = index.get(text(r.get(name)))
                    if k is not None:
                        x[i, at + k] = 1.0
                at += len(extra)
        return x

    x_train = encode(train)
    x_pred = encode(predict)
    seed = int(os.environ.get("DM_SEED", problem["seed"])) % (2**32)
    params = dict(
        n_estimators=int(os.environ.get("GBM_ESTIMATORS", 100)),
        max_depth=int(os.environ.get("GBM_DEPTH", 3)),
        learning_rate=float(os.environ.get("GBM_LEARNING_RATE", 0.1)),
        random_state=seed,
    )

    header = [key, "prediction"] + ([f"proba_{c}" for c in classes] if is_class else [])
    with open(problem["files"]["output"], "w", newline="", encoding="utf-8") as out:
        w = csv.writer(out, lineterminator="\n")
        w.writerow(header)
        if is_class:
            y = np.array([str(r[label]) for r in train], dtype=object)
            seen = sorted(set(y))
            if len(seen) < 2:
                # One class in the training data (or none): predict it; boosting needs two.
                only = seen[0] if seen else classes[0]
                for r in predict:
                    w.writerow([r[key], only] + [1.0 if c == only else 0.0 for c in classes])
            else:
                model = GradientBoostingClassifier(**params).fit(x_train, y)
                proba = model.predict_proba(x_pred)
                order = list(model.classes_)
                for i, r in enumerate(predict):
                    p = proba[i]
                    w.writerow([r[key], order[int(np.argmax(p))]] + [float(p[order.index(c)]) if c in order else 0.0 for c in classes])
        else:
            y = np.array([number(r[label]) for r in train], dtype=float)
            model = GradientBoostingRegressor(**params).fit(x_train, y)
            for r, v in zip(predict, model.predict(x_pred)):
                w.writerow([r[key], float(v)])
    print(f"sklearn_gbm.py: {len(train)} training rows, {x_train.shape[1]} encoded features, {len(predict)} predictions")


if __name__ == "__main__":
    main()
