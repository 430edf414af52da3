// Launching Debian's Chromium for the end-to-end tests and the page benchmark.
//
// Playwright's own browser download cannot work here, so Playwright drives /usr/bin/chromium
// (installed by `cargo xtask test`). The flags keep Chromium off the network: without them it
// tries Google's hosts at every start, and this machine's closed network refuses them.

import { chromium } from 'playwright-core';

/** Chromium's flags: headless, no sandbox (we run as root), no background networking. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** How long a step may wait for the page: training included, on a loaded 2-core machine. */
export const TIMEOUT_MS = 30_000;

/** The page under test, from `CICLO_URL` (set by `cargo xtask test`), ending in `/`. */
export function pageUrl() {
  const url = process.env.CICLO_URL;
  if (!url) {
    throw new Error('CICLO_URL is not set: run `cargo xtask test`, which builds the page, serves it and sets it');
  }
  return url.endsWith('/') ? url : `${url}/`;
}

/** The MLflow tracking server to push to, from `CICLO_MLFLOW_URL` (`cargo xtask test` starts one and sets it). */
export function mlflowUrl() {
  const url = process.env.CICLO_MLFLOW_URL;
  if (!url) {
    throw new Error('CICLO_MLFLOW_URL is not set: run `cargo xtask test`, which starts `mlflow server` and sets it');
  }
  return url.replace(/\/$/, '');
}

/** Starts Chromium, with `extraArgs` after ours. Close it with `browser.close()`. */
export function launch(extraArgs = []) {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: [...CHROMIUM_ARGS, ...extraArgs],
  });
}

/**
 * A fresh context (empty storage, no cache): a visitor whose browser prefers Spanish, at
 * 1280×800, unless `options` says otherwise.
 */
export async function newContext(browser, options = {}) {
  const context = await browser.newContext({ locale: 'es-ES', viewport: { width: 1280, height: 800 }, ...options });
  context.setDefaultTimeout(TIMEOUT_MS);
  return context;
}

/** Records the page's uncaught errors and `console.error` messages into `errors`. */
export function collectErrors(page, errors) {
  page.on('pageerror', (error) => errors.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') {
      const { url, lineNumber } = message.location();
      errors.push(`console error: ${message.text()}${url ? ` (${url}:${lineNumber})` : ''}`);
    }
  });
}

/**
 * Polls `probe` until `check` accepts its value or `timeout` passes, then returns the value or
 * throws with `what` and the last value: an assertion that waits for the page.
 */
export async function eventually(what, probe, check, { timeout = TIMEOUT_MS, interval = 100 } = {}) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    last = await probe();
    if (check(last)) return last;
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeout} ms waiting for ${what}; last value: ${JSON.stringify(last)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
}
