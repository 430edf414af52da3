// Time from navigation to interactive of the page at CICLO_URL, over CICLO_BENCH_LOADS fresh
// loads (a new browser context each: empty cache and storage). Interactive is the app's
// `performance.mark("ciclo-ready")`, set once it is mounted and its store is loaded; the mark's
// startTime is measured from navigation start. Run by `cargo xtask bench`, which serves the
// release build; prints JSON on stdout and progress on stderr.

import { launch, newContext, pageUrl } from '../lib/browser.mjs';
import { App } from '../lib/pages.mjs';

const loads = Number(process.env.CICLO_BENCH_LOADS ?? 10);
const url = pageUrl();
const browser = await launch();
const samples = [];
try {
  for (let load = 1; load <= loads; load += 1) {
    const context = await newContext(browser);
    try {
      const page = await context.newPage();
      await new App(page, url).open();
      const ready = await page.evaluate(() => performance.getEntriesByName('ciclo-ready')[0]?.startTime ?? null);
      if (ready === null) {
        throw new Error('the page is ready but set no performance mark "ciclo-ready"');
      }
      samples.push(Math.round(ready * 10) / 10);
      process.stderr.write(`    load ${load}/${loads}: ${ready.toFixed(0)} ms\n`);
    } finally {
      await context.close();
    }
  }
  console.log(JSON.stringify({ browser: `Chromium ${browser.version()}`, samples_ms: samples }));
} finally {
  await browser.close();
}
