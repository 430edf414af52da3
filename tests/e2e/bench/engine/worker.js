// The engine benchmark's worker: loads crates/ciclo-bench (wasm-bindgen's `--target web` output) and
// answers the page's requests. `prepare` builds the data set of one size (generated, read back from CSV,
// split, preprocessed: untimed); `fit` fits one family on it and returns the fit's milliseconds, measured
// inside the wasm with performance.now() around the fit alone, and the test metrics.
// Serving: `scoring` trains one family on the built-in data and generates the rows to score (untimed);
// `score` scores them all and returns the milliseconds of reading, transform and prediction apart.
// Production simulation (issue 6): `simulate` runs one whole year of a preset and policy and returns its
// timings, measured inside the wasm (the opening, each period, and each period's message to the page).

import init, { Bench, ScoringBench, SimulationBench } from './ciclo_bench.js';

const loaded = init();
let prepared = null;
let scoring = null;

self.onmessage = async ({ data }) => {
  const { id, op } = data;
  try {
    await loaded;
    let result;
    if (op === 'prepare') {
      prepared?.free();
      prepared = null;
      const started = performance.now();
      prepared = new Bench(data.rows, BigInt(data.dataSeed), BigInt(data.seed));
      result = { ...JSON.parse(prepared.info()), prepare_ms: performance.now() - started };
    } else if (op === 'fit') {
      if (!prepared) throw new Error('fit before prepare');
      result = JSON.parse(prepared.fit(data.model, JSON.stringify(data.params ?? {})));
    } else if (op === 'scoring') {
      scoring?.free();
      scoring = null;
      const started = performance.now();
      scoring = new ScoringBench(
        data.model,
        JSON.stringify(data.params ?? {}),
        data.trainRows,
        BigInt(data.dataSeed),
        BigInt(data.seed),
        data.scoreRows,
        BigInt(data.scoreSeed),
      );
      result = { prepare_ms: performance.now() - started };
    } else if (op === 'score') {
      if (!scoring) throw new Error('score before scoring');
      result = JSON.parse(scoring.score());
    } else if (op === 'simulate') {
      const simulation = new SimulationBench(data.preset, data.policy);
      try {
        result = JSON.parse(simulation.run());
      } finally {
        simulation.free();
      }
    } else {
      throw new Error(`unknown request ${op}`);
    }
    self.postMessage({ id, result });
  } catch (error) {
    self.postMessage({ id, error: String(error?.message ?? error) });
  }
};
