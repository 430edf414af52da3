#!/usr/bin/env python3
"""Fidelity of Ciclo's synthetic Telco data against IBM's real Telco Customer Churn file.

Two modes:

* check (default): runs `ciclo generate --rows 7043 --seed 1`, then prints, per column, the Jensen-Shannon
  distance (base 2, so between 0 and 1) between the synthetic and the real distribution, and the
  "train synthetic, test real" (TSTR) ROC AUC of a logistic regression (one-hot encoding, standard scaling,
  `customerID` dropped and blank `TotalCharges` read as 0, as in /work/shared/data/README.md).
  Exits 1 if the TSTR AUC is below 0.80 or any distance is above 0.15.

      python tests/peers/telco_fidelity.py --real telco-customer-churn.csv --ciclo target/release/ciclo

* fit (`--fit`): fits the generator's figures on the real file and prints them as the Rust module
  `crates/ciclo-core/src/telco/calibration.rs` (run `cargo fmt` afterwards):

      python tests/peers/telco_fidelity.py --real telco-customer-churn.csv --fit > crates/ciclo-core/src/telco/calibration.rs

Requirements: pandas, scikit-learn, scipy (tested with pandas 3.1.1, scikit-learn 1.9.1, scipy 1.17.1).
The real file is not part of the repository: pass its path.
"""

import argparse
import io
import subprocess
import sys

import numpy as np
import pandas as pd
from scipy.spatial.distance import jensenshannon
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

TARGET = "Churn"
ID_COLUMN = "customerID"
NUMERIC = ["SeniorCitizen", "tenure", "MonthlyCharges", "TotalCharges"]
ADDONS = ["OnlineSecurity", "OnlineBackup", "DeviceProtection", "TechSupport", "StreamingTV", "StreamingMovies"]
CONTRACTS = ["Month-to-month", "One year", "Two year"]
INTERNET = ["No", "DSL", "Fiber optic"]
PAYMENTS = ["Electronic check", "Bank transfer (automatic)", "Credit card (automatic)", "Mailed check"]
ROWS, SEED = 7043, 1
MIN_AUC, MAX_JS, BINS = 0.80, 0.15, 20


def read(text_or_path):
    """Reads a Telco CSV keeping blanks as NaN and identifiers as text."""
    df = pd.read_csv(text_or_path, dtype={ID_COLUMN: str}, skipinitialspace=True)
    df["TotalCharges"] = pd.to_numeric(df["TotalCharges"], errors="coerce")
    return df


# ---------------------------------------------------------------------------------------------------- check


def js_distance(real, synth, column):
    """Jensen-Shannon distance (base 2) of one column; numbers over BINS shared bins plus a blank bin."""
    r, s = real[column], synth[column]
    if column in NUMERIC and r.nunique() > 10:
        lo = min(r.min(), s.min())
        hi = max(r.max(), s.max())
        edges = np.linspace(lo, hi, BINS + 1)
        p = np.append(np.histogram(r.dropna(), bins=edges)[0], r.isna().sum())
        q = np.append(np.histogram(s.dropna(), bins=edges)[0], s.isna().sum())
    else:
        levels = sorted(set(r.dropna().astype(str)) | set(s.dropna().astype(str)))
        p = np.array([(r.astype(str) == v).sum() for v in levels] + [r.isna().sum()])
        q = np.array([(s.astype(str) == v).sum() for v in levels] + [s.isna().sum()])
    return float(jensenshannon(p / p.sum(), q / q.sum(), base=2))


def model(features):
    """The reference pipeline: one-hot categoricals, standardized numbers, logistic regression."""
    categorical = [c for c in features if c not in NUMERIC]
    encode = ColumnTransformer(
        [("cat", OneHotEncoder(handle_unknown="ignore"), categorical), ("num", StandardScaler(), NUMERIC)]
    )
    return make_pipeline(encode, LogisticRegression(max_iter=1000))


def xy(df):
    x = df.drop(columns=[ID_COLUMN, TARGET]).copy()
    x["TotalCharges"] = x["TotalCharges"].fillna(0.0)
    return x, (df[TARGET] == "Yes").astype(int)


def structural_problems(df):
    """Schema facts the generator promises, as a list of complaints."""
    problems = []
    if not df[ID_COLUMN].str.fullmatch(r"\d{4}-[A-Z]{5}").all():
        problems.append("some customerID is not 4 digits, a dash and 5 capital letters")
    if df[ID_COLUMN].duplicated().any():
        problems.append("customerID values repeat")
    if not (df["TotalCharges"].isna() == (df["tenure"] == 0)).all():
        problems.append("TotalCharges is not blank exactly when tenure is 0")
    return problems


