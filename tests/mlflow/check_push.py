"""Reads a pushed Ciclo export document back from an MLflow tracking server and compares it, record by record.

Usage: check_push.py --tracking-uri URL --document FILE

Any export document will do (`ciclo export`, `ciclo train --log-to`, the page's export, the
`export_fixture` example). Checked with `mlflow.MlflowClient`, one line per check:
- each experiment by name, its description (`mlflow.note.content`) and tags;
- exactly one server run per document run (tag `ciclo.run_id`; runs tagged `ciclo.push=abandoned` by a
  redone push do not count), tagged `ciclo.push=complete`;
- its name, status, start and end times, lifecycle stage (deleted runs deleted there too);
- params; tags, with `mlflow.parentRunId` = the server id of the parent;
- every metric's history: steps, timestamps and values (NaN equals NaN);
- dataset inputs (name, digest, context, schema, profile);
- artifacts listed, and each downloaded and compared byte for byte;
- registered models (description, tags), their versions pointing at the right server runs, with their
  stage, and the aliases on the mapped versions.
Exits with 1 and a precise difference on the first failing check of each kind.
"""

import argparse
import json
import math
import sys
import tempfile
from pathlib import Path

from mlflow import MlflowClient
from mlflow.entities import ViewType

RUN_ID_TAG = "ciclo.run_id"
PUSH_TAG = "ciclo.push"
PARENT_TAG = "mlflow.parentRunId"
NOTE_TAG = "mlflow.note.content"


class Checker:
    def __init__(self):
        self.failures = 0
        self.passed = 0

    def check(self, name, expected, found):
        if same(expected, found):
            self.passed += 1
            print(f"ok    {name}")
            return True
        self.failures += 1
        print(f"FAIL  {name}")
        print(f"      expected: {short(expected)}")
        print(f"      found:    {short(found)}")
        diff = difference(expected, found)
        if diff:
            print(f"      first difference: {diff}")
        return False


def value(v):
    """A document metric value: a number, or "NaN" / "Infinity" / "-Infinity"."""
    if isinstance(v, str):
        return float(v.replace("Infinity", "inf"))
    return float(v)


def same(a, b):
    if isinstance(a, float) and isinstance(b, float):
        return (math.isnan(a) and math.isnan(b)) or a == b
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    return a == b


def difference(a, b):
    if isinstance(a, dict) and isinstance(b, dict):
        missing = sorted(set(a) - set(b))
        extra = sorted(set(b) - set(a))
        if missing:
            return f"missing keys {missing[:5]}"
        if extra:
            return f"unexpected keys {extra[:5]}"
        for k in sorted(a):
            if not same(a[k], b[k]):
                return f"at {k!r}: expected {short(a[k])}, found {short(b[k])}"
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        if len(a) != len(b):
            return f"expected {len(a)} items, found {len(b)}"
        for i, (x, y) in enumerate(zip(a, b)):
            if not same(x, y):
                return f"at index {i}: expected {short(x)}, found {short(y)}"
    return None


def short(x, limit=300):
    text = repr(x)
    return text if len(text) <= limit else text[:limit] + f"... ({len(text)} characters)"


