#!/usr/bin/env python3
"""Parity of Ciclo's drift statistics (crates/ciclo-core/src/monitor) with SciPy's, on the same samples.

Generates sample pairs with NumPy (fixed seeds), sends them as JSON to our example
`crates/ciclo-core/examples/drift_stats.rs`, and compares what it answers with:

    statistic                     peer
    Kolmogorov-Smirnov D, p       scipy.stats.ks_2samp(ref, cur)  (method="auto": exact up to 10,000 rows)
    chi-square statistic, p       scipy.stats.chisquare(cur counts, ref counts x n_cur / n_ref)   (Evidently)
    two-proportion z, p           by hand, with scipy.stats.norm (Evidently's z_stat_test; no statsmodels)
    Wasserstein, / std            scipy.stats.wasserstein_distance, / max(np.std(ref), 0.001)     (Evidently)
    Jensen-Shannon distance       scipy.spatial.distance.jensenshannon on the category shares     (Evidently)
    PSI                           NumPy: reference deciles (np.quantile) and Evidently's Sturges bins
    drift method and decision     Evidently's default choice (registry._get_default_stattest), re-written here
    kstwo.sf(x, n), chi2.sf(x, k) on grids that reach every branch of our implementations

Tolerances: a statistic within 1e-6 (absolute, or relative to a value above 1); a p-value or tail
probability within 1e-6 absolute or 1e-3 relative. The method names and drift decisions must be equal.
In practice the differences are rounding (about 1e-15); the table shows the largest per case.

It prints a table and a last line `N passed, N failed`, and exits 1 on any failure (2 when it could not
run at all). Plain Python: no pytest needed.

    # CI (inside `cargo xtask test`): the example already built
    python tests/peers/drift_parity.py --example target/release/examples/drift_stats
    # by hand: builds and runs the example with cargo
    python tests/peers/drift_parity.py

Requirements: tests/peers/requirements.txt (numpy, scipy; `cargo xtask test` installs them into .venv).
"""

import argparse
import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
from scipy import stats
from scipy.spatial import distance

ROOT = Path(__file__).resolve().parents[2]
STAT_TOL = 1e-6
P_ABS_TOL, P_REL_TOL = 1e-6, 1e-3
MAX_EXACT_N = 10_000  # scipy's ks_2samp MAX_AUTO_N


# ---- The samples ---------------------------------------------------------------------------------------


def numeric_cases():
    """(name, reference, current) pairs of numbers, each from its own seed."""
    def rng(seed):
        return np.random.default_rng(seed)

    cases = [
        ("normal 200 vs 300, +0.3", rng(1).normal(0, 1, 200), rng(2).normal(0.3, 1, 300)),
        ("normal 500 vs 500, same", rng(3).normal(0, 1, 500), rng(4).normal(0, 1, 500)),
        ("normal 1000 vs 1000, +0.1", rng(5).normal(0, 1, 1000), rng(6).normal(0.1, 1, 1000)),
        ("normal 20 vs 35, +0.8", rng(7).normal(0, 1, 20), rng(8).normal(0.8, 1, 35)),
        ("normal 1000 vs 999, +0.05", rng(9).normal(0, 1, 1000), rng(10).normal(0.05, 1, 999)),
        ("normal 600 vs 4000, sd 1.2", rng(11).normal(0, 1, 600), rng(12).normal(0, 1.2, 4000)),
        ("lognormal 800 vs 12000 (asymptotic)", rng(13).lognormal(0, 0.5, 800), rng(14).lognormal(0.05, 0.5, 12000)),
        ("normal 15000 vs 20000, +0.02 (asymptotic)", rng(15).normal(0, 1, 15000), rng(16).normal(0.02, 1, 20000)),
        ("poisson 300 vs 400 (ties)", rng(17).poisson(4, 300).astype(float), rng(18).poisson(4.5, 400).astype(float)),
        ("lognormal 3000 vs 2500, x1.1", rng(19).lognormal(3, 0.6, 3000), 1.1 * rng(20).lognormal(3, 0.6, 2500)),
        ("uniform 5000 vs 5000, same", rng(21).uniform(18, 120, 5000), rng(22).uniform(18, 120, 5000)),
        ("charges 5000 vs 1000, +5", rng(23).uniform(18, 120, 5000), rng(24).uniform(23, 125, 1000)),
        ("integers 0-4, 600 vs 700", rng(25).integers(0, 5, 600).astype(float), rng(26).integers(0, 5, 700).astype(float)),
        ("binary 0/1, 800 vs 900", (rng(27).random(800) < 0.16).astype(float), (rng(28).random(900) < 0.22).astype(float)),
        ("binary 0/1, 2000 vs 900", (rng(29).random(2000) < 0.16).astype(float), (rng(30).random(900) < 0.22).astype(float)),
        ("integers 0-14, 1500 vs 1500", rng(31).integers(0, 15, 1500).astype(float), rng(32).integers(1, 16, 1500).astype(float)),
        ("scores beta 1000 vs 1000", rng(33).beta(2, 5, 1000), rng(34).beta(2.5, 5, 1000)),
        ("scores beta 5000 vs 1000", rng(35).beta(2, 5, 5000), rng(36).beta(2.5, 5, 1000)),
        ("constant 10 vs 12", np.full(10, 3.0), np.full(12, 3.0)),
    ]
    return cases