def check(args):
    real = read(args.real)
    run = subprocess.run(
        [args.ciclo, "generate", "--rows", str(args.rows), "--seed", str(args.seed)],
        check=True,
        capture_output=True,
        text=True,
    )
    synth = read(io.StringIO(run.stdout))
    if list(synth.columns) != list(real.columns):
        print(f"columns differ:\n  synthetic {list(synth.columns)}\n  real      {list(real.columns)}")
        return 1

    features = [c for c in real.columns if c not in (ID_COLUMN, TARGET)]
    print(f"synthetic: {len(synth)} rows (seed {args.seed}), real: {len(real)} rows\n")
    print(f"{'column':<18} {'JS distance':>11}")
    worst = 0.0
    for column in real.columns:
        if column == ID_COLUMN:
            print(f"{column:<18} {'(identifier)':>11}")
            continue
        d = js_distance(real, synth, column)
        worst = max(worst, d)
        flag = "  <-- above %.2f" % MAX_JS if d > MAX_JS else ""
        print(f"{column:<18} {d:>11.4f}{flag}")

    xs, ys = xy(synth)
    xr, yr = xy(real)
    tstr = roc_auc_score(yr, model(features).fit(xs, ys).predict_proba(xr)[:, 1])
    tsts = cross_val_score(model(features), xs, ys, scoring="roc_auc", cv=StratifiedKFold(5, shuffle=True, random_state=42))
    trtr = cross_val_score(model(features), xr, yr, scoring="roc_auc", cv=StratifiedKFold(5, shuffle=True, random_state=42))
    print()
    print(f"churn rate              synthetic {ys.mean():.4f}   real {yr.mean():.4f}")
    print(f"TSTR ROC AUC            {tstr:.4f}   (train synthetic, test on all real rows)")
    print(f"TSTS ROC AUC, 5-fold    {tsts.mean():.4f}")
    print(f"TRTR ROC AUC, 5-fold    {trtr.mean():.4f}")
    print(f"worst JS distance       {worst:.4f}")

    problems = structural_problems(synth)
    for p in problems:
        print(f"problem: {p}")
    failed = bool(problems)
    if tstr < MIN_AUC:
        print(f"FAIL: TSTR ROC AUC {tstr:.4f} is below {MIN_AUC}")
        failed = True
    if worst > MAX_JS:
        print(f"FAIL: a JS distance is above {MAX_JS}")
        failed = True
    print("FAIL" if failed else "OK")
    return 1 if failed else 0


# ---------------------------------------------------------------------------------------------------- fit


