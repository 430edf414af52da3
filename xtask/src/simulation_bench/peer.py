#!/usr/bin/env python3
"""The peer-relative figure of `cargo xtask bench --simulate` (issue 6): scikit-learn doing the trainings of
the simulated year. There is no Python peer of the whole loop (monitoring, registry, gate), so this times
only what a retraining costs there: for each row count given, the first ROWS rows of `--data` split 80/20
(stratified), one-hot encoded and standardized on the training rows (as our pipeline is), a
`RandomForestClassifier(n_estimators=50, max_depth=10, max_features="sqrt", n_jobs=1)` (the simulation's
model) fitted, and the test rows scored; `--runs` times each, one thread.

    python xtask/src/simulation_bench/peer.py --data telco-8000.csv --rows 5000,8000 --runs 3

Prints JSON on stdout: per row count, each run's `fit_s` (the fit alone) and `train_s` (split, preprocessing,
fit and scoring of the test rows, what `ml::train` does). It lives with the xtask module that runs it; it
reads the data as tests/peers/parity.py does, with that file's helpers.
"""

import os

# One BLAS thread, as tests/peers/bench_peers.py does (read when numpy loads, so before the imports below).
for _variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

import argparse  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

# parity.py is imported below: leave no __pycache__ in the source tree.
sys.dont_write_bytecode = True
sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "tests" / "peers"))

import sklearn  # noqa: E402
from sklearn.compose import ColumnTransformer  # noqa: E402
from sklearn.ensemble import RandomForestClassifier  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402
from sklearn.preprocessing import OneHotEncoder, StandardScaler  # noqa: E402

from parity import POSITIVE, TARGET, feature_columns, read_frame  # noqa: E402


def train(frame, seed):
    """One training as `ml::train` does it; returns (fit seconds, whole training seconds)."""
    started = time.perf_counter()
    labels = (frame[TARGET] == POSITIVE).to_numpy()
    rows_train, rows_test, y_train, _ = train_test_split(
        frame, labels, test_size=0.2, stratify=labels, random_state=seed
    )
    numeric, categorical = feature_columns(frame)
    encode = ColumnTransformer(
        [
            ("numeric", "passthrough", numeric),
            ("categorical", OneHotEncoder(handle_unknown="ignore", sparse_output=False), categorical),
        ]
    )
    scale = StandardScaler()
    x_train = scale.fit_transform(encode.fit_transform(rows_train))
    model = RandomForestClassifier(
        n_estimators=50, max_depth=10, max_features="sqrt", n_jobs=1, random_state=seed
    )
    fit_started = time.perf_counter()
    model.fit(x_train, y_train)
    fitted = time.perf_counter()
    model.predict_proba(scale.transform(encode.transform(rows_test)))
    return fitted - fit_started, time.perf_counter() - started


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", required=True, type=Path, help="a Telco-shaped CSV with enough rows")
    parser.add_argument("--rows", required=True, help="row counts of the trainings, comma-separated")
    parser.add_argument("--runs", type=int, default=3, help="trainings per row count (default 3)")
    parser.add_argument("--seed", type=int, default=42, help="split and model seed (default 42)")
    args = parser.parse_args()
    frame = read_frame(args.data)
    counts = sorted({int(n) for n in args.rows.split(",")})
    if counts and counts[-1] > len(frame):
        parser.error(f"{args.data} has {len(frame)} rows, fewer than {counts[-1]}")
    results = {}
    for rows in counts:
        samples = []
        for run in range(args.runs):
            fit_s, train_s = train(frame.iloc[:rows], args.seed)
            samples.append({"fit_s": fit_s, "train_s": train_s})
            print(
                f"    scikit-learn: {rows} rows, run {run + 1}/{args.runs}: fit {fit_s:.3f} s, training {train_s:.3f} s",
                file=sys.stderr,
                flush=True,
            )
        results[str(rows)] = samples
    print(json.dumps({"scikit-learn": sklearn.__version__, "runs": args.runs, "rows": results}))


if __name__ == "__main__":
    main()