def categorical_cases():
    """(name, reference, current) pairs of labels."""
    def draw(seed, labels, p, n):
        return list(np.random.default_rng(seed).choice(labels, size=n, p=p))

    contract = ["Month-to-month", "One year", "Two year"]
    five = ["a", "b", "c", "d", "e"]
    thirty = [f"level{i:02d}" for i in range(30)]
    flat30 = [1 / 30] * 30
    tilted30 = list(np.linspace(1, 2, 30) / np.linspace(1, 2, 30).sum())
    return [
        ("contract 500 vs 600", draw(41, contract, [0.55, 0.21, 0.24], 500), draw(42, contract, [0.5, 0.25, 0.25], 600)),
        ("contract 1000 vs 1000, shifted", draw(43, contract, [0.55, 0.21, 0.24], 1000), draw(44, contract, [0.4, 0.3, 0.3], 1000)),
        ("new category 400 vs 400", draw(45, five[:4], [0.4, 0.3, 0.2, 0.1], 400), draw(46, five, [0.38, 0.3, 0.2, 0.1, 0.02], 400)),
        ("binary 400 vs 450", draw(47, ["No", "Yes"], [0.7, 0.3], 400), draw(48, ["No", "Yes"], [0.62, 0.38], 450)),
        ("one value both sides", ["Yes"] * 30, ["Yes"] * 40),
        ("four 5000 vs 1000", draw(49, five[:4], [0.4, 0.3, 0.2, 0.1], 5000), draw(50, five[:4], [0.3, 0.3, 0.25, 0.15], 1000)),
        ("binary 3000 vs 800", draw(51, ["Female", "Male"], [0.5, 0.5], 3000), draw(52, ["Female", "Male"], [0.45, 0.55], 800)),
        ("thirty levels 900 vs 900", draw(53, thirty, flat30, 900), draw(54, thirty, tilted30, 900)),
    ]


def kstwo_grid():
    """(n, x) points reaching every branch of kstwo.sf (Simard and L'Ecuyer's choice, SciPy's _kolmogn)."""
    points = []
    for n in [1, 2, 5, 50, 140, 141, 500, 750, 1000, 5000, 8571, 20000, 150000]:
        xs = [0.45 / n, 0.75 / n, 1.5 / n, math.sqrt(0.3 / n), math.sqrt(0.7 / n), math.sqrt(1.0 / n),
              math.sqrt(2.0 / n), math.sqrt(3.0 / n), math.sqrt(5.0 / n), math.sqrt(20.0 / n), 0.3, 0.6,
              1 - 1.5 / n, (1.4 / n) ** (2 / 3)]
        points += [(n, x) for x in xs if 0 < x < 1]
    return points


def chi2_grid():
    return [(k, x) for k in [1, 2, 3, 7, 30, 200] for x in [0.01, 0.5, k, 2 * k + 5, 100.0, 600.0]]


# ---- The peers, as Evidently computes with SciPy ------------------------------------------------------


def evidently_method(ref, cur, numeric):
    """Evidently's default stattest (evidently.legacy.calculations.stattests.registry._get_default_stattest)."""
    n_values = len(set(ref) | set(cur))
    if len(ref) <= 1000:
        if numeric and n_values > 5:
            return "ks"
        return "chisquare" if n_values > 2 else "z"
    if numeric and n_values > 5:
        return "wasserstein"
    return "jensenshannon"


def counts(ref, cur):
    keys = sorted(set(ref) | set(cur))
    r = np.array([sum(1 for v in ref if v == k) for k in keys], dtype=float)
    c = np.array([sum(1 for v in cur if v == k) for k in keys], dtype=float)
    return keys, r, c


def chi_square(ref, cur):
    """Evidently's chi_stat_test: current counts against reference counts scaled to the current size."""
    _, r, c = counts(ref, cur)
    k_norm = len(cur) / len(ref)
    with np.errstate(divide="ignore", invalid="ignore"):
        result = stats.chisquare(c, r * k_norm)
    return float(result.statistic), float(result.pvalue)