def fit(args):
    """Fits the generator's conditional models on the real file and prints calibration.rs."""
    df = read(args.real)
    yes = lambda c: (df[c] == "Yes").astype(float)
    f = pd.DataFrame(
        {
            "Intercept": 1.0,
            "Male": (df.gender == "Male").astype(float),
            "Senior": df.SeniorCitizen.astype(float),
            "Partner": yes("Partner"),
            "Dependents": yes("Dependents"),
            "OneYear": (df.Contract == "One year").astype(float),
            "TwoYear": (df.Contract == "Two year").astype(float),
            "Tenure": df.tenure / 72.0,
            "TenureSq": (df.tenure / 72.0) ** 2,
            "LogTenure": np.log1p(df.tenure) / np.log(73.0),
            "Dsl": (df.InternetService == "DSL").astype(float),
            "Fiber": (df.InternetService == "Fiber optic").astype(float),
            "Phone": yes("PhoneService"),
            "MultipleLines": yes("MultipleLines"),
            **{a: yes(a) for a in ADDONS},
            "Paperless": yes("PaperlessBilling"),
            "PayBank": (df.PaymentMethod == PAYMENTS[1]).astype(float),
            "PayCard": (df.PaymentMethod == PAYMENTS[2]).astype(float),
            "PayMailed": (df.PaymentMethod == PAYMENTS[3]).astype(float),
            "MonthlyCharges": df.MonthlyCharges / 100.0,
        }
    )
    out = []
    emit = out.append

    def terms(feats, coef):
        return "&[" + ", ".join(f"(F::{n}, {c:.4f})" for n, c in zip(feats, coef) if abs(c) >= 5e-5) + "]"

    def logit(name, doc, target, feats, mask=None, c=10.0):
        m = np.ones(len(df), bool) if mask is None else mask.to_numpy()
        lr = LogisticRegression(C=c, max_iter=10000).fit(f.loc[m, feats[1:]].to_numpy(), target[m])
        emit(f"/// {doc}")
        emit(f"pub(super) const {name}: Logit = {terms(feats, [lr.intercept_[0], *lr.coef_[0]])};")

    def multinomial(name, doc, column, classes, feats, c=10.0):
        lr = LogisticRegression(C=c, max_iter=10000).fit(f[feats[1:]].to_numpy(), df[column].to_numpy())
        known = list(lr.classes_)
        base = known.index(classes[0])
        emit(f"/// {doc}")
        emit(f"/// Log-odds against `{classes[0]}`, one model per class in the order")
        emit(f"/// {', '.join(f'`{k}`' for k in classes)}.")
        emit(f"pub(super) const {name}: [Logit; {len(classes)}] = [")
        for cls in classes:
            i = known.index(cls)
            coef = [lr.intercept_[i] - lr.intercept_[base], *(lr.coef_[i] - lr.coef_[base])]
            emit(f"    {terms(feats, coef)}, // {cls}")
        emit("];")

    demo = ["Intercept", "Male", "Senior", "Partner", "Dependents"]
    contract = ["OneYear", "TwoYear"]
    tenure = ["Tenure", "TenureSq", "LogTenure"]
    base = demo + contract + tenure + ["Dsl", "Fiber"]
    phone = df.PhoneService == "Yes"
    internet = df.InternetService != "No"

    emit("//! Figures of the synthetic Telco generator, fitted on IBM's public Telco Customer Churn sample")
    emit("//! (7,043 customers).")
    emit("//!")
    emit("//! Generated by `python tests/peers/telco_fidelity.py --real telco-customer-churn.csv --fit` with")
    emit("//! scikit-learn's `LogisticRegression` (C = 10 for the features, C = 1 for churn) and")
    emit("//! `LinearRegression` (prices), then `cargo fmt`. Do not edit by hand: change the script, rerun it.")
    emit("//!")
    emit("//! Every `Logit` is a sparse list of (covariate, weight) pairs over `Feature`; covariates that a")
    emit("//! model does not use are absent. Tenure enters as `tenure / 72`, its square and")
    emit("//! `ln(1 + tenure) / ln 73`; monthly charges as dollars / 100.")
    emit("")
    emit("// Fitted weights are data, not approximations of constants, even when one lands near 1/π.")
    emit("#![allow(clippy::approx_constant)]")
    emit("")
    emit("use super::Feature as F;")
    emit("")
    emit("/// A logistic model: a sparse list of (covariate, weight) pairs, the intercept being `F::Intercept`.")
    emit("pub(super) type Logit = &'static [(F, f64)];")
    emit("")
    emit("/// Share of men.")
    emit(f"pub(super) const P_MALE: f64 = {(df.gender == 'Male').mean():.4f};")
    emit("/// Share of senior citizens.")
    emit(f"pub(super) const P_SENIOR: f64 = {df.SeniorCitizen.mean():.4f};")
    logit("PARTNER", "Log-odds of having a partner.", yes("Partner").to_numpy(), ["Intercept", "Senior"])
    logit(
        "DEPENDENTS", "Log-odds of having dependents.", yes("Dependents").to_numpy(), ["Intercept", "Senior", "Partner"]
    )
    multinomial("CONTRACT", "Contract given the household.", "Contract", CONTRACTS, demo)

    edges = [0, 1, 2, 3, *range(6, 72, 3), 72, 73]
    emit("/// Tenure bins in months, inclusive: 0, 1 and 2 alone, then three months at a time, then 72 (the")
    emit("/// maximum, a spike of long-standing customers).")
    bins = ", ".join(f"({a}, {b - 1})" for a, b in zip(edges[:-1], edges[1:]))
    emit(f"pub(super) const TENURE_BINS: [(u32, u32); {len(edges) - 1}] = [{bins}];")
    emit("/// Customers per tenure bin, by contract (in `CONTRACT` order) and then without and with a partner.")
    emit(f"pub(super) const TENURE_COUNTS: [[[u32; {len(edges) - 1}]; 2]; 3] = [")
    for c in CONTRACTS:
        emit("    [")
        for p in ["No", "Yes"]:
            t = df.tenure[(df.Contract == c) & (df.Partner == p)]
            h = np.histogram(t, bins=edges)[0]
            emit(f"        [{', '.join(str(int(v)) for v in h)}], // {c}, partner {p}")
        emit("    ],")
    emit("];")

    multinomial("INTERNET", "Internet service given household, contract and tenure.", "InternetService", INTERNET,
                demo + contract + tenure)
    emit("/// Share of DSL customers with a phone line (fiber and phone-only customers all have one).")
    emit(f"pub(super) const P_PHONE_GIVEN_DSL: f64 = {(df.PhoneService[df.InternetService == 'DSL'] == 'Yes').mean():.4f};")
    logit("MULTIPLE_LINES", "Log-odds of multiple lines, for customers with a phone.", yes("MultipleLines").to_numpy(),
          base, phone)
    previous = ["Phone", "MultipleLines"]
    emit("/// Log-odds of each add-on for internet customers, in column order (`OnlineSecurity` ...")
    emit("/// `StreamingMovies`); each depends on the add-ons before it, which carries their correlation.")
    emit(f"pub(super) const ADDONS: [Logit; {len(ADDONS)}] = [")
    for a in ADDONS:
        m = internet.to_numpy()
        feats = base + previous
        lr = LogisticRegression(C=10.0, max_iter=10000).fit(f.loc[m, feats[1:]].to_numpy(), yes(a).to_numpy()[m])
        emit(f"    {terms(feats, [lr.intercept_[0], *lr.coef_[0]])}, // {a}")
        previous = previous + [a]
    emit("];")
    logit("PAPERLESS", "Log-odds of paperless billing.", yes("PaperlessBilling").to_numpy(), base + previous)
    multinomial("PAYMENT", "Payment method.", "PaymentMethod", PAYMENTS, base + previous + ["Paperless"])

    price_features = ["Dsl", "Fiber", "Phone", "MultipleLines", *ADDONS]
    lin = LinearRegression().fit(f[price_features], df.MonthlyCharges)
    emit("/// Monthly charge in dollars: a base plus a price per service (a linear fit explains all but about a")
    emit("/// dollar of the real charges).")
    emit(f"pub(super) const PRICE_BASE: f64 = {lin.intercept_:.4f};")
    emit("/// Price in dollars of each service, added to `PRICE_BASE`.")
    emit(f"pub(super) const PRICES: [(F, f64); {len(price_features)}] = [")
    emit("    " + ", ".join(f"(F::{n}, {c:.4f})" for n, c in zip(price_features, lin.coef_)) + ",")
    emit("];")
    resid = df.MonthlyCharges - lin.predict(f[price_features])
    sd = resid.groupby(df.InternetService).std()
    emit("/// Standard deviation in dollars of the charge around its price, by internet service (in `INTERNET`")
    emit("/// order).")
    emit(f"pub(super) const PRICE_NOISE: [f64; 3] = [{', '.join(f'{sd[k]:.4f}' for k in INTERNET)}];")
    t = df.tenure[df.tenure > 1]
    gap = (df.TotalCharges - df.tenure * df.MonthlyCharges)[df.tenure > 1]
    # The gap between total charges and tenure x monthly charge grows like a random walk of monthly price
    # changes: sd(gap) = k * MonthlyCharges * sqrt(tenure - 1); least squares for k.
    scale = (df.MonthlyCharges[df.tenure > 1] * np.sqrt(t - 1)).to_numpy()
    k = float(np.sqrt(np.mean(gap.to_numpy() ** 2) / np.mean(scale**2)))
    emit("/// Total charges are `tenure × monthly charge` plus a random walk of past price changes: a normal")
    emit("/// gap with standard deviation `TOTAL_CHARGES_WALK × monthly charge × √(tenure − 1)`.")
    emit(f"pub(super) const TOTAL_CHARGES_WALK: f64 = {k:.4f};")
    churn = base + previous + ["Paperless", "PayBank", "PayCard", "PayMailed", "MonthlyCharges"]
    logit("CHURN", "Log-odds of churn.", yes("Churn").to_numpy(), churn, c=1.0)
    print("\n".join(out))
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--real", required=True, help="path of IBM's telco-customer-churn.csv")
    parser.add_argument("--ciclo", help="path of the ciclo binary (check mode)")
    parser.add_argument("--rows", type=int, default=ROWS, help=f"synthetic rows (default {ROWS})")
    parser.add_argument("--seed", type=int, default=SEED, help=f"generator seed (default {SEED})")
    parser.add_argument("--fit", action="store_true", help="print the fitted calibration.rs instead of checking")
    args = parser.parse_args()
    if args.fit:
        return fit(args)
    if not args.ciclo:
        parser.error("--ciclo is required unless --fit is given")
    return check(args)


if __name__ == "__main__":
    sys.exit(main())
