#!/usr/bin/env python3
"""Fit times of Ciclo's engine (the native CLI) and of its peers, measured in the same run on the same data.

Run by `cargo xtask bench`, which builds the CLI in release mode and reads the JSON this prints on stdout
(progress goes to stderr). Two subcommands:

* `fits`: for each model family, `--runs` times in turn, `ciclo train --json` (its `fit_seconds`: the model's
  fit alone, one thread) and then the peer's `fit` on exactly the same training rows (the split the CLI
  wrote) and the same features, on one thread: scikit-learn with `n_jobs=1`, XGBoost `hist` with
  `n_jobs=1`, and BLAS limited to one thread. Alternating the two spreads any load of the machine over
  both. Parameters are parity.py's (the same on both sides).

      python tests/peers/bench_peers.py fits --ciclo target/release/ciclo --data telco-7043.csv --runs 3

* `grid`: the report's whole grid (36 combinations x 5 folds, random forest) with `ciclo tune --preset
  report-grid --cv 5` (all cores) against scikit-learn's
  `GridSearchCV(RandomForestClassifier(), grid, cv=StratifiedKFold(5), scoring="f1", n_jobs=-1)` on the same
  training rows; both include the refit of the best combination.

      python tests/peers/bench_peers.py grid --ciclo target/release/ciclo --data telco-7043.csv

* `score` (issue 5, serving): per family, the peer trained on every row of `--train` (one-hot encoding and
  standard scaling fitted there, as our pipeline is), then `--runs` times: the `--data` file read with
  pandas, transformed (`ColumnTransformer` + `StandardScaler`) and scored (`predict_proba`, one thread),
  each timed apart; the browser's side is `tests/e2e/bench/engine_serving.mjs`.

      python tests/peers/bench_peers.py score --train telco-7043.csv --data telco-100000.csv --runs 5

Requirements: tests/peers/requirements.txt (`cargo xtask bench` installs them into .venv).
"""

import os

# One BLAS thread for the one-thread comparison (read when numpy loads, so before the imports below). The
# grid's workers are processes, each of which joblib limits the same way.
for _variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

import argparse  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402

# parity.py is imported below: leave no __pycache__ in the source tree.
sys.dont_write_bytecode = True
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import sklearn  # noqa: E402
import xgboost  # noqa: E402
from sklearn.ensemble import RandomForestClassifier  # noqa: E402
from sklearn.metrics import roc_auc_score  # noqa: E402
from sklearn.model_selection import GridSearchCV, StratifiedKFold  # noqa: E402
from sklearn.compose import ColumnTransformer  # noqa: E402
from sklearn.preprocessing import OneHotEncoder, StandardScaler  # noqa: E402

from parity import (  # noqa: E402
    BY_NAME,
    POSITIVE,
    TARGET,
    ciclo_train,
    feature_columns,
    prepare,
    read_frame,
    read_split,
)

# The report's grid, as `ciclo tune --preset report-grid` has it (crates/ciclo-core/src/tune.rs).
REPORT_GRID = {
    "n_estimators": [50, 100, 200],
    "max_depth": [5, 10, 15, None],
    "min_samples_split": [2, 5, 10],
}


def log(text):
    print(text, file=sys.stderr, flush=True)


def versions():
    return {
        "python": platform.python_version(),
        "numpy": np.__version__,
        "scikit-learn": sklearn.__version__,
        "xgboost": xgboost.__version__,
    }


def fits(args):
    """Per family: the CLI's and the peer's fit seconds, `--runs` each, alternating, and both AUCs."""
    families = [BY_NAME[name] for name in args.models.split(",")]
    frame = read_frame(args.data)
    results = {}
    with tempfile.TemporaryDirectory(prefix="ciclo-bench-") as tmp:
        split_path = Path(tmp) / "split.json"
        prepared = None
        for family in families:
            ours, theirs = [], []
            auc_ours = auc_peer = None
            for run in range(args.runs):
                out = ciclo_train(args.ciclo, args.data, family, args.seed, split_out=split_path)
                ours.append(out["fit_seconds"])
                auc_ours = out["metrics"]["roc_auc"]
                if prepared is None:
                    prepared = prepare(frame, read_split(split_path, len(frame)))
                model = family.peer(args.seed, 1)
                started = time.perf_counter()
                model.fit(prepared.x_train, prepared.y_train)
                theirs.append(time.perf_counter() - started)
                auc_peer = float(roc_auc_score(prepared.y_test, model.predict_proba(prepared.x_test)[:, 1]))
                log(
                    f"    {len(frame)} rows, {family.name} run {run + 1}/{args.runs}: "
                    f"ciclo {ours[-1]:.3f} s, {family.peer_name} {theirs[-1]:.3f} s"
                )
            results[family.name] = {
                "params": family.ours,
                "ours": {"samples_s": ours, "median_s": statistics.median(ours), "roc_auc": auc_ours},
                "peer": {
                    "name": family.peer_name,
                    "samples_s": theirs,
                    "median_s": statistics.median(theirs),
                    "roc_auc": auc_peer,
                },
                "digest": out["data"]["digest"],
            }
    return {
        "rows": len(frame),
        "n_train": int(prepared.x_train.shape[0]),
        "n_features": int(prepared.x_train.shape[1]),
        "seed": args.seed,
        "runs": args.runs,
        "versions": versions(),
        "families": results,
    }


