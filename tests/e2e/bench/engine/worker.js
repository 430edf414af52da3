// The engine benchmark's worker: loads crates/ciclo-bench (wasm-bindgen's `--target web` output) and
// answers the page's requests. `prepare` builds the data set of one size (generated, read back from CSV,
// split, preprocessed: untimed); `fit` fits one family on it and returns the fit's milliseconds, measured
// inside the wasm with performance.now() around the fit alone, and the test metrics.

import init, { Bench } from './ciclo_bench.js';

const loaded = init();
let prepared = null;

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
    } else {
      throw new Error(`unknown request ${op}`);
    }
    self.postMessage({ id, result });
  } catch (error) {
    self.postMessage({ id, error: String(error?.message ?? error) });
  }
};