def z_test(ref, cur):
    """Evidently's z_stat_test: 0 for the first value in sorted order, 1 otherwise; pooled two-sided test."""
    if len(set(ref)) == 1 and len(set(cur)) == 1 and set(ref) == set(cur):
        return None, 1.0
    first = sorted(set(ref) | set(cur))[0]
    a = np.array([0 if v == first else 1 for v in ref])
    b = np.array([0 if v == first else 1 for v in cur])
    n1, n2 = len(a), len(b)
    p1, p2 = float(sum(a)) / n1, float(sum(b)) / n2
    pooled = float(p1 * n1 + p2 * n2) / (n1 + n2)
    z = (p1 - p2) / np.sqrt(pooled * (1 - pooled) * (1.0 / n1 + 1.0 / n2))
    return float(z), float(2 * (1 - stats.norm.cdf(abs(z))))


def shares(ref, cur):
    _, r, c = counts(ref, cur)
    return r / len(ref), c / len(cur)


def fill_zeroes(p):
    """Evidently's get_binned_data(feel_zeroes=True)."""
    p = p.copy()
    nonzero = p[p != 0]
    smallest = nonzero.min()
    np.place(p, p == 0, smallest / 10**6 if smallest <= 0.0001 else 0.0001)
    return p


def psi_of(r, c):
    r, c = fill_zeroes(r), fill_zeroes(c)
    return float(np.sum((r - c) * np.log(r / c)))


def psi_quantiles(ref, cur, bins=10):
    """PSI over the reference's deciles (values beyond the range in the outer bins); categories for a
    reference with at most 20 distinct values, as Evidently."""
    ref, cur = np.asarray(ref), np.asarray(cur)
    if len(np.unique(ref)) <= 20:
        return psi_of(*shares(list(ref), list(cur)))
    edges = np.unique(np.quantile(ref, np.arange(1, bins) / bins))
    bin_of = lambda x: np.bincount(np.searchsorted(edges, x, side="right"), minlength=len(edges) + 1)
    return psi_of(bin_of(ref) / len(ref), bin_of(cur) / len(cur))


def psi_sturges(ref, cur):
    """Evidently's psi stattest as its code computes it: Sturges bins over both samples."""
    ref, cur = np.asarray(ref), np.asarray(cur)
    if len(np.unique(ref)) <= 20:
        return psi_of(*shares(list(ref), list(cur)))
    bins = np.histogram_bin_edges(np.concatenate([ref, cur]), bins="sturges")
    return psi_of(np.histogram(ref, bins)[0] / len(ref), np.histogram(cur, bins)[0] / len(cur))


def peer_numeric(ref, cur):
    ks = stats.ks_2samp(ref, cur)
    std = float(np.std(ref))
    w = float(stats.wasserstein_distance(ref, cur))
    method = evidently_method(list(ref), list(cur), numeric=True)
    expected = {
        "ks.statistic": float(ks.statistic),
        "ks.p_value": float(ks.pvalue),
        "ks.method": "exact" if max(len(ref), len(cur)) <= MAX_EXACT_N else "asymptotic",
        "wasserstein": w,
        "wasserstein_normed": w / max(std, 0.001),
        "std": std,
        "psi_quantiles": psi_quantiles(ref, cur),
        "psi_sturges": psi_sturges(ref, cur),
        "drift.method": method,
    }
    expected.update(peer_drift(method, list(ref), list(cur), ks=ks, w=w / max(std, 0.001)))
    return expected


def peer_drift(method, ref, cur, ks=None, w=None):
    """Evidently's drift score and decision for `method`."""
    if method == "ks":
        score = float(ks.pvalue)
    elif method == "wasserstein":
        score = w
    elif method == "chisquare":
        score = chi_square(ref, cur)[1]
    elif method == "z":
        score = z_test(ref, cur)[1]
    else:
        score = float(distance.jensenshannon(*shares(ref, cur)))
    drifted = score < 0.05 if method in ("ks", "chisquare", "z") else score >= 0.1
    return {"drift.score": score, "drift.drifted": bool(drifted)}


def peer_categorical(ref, cur):
    if len(set(ref) | set(cur)) >= 2:
        statistic, p = chi_square(ref, cur)
        statistic = statistic if math.isfinite(statistic) else None
    else:
        statistic = p = None  # SciPy answers NaN for one category; ours refuses it.
    method = evidently_method(ref, cur, numeric=False)
    expected = {
        "chi_square.statistic": statistic,
        "chi_square.p_value": p,
        "jensen_shannon": float(distance.jensenshannon(*shares(ref, cur))),
        "psi": psi_of(*shares(ref, cur)),
        "drift.method": method,
    }
    if len(set(ref) | set(cur)) <= 2:
        z, pz = z_test(ref, cur)
        expected["z.z"] = 0.0 if z is None else z
        expected["z.p_value"] = pz
    expected.update(peer_drift(method, ref, cur))
    return expected


