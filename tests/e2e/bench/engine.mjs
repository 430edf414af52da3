// The engine's fit time in the browser: crates/ciclo-bench compiled to WebAssembly, in a module Web Worker
// of headless Chromium (bench/engine/index.html and worker.js), as the page trains.
//
// Run by `cargo xtask bench`, which builds the wasm, serves it at CICLO_URL and passes the plan in
// CICLO_BENCH_PLAN as JSON:
//   { "sizes": [{ "rows": 7043, "runs": 9 }, { "rows": 70430, "runs": 5 }], "data_seed": 1, "seed": 42,
//     "families": [{ "name": "tree", "params": { "max_depth": 5 } }, ...] }
// For each size it prepares the data set once (untimed), then fits each family `runs` times. Prints JSON on
// stdout (the fit milliseconds measured inside the wasm around the fit alone, and the test metrics of the
// last run) and progress on stderr.

import { launch, newContext, pageUrl } from '../lib/browser.mjs';

const plan = JSON.parse(process.env.CICLO_BENCH_PLAN ?? 'null');
if (!plan) {
  throw new Error('CICLO_BENCH_PLAN is not set: run `cargo xtask bench`, which builds the wasm and sets it');
}
const url = pageUrl();
const browser = await launch();
try {
  const context = await newContext(browser, { locale: 'en-US' });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(`${url}index.html`);
  await page.waitForFunction(() => document.documentElement.dataset.ready === 'true');
  const ask = (message) => page.evaluate((m) => window.bench(m), message);

  const sizes = [];
  for (const { rows, runs } of plan.sizes) {
    const info = await ask({ op: 'prepare', rows, dataSeed: plan.data_seed, seed: plan.seed });
    process.stderr.write(`    browser: ${rows} rows prepared in ${info.prepare_ms.toFixed(0)} ms\n`);
    const families = {};
    for (const family of plan.families) {
      const samples = [];
      let last = null;
      for (let run = 1; run <= runs; run += 1) {
        last = await ask({ op: 'fit', rows, model: family.name, params: family.params });
        samples.push(last.fit_ms);
        process.stderr.write(`    browser: ${rows} rows, ${family.name} run ${run}/${runs}: ${last.fit_ms.toFixed(1)} ms\n`);
      }
      families[family.name] = { samples_ms: samples, metrics: last.metrics };
    }
    sizes.push({ ...info, families });
  }
  if (errors.length > 0) {
    throw new Error(`the benchmark page reported errors: ${errors.join('; ')}`);
  }
  console.log(JSON.stringify({ browser: `Chromium ${browser.version()}`, sizes }));
} finally {
  await browser.close();
}