def grid(args):
    """The report's grid: `ciclo tune` against GridSearchCV(n_jobs=-1), both with their refit."""
    frame = read_frame(args.data)
    command = [args.ciclo, "tune", "--data", str(args.data), "--model", "forest", "--preset", "report-grid"]
    command += ["--cv", "5", "--seed", str(args.seed), "--json", "--quiet"]
    log(f"    $ {' '.join(command)}")
    started = time.perf_counter()
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    wall_ours = time.perf_counter() - started
    ours = json.loads(done.stdout)

    with tempfile.TemporaryDirectory(prefix="ciclo-bench-") as tmp:
        split_path = Path(tmp) / "split.json"
        ciclo_train(args.ciclo, args.data, BY_NAME["logreg"], args.seed, split_out=split_path)
        prepared = prepare(frame, read_split(split_path, len(frame)))
    search = GridSearchCV(
        RandomForestClassifier(random_state=args.seed),
        REPORT_GRID,
        cv=StratifiedKFold(5),
        scoring="f1",
        n_jobs=-1,
    )
    log("    GridSearchCV(RandomForestClassifier(), report grid, cv=StratifiedKFold(5), scoring='f1', n_jobs=-1)")
    started = time.perf_counter()
    search.fit(prepared.x_train, prepared.y_train)
    theirs = time.perf_counter() - started
    best_auc = float(roc_auc_score(prepared.y_test, search.predict_proba(prepared.x_test)[:, 1]))
    ours_seconds = ours["search_seconds"] + ours["fit_seconds"]
    log(f"    ciclo tune {ours_seconds:.1f} s ({ours['jobs']} threads), GridSearchCV {theirs:.1f} s")
    return {
        "rows": len(frame),
        "n_train": int(prepared.x_train.shape[0]),
        "combinations": ours["combinations"],
        "units": ours["units"],
        "ours": {
            "jobs": ours["jobs"],
            "search_s": ours["search_seconds"],
            "refit_s": ours["fit_seconds"],
            "seconds": ours_seconds,
            "wall_s": wall_ours,
            "best": ours["best"],
            "roc_auc": ours["metrics"]["roc_auc"],
        },
        "peer": {
            "name": "scikit-learn GridSearchCV(n_jobs=-1)",
            "cpus": os.cpu_count(),
            "seconds": theirs,
            "refit_s": float(search.refit_time_),
            "best": {k: ("None" if v is None else v) for k, v in search.best_params_.items()},
            "best_f1": float(search.best_score_),
            "roc_auc": best_auc,
        },
        "versions": versions(),
    }


def score(args):
    """Per family: the peer's seconds to read, transform and `predict_proba` every row of `--data`."""
    train = read_frame(args.train)
    numeric, categorical = feature_columns(train)
    results = {}
    for name in args.models.split(","):
        family = BY_NAME[name]
        encode = ColumnTransformer(
            [
                ("numeric", "passthrough", numeric),
                ("categorical", OneHotEncoder(handle_unknown="ignore", sparse_output=False), categorical),
            ]
        )
        scale = StandardScaler()
        model = family.peer(args.seed, 1)
        model.fit(scale.fit_transform(encode.fit_transform(train)), (train[TARGET] == POSITIVE).to_numpy())
        samples = []
        for run in range(args.runs):
            started = time.perf_counter()
            frame = read_frame(args.data)
            read = time.perf_counter()
            x = scale.transform(encode.transform(frame))
            transformed = time.perf_counter()
            probabilities = model.predict_proba(x)[:, 1]
            predicted = time.perf_counter()
            samples.append(
                {
                    "read_s": read - started,
                    "transform_s": transformed - read,
                    "predict_s": predicted - transformed,
                    "score_s": predicted - read,
                }
            )
            log(
                f"    {len(frame)} rows, {family.peer_name} run {run + 1}/{args.runs}: read {read - started:.3f} s, "
                f"transform {transformed - read:.3f} s, predict_proba {predicted - transformed:.3f} s"
            )
        results[name] = {
            "peer": family.peer_name,
            "params": family.ours,
            "samples": samples,
            "median_score_s": statistics.median(s["score_s"] for s in samples),
            "sum": float(probabilities.sum()),
        }
    return {"train_rows": len(train), "rows": len(frame), "runs": args.runs, "versions": versions(), "families": results}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("fits", "grid"):
        p = sub.add_parser(name)
        p.add_argument("--ciclo", default="target/release/ciclo", help="the ciclo binary (release build)")
        p.add_argument("--data", required=True, type=Path, help="a Telco-shaped CSV file")
        p.add_argument("--seed", type=int, default=42, help="split and model seed (default 42)")
        if name == "fits":
            p.add_argument("--runs", type=int, default=3, help="fits per family and side (default 3)")
            p.add_argument("--models", default=",".join(BY_NAME), help="families, comma-separated")
    p = sub.add_parser("score")
    p.add_argument("--train", required=True, type=Path, help="the Telco-shaped CSV the peer is trained on")
    p.add_argument("--data", required=True, type=Path, help="the Telco-shaped CSV to score")
    p.add_argument("--seed", type=int, default=42, help="model seed (default 42)")
    p.add_argument("--runs", type=int, default=5, help="scorings per family (default 5)")
    p.add_argument("--models", default="logreg,forest", help="families, comma-separated")
    args = parser.parse_args(argv)
    result = {"fits": fits, "grid": grid, "score": score}[args.command](args)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
