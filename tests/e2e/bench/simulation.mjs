// The production simulation's year in the browser (issue 6): crates/ciclo-bench compiled to WebAssembly,
// in a module Web Worker of headless Chromium (bench/engine/index.html and worker.js), as the page runs
// the simulation in its worker.
//
// Run by `cargo xtask bench --simulate`, which builds the wasm, serves it at CICLO_URL and passes the plan
// in CICLO_SIMULATION_PLAN as JSON:
//   { "runs": 3, "cases": [{ "preset": "price_rise", "policy": "on-drift" }, ...] }
// Each case runs `runs` whole years in turn (SimulationBench: 52 weeks of 1,000 customers, the opening and
// every period timed inside the wasm, and each period's message to the page written and read back). Prints
// JSON on stdout, `{ "browser", "cases": [{ "preset", "policy", "samples": [...] }] }` in the shape of the
// native example's (crates/ciclo-bench/examples/simulation.rs), and progress on stderr.

import { launch, newContext, pageUrl } from '../lib/browser.mjs';

const plan = JSON.parse(process.env.CICLO_SIMULATION_PLAN ?? 'null');
if (!plan) {
  throw new Error('CICLO_SIMULATION_PLAN is not set: run `cargo xtask bench --simulate`, which builds the wasm and sets it');
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

  const cases = [];
  for (const { preset, policy } of plan.cases) {
    const samples = [];
    for (let run = 1; run <= plan.runs; run += 1) {
      const year = await ask({ op: 'simulate', preset, policy });
      samples.push(year);
      process.stderr.write(
        `    browser: ${preset} ${policy} run ${run}/${plan.runs}: ${year.total_ms.toFixed(0)} ms, ` +
          `${year.retrainings} retrainings\n`,
      );
    }
    cases.push({ preset, policy, samples });
  }
  if (errors.length > 0) {
    throw new Error(`the benchmark page reported errors: ${errors.join('; ')}`);
  }
  console.log(JSON.stringify({ browser: `Chromium ${browser.version()}`, cases }));
} finally {
  await browser.close();
}