# ---- Comparison ---------------------------------------------------------------------------------------

P_VALUES = ("p_value", "score", "sf")


def is_probability(key, method):
    last = key.split(".")[-1]
    if last == "score":
        return method in ("ks", "chisquare", "z")
    return last in P_VALUES


def compare(key, ours, theirs, method=None):
    """(ok, difference) for one statistic."""
    if isinstance(theirs, (str, bool)) or theirs is None:
        return ours == theirs, 0.0
    if ours is None:
        return False, math.inf
    diff = abs(ours - theirs)
    if is_probability(key, method):
        return diff <= P_ABS_TOL or diff <= P_REL_TOL * abs(theirs), diff
    return diff <= STAT_TOL * max(1.0, abs(theirs)), diff


def lookup(result, key):
    value = result
    for part in key.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def run_ours(command, cases):
    done = subprocess.run(command, input=json.dumps({"cases": cases}), capture_output=True, text=True, cwd=ROOT)
    if done.returncode != 0:
        sys.stderr.write(done.stderr)
        raise SystemExit(f"drift_parity: {' '.join(map(str, command))} failed ({done.returncode})")
    return json.loads(done.stdout)["cases"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--example", help="the built drift_stats example (default: cargo run --release)")
    args = parser.parse_args()
    command = [args.example] if args.example else [
        "cargo", "run", "--release", "--quiet", "--package", "ciclo-core", "--example", "drift_stats"]

    samples = [("numeric", n, r, c) for n, r, c in numeric_cases()] + \
              [("categorical", n, r, c) for n, r, c in categorical_cases()]
    cases = [{"name": name, "type": kind,
              "reference": [float(v) for v in r] if kind == "numeric" else [str(v) for v in r],
              "current": [float(v) for v in c] if kind == "numeric" else [str(v) for v in c]}
             for kind, name, r, c in samples]
    grid_k = kstwo_grid()
    grid_c = chi2_grid()
    cases += [{"name": f"kstwo n={n} x={x:.6g}", "type": "kstwo", "n": n, "x": x} for n, x in grid_k]
    cases += [{"name": f"chi2 k={k} x={x:g}", "type": "chi2", "dof": k, "x": float(x)} for k, x in grid_c]
    try:
        ours = run_ours(command, cases)
    except (OSError, json.JSONDecodeError) as e:
        print(f"drift_parity: could not run our statistics: {e}", file=sys.stderr)
        return 2

    passed = failed = 0
    failures = []
    print(f"{'case':44} {'method':14} {'checks':>6} {'largest difference':>20}  result")
    rows = [(kind, name, r, c) for kind, name, r, c in samples]
    for (kind, name, r, c), result in zip(rows, ours):
        expected = peer_numeric(np.asarray(r), np.asarray(c)) if kind == "numeric" else peer_categorical(r, c)
        method = expected["drift.method"]
        worst, ok_all = 0.0, True
        for key, theirs in expected.items():
            mine = lookup(result, key)
            ok, diff = compare(key, mine, theirs, method)
            if isinstance(theirs, float) and math.isfinite(diff):
                worst = max(worst, diff)
            if ok:
                passed += 1
            else:
                failed += 1
                ok_all = False
                failures.append(f"{name}: {key}: ours {mine!r}, peer {theirs!r}")
        print(f"{name:44} {method:14} {len(expected):>6} {worst:>20.3g}  {'ok' if ok_all else 'FAIL'}")

    offset = len(rows)
    for label, grid, peer in [
        ("kstwo.sf(x, n)", grid_k, lambda n, x: float(stats.kstwo.sf(x, n))),
        ("chi2.sf(x, k)", grid_c, lambda k, x: float(stats.chi2.sf(x, k))),
    ]:
        worst, worst_rel, ok_all = 0.0, 0.0, True
        for (a, b), result in zip(grid, ours[offset:offset + len(grid)]):
            theirs = peer(a, b)
            ok, diff = compare("sf", result.get("sf"), theirs)
            worst = max(worst, diff)
            if theirs > 0:
                worst_rel = max(worst_rel, diff / theirs)
            if ok:
                passed += 1
            else:
                failed += 1
                ok_all = False
                failures.append(f"{label} at ({a}, {b}): ours {result.get('sf')!r}, peer {theirs!r}")
        offset += len(grid)
        detail = f"{worst:.3g} (rel {worst_rel:.2g})"
        print(f"{label:44} {'grid':14} {len(grid):>6} {detail:>20}  {'ok' if ok_all else 'FAIL'}")

    for line in failures:
        print("  FAIL " + line)
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