def list_all(client, run_id, path=None):
    files = []
    for info in client.list_artifacts(run_id, path):
        if info.is_dir:
            files.extend(list_all(client, run_id, info.path))
        else:
            files.append(info.path)
    return files


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tracking-uri", required=True)
    parser.add_argument("--document", required=True)
    args = parser.parse_args()

    doc = json.loads(Path(args.document).read_text(encoding="utf-8"))
    client = MlflowClient(tracking_uri=args.tracking_uri, registry_uri=args.tracking_uri)
    c = Checker()

    # Experiments.
    experiment_ids = {}
    for experiment in doc["experiments"]:
        server = client.get_experiment_by_name(experiment["name"])
        if not c.check(f"experiment {experiment['name']!r} exists", True, server is not None):
            continue
        experiment_ids[experiment["experiment_id"]] = server.experiment_id
        if experiment.get("description"):
            c.check(f"experiment {experiment['name']!r}: description", experiment["description"],
                    server.tags.get(NOTE_TAG))
        tags = {k: v for k, v in experiment.get("tags", {}).items() if k != NOTE_TAG}
        c.check(f"experiment {experiment['name']!r}: tags", tags, {k: server.tags.get(k) for k in tags})

    # Runs: exactly one per document run.
    server_runs = {}
    all_experiments = sorted(set(experiment_ids.values()))
    for run in doc["runs"]:
        found = client.search_runs(
            all_experiments,
            filter_string=f"tags.\"{RUN_ID_TAG}\" = '{run['run_id']}'",
            run_view_type=ViewType.ALL,
            max_results=100,
        )
        live = [r for r in found if r.data.tags.get(PUSH_TAG) != "abandoned"]
        if c.check(f"run {run['run_id']}: exactly one server run", 1, len(live)):
            server_runs[run["run_id"]] = live[0]

    for run in doc["runs"]:
        server = server_runs.get(run["run_id"])
        if server is None:
            continue
        label = f"run {run['run_id']} ({server.info.run_id})"
        info, data = server.info, server.data
        c.check(f"{label}: push complete", "complete", data.tags.get(PUSH_TAG))
        c.check(f"{label}: experiment", experiment_ids.get(run["experiment_id"]), info.experiment_id)
        c.check(f"{label}: name, status, start and end times, lifecycle stage",
                [run["run_name"], run["status"], run["start_time"], run.get("end_time"),
                 run.get("lifecycle_stage", "active")],
                [info.run_name, info.status, info.start_time, info.end_time, info.lifecycle_stage])
        c.check(f"{label}: params ({len(run.get('params', {}))})", run.get("params", {}), dict(data.params))
        tags = {k: v for k, v in run.get("tags", {}).items() if k not in (PARENT_TAG, RUN_ID_TAG, PUSH_TAG)}
        c.check(f"{label}: tags ({len(tags)})", tags, {k: data.tags.get(k) for k in tags})
        parent = run.get("parent_run_id") or run.get("tags", {}).get(PARENT_TAG)
        if parent:
            expected = server_runs[parent].info.run_id if parent in server_runs else "(the parent's server run)"
            c.check(f"{label}: mlflow.parentRunId is the parent's server id", expected, data.tags.get(PARENT_TAG))

        # Metrics: every history point, in (step, timestamp) order, NaN-aware.
        histories = run.get("metric_history", {})
        for key in sorted(set(histories) | set(run.get("metrics", {}))):
            points = histories.get(key) or []
            if points:
                expected = sorted(((p["step"], p["timestamp"], value(p["value"])) for p in points),
                                  key=lambda p: (p[0], p[1]))
            else:
                latest = run.get("latest_points", {}).get(key)
                v = value(run["metrics"][key])
                expected = [(latest["step"], latest["timestamp"], v)] if latest else [(0, run["start_time"], v)]
            found = sorted(((m.step, m.timestamp, float(m.value)) for m in client.get_metric_history(info.run_id, key)),
                           key=lambda p: (p[0], p[1]))
            c.check(f"{label}: metric {key!r} history ({len(expected)} points)", expected, found)
        latest_expected = {k: value(v) for k, v in run.get("metrics", {}).items()}
        c.check(f"{label}: latest metrics", latest_expected, {k: float(data.metrics.get(k, float('inf'))) for k in latest_expected})

        # Dataset inputs.
        expected_inputs = sorted(
            (i["name"], i["digest"], i["context"], i.get("schema", ""), i.get("profile", ""))
            for i in run.get("inputs", []))
        found_inputs = sorted(
            (d.dataset.name, d.dataset.digest, {t.key: t.value for t in d.tags}.get("mlflow.data.context"),
             d.dataset.schema or "", d.dataset.profile or "")
            for d in (server.inputs.dataset_inputs if server.inputs else []))
        c.check(f"{label}: dataset inputs ({len(expected_inputs)})", expected_inputs, found_inputs)

        # Artifacts, listed and downloaded.
        artifacts = run.get("artifacts", [])
        if artifacts:
            if not info.artifact_uri.startswith("mlflow-artifacts:"):
                print(f"skip  {label}: artifacts (the server stores them at {info.artifact_uri}, not behind its proxy)")
                continue
            c.check(f"{label}: artifacts listed", sorted(a["path"] for a in artifacts), sorted(list_all(client, info.run_id)))
            with tempfile.TemporaryDirectory() as tmp:
                for artifact in artifacts:
                    local = client.download_artifacts(info.run_id, artifact["path"], tmp)
                    c.check(f"{label}: artifact {artifact['path']!r} byte for byte",
                            artifact["content"].encode("utf-8"), Path(local).read_bytes())

    # Registry.
    registry = doc.get("registry", {})
    versions_by_model = {}
    for version in registry.get("versions", []):
        versions_by_model.setdefault(version["name"], []).append(version)
    model_names = [m["name"] for m in registry.get("models", [])]
    model_names += [n for n in versions_by_model if n not in model_names]
    for name in model_names:
        model = next((m for m in registry.get("models", []) if m["name"] == name), {"name": name})
        try:
            server_model = client.get_registered_model(name)
        except Exception as error:  # RestException: the model is missing
            c.check(f"registered model {name!r} exists", True, str(error))
            continue
        c.check(f"registered model {name!r} exists", True, True)
        if model.get("description"):
            c.check(f"model {name!r}: description", model["description"], server_model.description)
        tags = model.get("tags", {})
        c.check(f"model {name!r}: tags", tags, {k: server_model.tags.get(k) for k in tags})

        # MLflow's filter grammar has no escape: a name with a single quote goes in double quotes.
        literal = f'"{name}"' if "'" in name else f"'{name}'"
        server_versions = client.search_model_versions(f"name={literal}", max_results=1000)
        mapped = {}
        taken = {}
        for version in sorted(versions_by_model.get(name, []), key=lambda v: v["version"]):
            run = server_runs.get(version["run_id"])
            label = f"model {name!r} version {version['version']}"
            if not c.check(f"{label}: its run was pushed", True, run is not None):
                continue
            of_run = sorted((v for v in server_versions if v.run_id == run.info.run_id), key=lambda v: int(v.version))
            k = taken.get(version["run_id"], 0)
            taken[version["run_id"]] = k + 1
            if not c.check(f"{label}: a server version from run {run.info.run_id}", True, k < len(of_run)):
                continue
            server_version = of_run[k]
            mapped[version["version"]] = server_version.version
            print(f"      {label} is server version {server_version.version}")
            c.check(f"{label}: source is the run's model", f"{run.info.artifact_uri}/model", server_version.source)
            c.check(f"{label}: stage", version.get("current_stage", "None"), server_version.current_stage)
            c.check(f"{label}: description", version.get("description", ""), server_version.description or "")
            vtags = version.get("tags", {})
            c.check(f"{label}: tags", vtags, {k2: server_version.tags.get(k2) for k2 in vtags})
        aliases = {alias: str(mapped.get(v, f"(document version {v}, not pushed)"))
                   for alias, v in model.get("aliases", {}).items()}
        c.check(f"model {name!r}: aliases on the mapped versions", aliases,
                {alias: str(server_model.aliases.get(alias)) for alias in aliases})

    print(f"{c.passed} checks passed, {c.failures} failed")
    return 1 if c.failures else 0


if __name__ == "__main__":
    sys.exit(main())
