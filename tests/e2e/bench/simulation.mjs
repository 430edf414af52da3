// The production simulation's year in the browser (issue 6): crates/ciclo-bench compiled to WebAssembly,
// in a module Web Worker of headless Chromium (bench/engine/index.html and worker.js), as the page runs
// the simulation in its worker; and the same year natively, in turn with the browser's.
//
// Run by `cargo xtask bench --simulate`, which builds the wasm and the native example, serves the wasm at
// CICLO_URL and passes the plan in CICLO_SIMULATION_PLAN as JSON:
//   { "runs": 3, "native": "/path/to/examples/simulation",
//     "cases": [{ "preset": "price_rise", "policy": "on-drift" }, ...] }
// Each case runs `runs` whole years on each side, the browser's and then the native example's
// (crates/ciclo-bench/examples/simulation.rs) in turn, so that the machine's load falls on both alike.
// Both sides run ciclo_bench::simulation::year: the opening and every period timed inside the program,
// and each period's message to the page written and read back. Prints JSON on stdout,
// `{ "browser": "Chromium …", "measured": { "browser": { "cases" }, "native": { "cases" } } }` with
// `cases: [{ "preset", "policy", "samples": [...] }]`, and progress on stderr.

import { execFileSync } from 'node:child_process';

import { launch, newContext, pageUrl } from '../lib/browser.mjs';

const plan = JSON.parse(process.env.CICLO_SIMULATION_PLAN ?? 'null');
if (!plan) {
  throw new Error('CICLO_SIMULATION_PLAN is not set: run `cargo xtask bench --simulate`, which builds the wasm and sets it');
}

/** One native year of `preset:policy`: the example's JSON line, its first sample. */
function nativeYear(preset, policy) {
  const output = execFileSync(plan.native, ['--runs', '1', `${preset}:${policy}`], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = output.trim().split('\n').at(-1);
  return JSON.parse(line).cases[0].samples[0];
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

  const measured = { browser: { cases: [] }, native: { cases: [] } };
  for (const { preset, policy } of plan.cases) {
    const ours = [];
    const native = [];
    for (let run = 1; run <= plan.runs; run += 1) {
      const year = await ask({ op: 'simulate', preset, policy });
      ours.push(year);
      process.stderr.write(
        `    browser: ${preset} ${policy} run ${run}/${plan.runs}: ${year.total_ms.toFixed(0)} ms, ` +
          `${year.retrainings} retrainings\n`,
      );
      native.push(nativeYear(preset, policy));
    }
    measured.browser.cases.push({ preset, policy, samples: ours });
    measured.native.cases.push({ preset, policy, samples: native });
  }
  if (errors.length > 0) {
    throw new Error(`the benchmark page reported errors: ${errors.join('; ')}`);
  }
  console.log(JSON.stringify({ browser: `Chromium ${browser.version()}`, measured }));
} finally {
  await browser.close();
}
