// Serving's scoring speed in the browser: crates/ciclo-bench compiled to WebAssembly, in a module Web Worker
// of headless Chromium (bench/engine/index.html and worker.js), as the page's CSV scorer runs.
//
// Run by `cargo xtask bench --serving`, which builds the wasm, serves it at CICLO_URL and passes the plan in
// CICLO_SERVING_PLAN as JSON:
//   { "train_rows": 7043, "data_seed": 1, "seed": 42, "score_rows": 100000, "score_seed": 7, "runs": 5,
//     "families": [{ "name": "logreg", "params": { "C": 1 } }, ...] }
// For each family it trains once and generates the rows (untimed), then scores them `runs` times. Prints
// JSON on stdout (per run: milliseconds of reading the CSV, transform and prediction, measured inside the
// wasm) and progress on stderr.

import { launch, newContext, pageUrl } from '../lib/browser.mjs';

const plan = JSON.parse(process.env.CICLO_SERVING_PLAN ?? 'null');
if (!plan) {
  throw new Error('CICLO_SERVING_PLAN is not set: run `cargo xtask bench --serving`, which builds the wasm and sets it');
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

  const families = {};
  for (const family of plan.families) {
    const built = await ask({
      op: 'scoring',
      model: family.name,
      params: family.params,
      trainRows: plan.train_rows,
      dataSeed: plan.data_seed,
      seed: plan.seed,
      scoreRows: plan.score_rows,
      scoreSeed: plan.score_seed,
    });
    process.stderr.write(`    browser: ${family.name} trained, ${plan.score_rows} rows generated in ${built.prepare_ms.toFixed(0)} ms\n`);
    const samples = [];
    for (let run = 1; run <= plan.runs; run += 1) {
      const scored = await ask({ op: 'score' });
      samples.push(scored);
      process.stderr.write(
        `    browser: ${family.name} run ${run}/${plan.runs}: read ${scored.read_ms.toFixed(0)} ms, ` +
          `transform ${scored.transform_ms.toFixed(0)} ms, predict ${scored.predict_ms.toFixed(0)} ms\n`,
      );
    }
    families[family.name] = { samples };
  }
  if (errors.length > 0) {
    throw new Error(`the benchmark page reported errors: ${errors.join('; ')}`);
  }
  console.log(JSON.stringify({ browser: `Chromium ${browser.version()}`, families }));
} finally {
  await browser.close();
}
