// The tracking measurements of issue 4, on the release page at CICLO_URL in headless Chromium:
//
// 1. Long Tasks: a `PerformanceObserver({ type: 'longtask', buffered: true })` installed before the page's
//    scripts; the page opened, each of the four families trained once from the Experiments page, then the
//    report's grid search (the "report grid" preset, 36 combinations × 5 folds over the page's workers, refit
//    included). Every long task is counted in the activity during which it started (the activities follow
//    each other without gaps). The grid's time, from the click to the refit shown, is measured here too.
// 2. The runs page with many runs: the records the page itself wrote in step 1 (runs, metric histories,
//    artifacts) are the templates from which `plan.runs` active runs (plus some in the trash) are written
//    straight into the page's IndexedDB, with varied parameters, metrics, tags, statuses, experiments and
//    grid searches (a parent and its children). Then, `plan.repetitions` times: reload `#/runs` and time the
//    table's first page (from navigation start), submit a search, clear it, sort by a column. The same
//    is measured with one page of runs (`plan.baseline_runs`) in the same run, as the peer to compare with.
//
// Run by `cargo xtask bench --tracking`, which serves the release build and passes the plan in
// CICLO_BENCH_PLAN as JSON:
//   { "runs": 10000, "deleted": 150, "baseline_runs": 50, "repetitions": 7,
//     "filter": "metrics.f1 > 0.55 and params.model = 'random_forest'", "sort": "metrics.f1" }
// With `"profile": "PATH"` in the plan, one more reload of the 10,000 runs (not counted) is recorded with
// Chrome's CPU profiler into PATH (open it in DevTools' Performance panel), and IndexedDB's own `getAll` of
// every run is timed from JavaScript alone: where the load's time goes. Prints JSON on stdout and progress on
// stderr. The table's first page counts as shown when its rows are in
// the DOM with the expected "1–50 of N" line (`dom_ms`) and at the next frame after that (`frame_ms`).

import { collectErrors, eventually, launch, newContext, pageUrl } from '../lib/browser.mjs';
import { App } from '../lib/pages.mjs';

const plan = JSON.parse(process.env.CICLO_BENCH_PLAN ?? 'null');
if (!plan) {
  throw new Error('CICLO_BENCH_PLAN is not set: run `cargo xtask bench --tracking`, which serves the page and sets it');
}
const url = pageUrl();
const FAMILIES = ['logistic_regression', 'decision_tree', 'random_forest', 'gradient_boosting'];
/** A training or the grid may take this long on a loaded 2-core machine. */
const LONG_MS = 30 * 60_000;
const log = (text) => process.stderr.write(`    ${text}\n`);

/** Installed before the page's own scripts: every long task of the main thread, kept in `window`. */
function observeLongTasks() {
  window.__cicloLongTasks = [];
  try {
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        window.__cicloLongTasks.push({ start: entry.startTime, duration: entry.duration });
      }
    }).observe({ type: 'longtask', buffered: true });
  } catch (error) {
    window.__cicloLongTaskError = String(error);
  }
}

/**
 * Installed before the page's own scripts: the time (from navigation start) at which the runs table shows
 * rows and a range line matching `pattern`, and the time of the next frame after that.
 */
function watchFirstPage(pattern) {
  const expected = new RegExp(pattern);
  const shown = { dom: null, frame: null, rows: 0 };
  window.__cicloFirstPage = shown;
  const check = () => {
    if (shown.dom !== null) return;
    const range = document.querySelector('[data-testid="runs-range"]');
    const rows = document.querySelectorAll('[data-testid="run-row"]').length;
    if (range && rows > 0 && expected.test(range.textContent.trim())) {
      shown.dom = performance.now();
      shown.rows = rows;
      observer.disconnect();
      requestAnimationFrame(() => setTimeout(() => (shown.frame = performance.now()), 0));
    }
  };
  const observer = new MutationObserver(check);
  observer.observe(document, { childList: true, subtree: true, characterData: true });
}

/** Every record of the page's IndexedDB `ciclo` that the runs page and the run detail read. */
async function readStore({ contents }) {
  const db = await new Promise((resolve, reject) => {
    const request = indexedDB.open('ciclo');
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  const all = (store) =>
    new Promise((resolve, reject) => {
      const request = db.transaction(store).objectStore(store).getAll();
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  const out = {
    version: db.version,
    experiments: await all('experiments'),
    runs: await all('runs'),
    histories: await all('metric_histories'),
    artifacts: await all('artifacts'),
  };
  db.close();
  if (!contents) {
    out.artifacts = out.artifacts.map((a) => ({ run_id: a.run_id, path: a.path, length: a.content.length }));
  }
  return out;
}

async function finishedRuns(page) {
  const stored = await page.evaluate(readStore, { contents: false });
  return stored.runs.filter((run) => run.status === 'FINISHED').length;
}

/** The page's `performance.now()`. */
async function now(page) {
  return page.evaluate(() => performance.now());
}

/** Trains `family` with its default parameters and waits until its run is FINISHED in IndexedDB. */
async function train(page, family) {
  await page.locator('#model-family').selectOption(family);
  const before = await finishedRuns(page);
  const button = page.getByTestId('train-button');
  await button.click();
  await eventually(
    `the ${family} run to be FINISHED in IndexedDB`,
    async () => ({
      finished: await finishedRuns(page),
      error: (await page.getByTestId('train-error').count()) > 0,
    }),
    (state) => state.finished > before || state.error,
    { timeout: LONG_MS, interval: 250 },
  );
  if ((await page.getByTestId('train-error').count()) > 0) {
    throw new Error(`training ${family} failed: ${await page.getByTestId('train-error').textContent()}`);
  }
}

/**
 * Trains `family` and waits, from the page alone (reading 10,000 runs back from IndexedDB would itself block
 * the main thread), until the metrics panel shows a new result and the train button is enabled again, then
 * another `settle` ms for what follows (autolog, writing behind).
 */
async function trainWatchingPage(page, family, settle = 1500) {
  await page.locator('#model-family').selectOption(family);
  const auc = page.getByTestId('metric-roc_auc');
  const value = async () => ((await auc.count()) > 0 ? auc.getAttribute('data-value') : null);
  const previous = await value();
  const button = page.getByTestId('train-button');
  await button.click();
  await eventually(
    `the ${family} metrics`,
    async () => ({
      auc: await value(),
      enabled: await button.isEnabled(),
      error: (await page.getByTestId('train-error').count()) > 0,
    }),
    (state) => state.error || (state.auc !== null && state.auc !== previous && state.enabled),
    { timeout: LONG_MS, interval: 100 },
  );
  if ((await page.getByTestId('train-error').count()) > 0) {
    throw new Error(`training ${family} failed: ${await page.getByTestId('train-error').textContent()}`);
  }
  await page.waitForTimeout(settle);
}

/** The long tasks that started between consecutive `marks` (the last one ends at `end`). */
function tasksPerActivity(marks, end, tasks) {
  return marks.map((mark, i) => {
    const until = marks[i + 1]?.at ?? end;
    const durations = tasks.filter((t) => t.start >= mark.at && t.start < until).map((t) => t.duration);
    return {
      activity: mark.activity,
      window_ms: until - mark.at,
      count: durations.length,
      longest_ms: durations.length ? Math.max(...durations) : 0,
      total_ms: durations.reduce((a, b) => a + b, 0),
      over_100_ms: durations.filter((d) => d > 100).length,
      durations_ms: durations.map((d) => Math.round(d)),
    };
  });
}

/** Starts the report's grid with its preset button; returns its time from the click to the refit shown. */
async function reportGrid(page) {
  await page.evaluate(() => {
    window.__cicloGridDone = null;
    const observer = new MutationObserver(() => {
      if (document.querySelector('[data-testid="search-refit"]')) {
        window.__cicloGridDone = performance.now();
        observer.disconnect();
      }
    });
    observer.observe(document.body, { childList: true, subtree: true });
  });
  const started = await page.evaluate(() => {
    const button = document.querySelector('[data-testid="report-grid-button"]');
    const at = performance.now();
    button.click();
    return at;
  });
  let lastLogged = 0;
  const done = await eventually(
    'the report grid to be refitted',
    async () => {
      const state = await page.evaluate(() => ({
        done: window.__cicloGridDone,
        progress: document.querySelector('[data-testid="search-progress-text"]')?.textContent?.trim() ?? '',
        error: [...document.querySelectorAll('.search-panel [role="alert"]')].map((e) => e.textContent).join('; '),
      }));
      if (Date.now() - lastLogged > 15_000) {
        lastLogged = Date.now();
        log(`grid: ${state.progress}`);
      }
      return state;
    },
    (state) => state.done !== null || state.error !== '',
    { timeout: LONG_MS, interval: 500 },
  );
  if (done.error) {
    throw new Error(`the report grid failed: ${done.error}`);
  }
  const workers = Number(/(\d+) workers/.exec(done.progress)?.[1] ?? NaN);
  return { ms: done.done - started, progress: done.progress, workers };
}

/** Step 1: long tasks per activity, the grid's time, and the page's own records as templates. */
async function activities(browser) {
  const context = await newContext(browser, { locale: 'en-US' });
  await context.addInitScript(observeLongTasks);
  const errors = [];
  try {
    const page = await context.newPage();
    collectErrors(page, errors);
    const app = new App(page, url);
    const marks = [{ activity: 'open the page (#/experiments) until ready', at: 0 }];
    await app.open('#/experiments');
    await page.getByTestId('train-button').waitFor();
    const hardwareConcurrency = await page.evaluate(() => navigator.hardwareConcurrency);
    for (const family of FAMILIES) {
      marks.push({ activity: `train ${family}`, at: await now(page) });
      const started = Date.now();
      await train(page, family);
      log(`trained ${family} in ${Date.now() - started} ms (until FINISHED in IndexedDB)`);
      // Let what follows the training (autolog, writing behind) land in this activity.
      await page.waitForTimeout(1000);
    }
    marks.push({ activity: 'report grid (36 combinations × 5 folds, refit)', at: await now(page) });
    const grid = await reportGrid(page);
    log(`report grid: ${(grid.ms / 1000).toFixed(1)} s over ${grid.workers} workers (${grid.progress})`);
    await page.waitForTimeout(2000);
    const end = await now(page);
    const { tasks, observerError } = await page.evaluate(() => ({
      tasks: window.__cicloLongTasks,
      observerError: window.__cicloLongTaskError ?? null,
    }));
    if (observerError) {
      throw new Error(`the browser refused the longtask observer: ${observerError}`);
    }
    const longTasks = tasksPerActivity(marks, end, tasks);
    const templates = await page.evaluate(readStore, { contents: true });
    if (errors.length > 0) {
      throw new Error(`the page reported errors: ${errors.join('; ')}`);
    }
    return { hardwareConcurrency, longTasks, grid, templates };
  } finally {
    await context.close();
  }
}

/**
 * Runs in the page: writes `count` active runs and `deleted` runs in the trash into the IndexedDB `ciclo`,
 * made from the page's own records in `templates`, and returns what the runs page should then show.
 */
async function seedStore({ templates, count, deleted, filter, seed }) {
  // A small seeded generator (mulberry32), so the same plan writes the same runs.
  let state = seed >>> 0;
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = (list) => list[Math.floor(random() * list.length)];
  const hex = () => Array.from({ length: 32 }, () => Math.floor(random() * 16).toString(16)).join('');
  const clone = (value) => structuredClone(value);
  const clamp = (x) => Math.min(1, Math.max(0, x));

  const single = templates.runs.filter((r) => !r.parent_run_id && !r.tags['ciclo.search']);
  const parent = templates.runs.find((r) => r.tags['ciclo.search']);
  const children = templates.runs.filter((r) => r.parent_run_id);
  if (single.length === 0 || !parent || children.length === 0) {
    throw new Error(`templates: ${single.length} trainings, ${parent ? 1 : 0} search parents, ${children.length} children`);
  }
  const historiesOf = (runId) => templates.histories.filter((h) => h.run_id === runId);
  const artifactsOf = (runId) => templates.artifacts.filter((a) => a.run_id === runId);
  // Realistic values per parameter, as a person tries them in the form.
  const choices = {
    C: ['0.01', '0.1', '1', '10', '100'],
    max_iter: ['100', '200', '500'],
    max_depth: ['3', '5', '8', '10', '15', 'None'],
    min_samples_split: ['2', '5', '10', '20'],
    min_samples_leaf: ['1', '2', '5', '10'],
    n_estimators: ['50', '100', '200', '300'],
    learning_rate: ['0.05', '0.1', '0.3'],
    test_size: ['0.2', '0.25', '0.3'],
    seed: ['1', '7', '42', '2024'],
  };
  const experimentIds = ['0', '1', '2'];
  const experiments = clone(templates.experiments);
  const base = experiments.find((e) => e.experiment_id === '0') ?? experiments[0];
  for (const [id, name] of [['1', 'churn-baseline'], ['2', 'churn-tuning']]) {
    if (!experiments.some((e) => e.experiment_id === id)) {
      experiments.push({ ...clone(base), experiment_id: id, name, description: `${name} runs` });
    }
  }

  const runs = [];
  const histories = [];
  const artifacts = [];
  const newest = Date.now() - 60_000;
  let serial = 0;
  const place = (template, run, at) => {
    const runId = hex();
    serial += 1;
    run.run_id = runId;
    run.start_time = at;
    const duration = template.end_time ? template.end_time - template.start_time : 1000;
    run.end_time = at + Math.max(20, Math.round(duration * (0.5 + random())));
    for (const point of Object.values(run.latest_points ?? {})) {
      point.timestamp = run.end_time;
    }
    for (const h of historiesOf(template.run_id)) {
      const points = h.points.map((p, i) => ({ ...p, timestamp: at + i }));
      if (run.metrics[h.key] !== undefined && points.length === 1) points[0].value = run.metrics[h.key];
      histories.push({ run_id: runId, key: h.key, points });
    }
    for (const a of artifactsOf(template.run_id)) {
      artifacts.push({ run_id: runId, path: a.path, content: a.content });
    }
    runs.push(run);
    return run;
  };
  const vary = (run) => {
    for (const key of Object.keys(run.metrics)) {
      const value = run.metrics[key];
      if (value >= 0 && value <= 1) run.metrics[key] = clamp(value + (random() - 0.5) * 0.12);
      if (run.latest_points?.[key]) run.latest_points[key].value = run.metrics[key];
    }
    for (const key of Object.keys(run.params)) {
      if (choices[key] && random() < 0.7) run.params[key] = pick(choices[key]);
    }
    run.tags['ciclo.seed'] = run.params.seed ?? run.tags['ciclo.seed'];
  };

  // Newest first, a few minutes apart: `count` active runs, then `deleted` more in the trash.
  let at = newest;
  const total = count + deleted;
  while (runs.length < total) {
    at -= Math.round(60_000 + random() * 600_000);
    const experimentId = pick(experimentIds);
    if (random() < 0.0025 && total - runs.length > children.length + 1) {
      // A grid search: its parent and a child per combination, in one experiment.
      const p = place(parent, clone(parent), at);
      p.run_name = `search-${serial}`;
      p.experiment_id = experimentId;
      vary(p);
      for (const template of children) {
        const child = place(template, clone(template), at + 1000 + runs.length);
        child.run_name = `${template.run_name.replace(/-\d+$/, '')}-${serial}`;
        child.experiment_id = experimentId;
        child.parent_run_id = p.run_id;
        child.tags['mlflow.parentRunId'] = p.run_id;
        vary(child);
      }
      continue;
    }
    const template = pick(single);
    const run = place(template, clone(template), at);
    run.run_name = `${template.run_name.replace(/-\d+$/, '')}-${serial}`;
    run.experiment_id = experimentId;
    vary(run);
    const roll = random();
    if (roll < 0.04) {
      run.status = 'FAILED';
      run.metrics = {};
      run.latest_points = {};
      run.artifacts = [];
      run.tags['ciclo.error'] = 'the worker stopped: out of memory';
    } else if (roll < 0.07) {
      run.status = 'KILLED';
      run.metrics = {};
      run.latest_points = {};
      run.artifacts = [];
    }
    if (random() < 0.1) run.tags['mlflow.note.content'] = `tried ${run.params.model} with seed ${run.params.seed}`;
  }
  // The last `deleted` runs go to the trash (a search and its children stay together: none is that old).
  const active = runs.slice(0, runs.length - deleted);
  for (const run of runs.slice(runs.length - deleted)) {
    run.lifecycle_stage = 'deleted';
    run.deleted_time = newest;
  }
  // Keep only the histories and artifacts of runs that have metrics. The fitted model (`model/model.json`:
  // about 5.5 MB for a 100-tree forest, 1 MB for boosting) is kept for the newest `MODELS` runs only, and
  // the others stop listing it: 10,000 of them would be gigabytes. The runs page reads none of these stores.
  const MODELS = 200;
  const withMetrics = new Set(runs.filter((r) => Object.keys(r.metrics).length > 0).map((r) => r.run_id));
  const withModel = new Set(runs.slice(0, MODELS).map((r) => r.run_id));
  for (const run of runs.filter((r) => !withModel.has(r.run_id))) {
    run.artifacts = (run.artifacts ?? []).filter((a) => a.path !== 'model/model.json');
  }
  const keptHistories = histories.filter((h) => withMetrics.has(h.run_id));
  const keptArtifacts = artifacts.filter(
    (a) => withMetrics.has(a.run_id) && (a.path !== 'model/model.json' || withModel.has(a.run_id)),
  );

  const db = await new Promise((resolve, reject) => {
    const request = indexedDB.open('ciclo');
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  const write = (store, records) =>
    new Promise((resolve, reject) => {
      const transaction = db.transaction(store, 'readwrite');
      const objects = transaction.objectStore(store);
      objects.clear();
      for (const record of records) objects.put(record);
      transaction.oncomplete = () => resolve();
      transaction.onabort = () => reject(transaction.error);
    });
  await write('experiments', experiments);
  await write('runs', runs);
  await write('metric_histories', keptHistories);
  // Artifacts in slices: one transaction of every model would hold them all in memory at once.
  await write('artifacts', []);
  for (let i = 0; i < keptArtifacts.length; i += 2000) {
    await new Promise((resolve, reject) => {
      const transaction = db.transaction('artifacts', 'readwrite');
      for (const record of keptArtifacts.slice(i, i + 2000)) transaction.objectStore('artifacts').put(record);
      transaction.oncomplete = () => resolve();
      transaction.onabort = () => reject(transaction.error);
    });
  }
  db.close();

  // What the table should show: the filter's matches (this generator's filters only: `metrics.X > v` and
  // `params.Y = 'v'` joined by `and`), and the first run by the sort column, descending.
  const tests = filter.split(/\s+and\s+/i).map((clause) => {
    const metric = /^metrics\.(\w+)\s*>\s*([\d.]+)$/.exec(clause.trim());
    if (metric) return (r) => r.metrics[metric[1]] !== undefined && r.metrics[metric[1]] > Number(metric[2]);
    const param = /^params\.(\w+)\s*=\s*'([^']*)'$/.exec(clause.trim());
    if (param) return (r) => r.params[param[1]] === param[2];
    throw new Error(`the bench cannot check the filter clause \`${clause}\``);
  });
  const matched = active.filter((r) => tests.every((test) => test(r))).length;
  const natural = (a, b) => b.start_time - a.start_time || (a.run_id < b.run_id ? -1 : 1);
  const bySort = (key) =>
    [...active].sort((a, b) => {
      const x = a.metrics[key];
      const y = b.metrics[key];
      const rank = (v) => (v === undefined ? 2 : Number.isNaN(v) ? 1 : 0);
      return rank(x) - rank(y) || (rank(x) === 0 && y !== x ? y - x : 0) || natural(a, b);
    })[0].run_name;
  const blob = (records) => records.reduce((n, r) => n + JSON.stringify(r).length, 0);
  return {
    stored: runs.length,
    active: active.length,
    deleted,
    parents: runs.filter((r) => r.tags['ciclo.search']).length,
    children: runs.filter((r) => r.parent_run_id).length,
    statuses: runs.reduce((m, r) => ({ ...m, [r.status]: (m[r.status] ?? 0) + 1 }), {}),
    experiments: experiments.length,
    histories: keptHistories.length,
    artifacts: keptArtifacts.length,
    json_bytes: { runs: blob(runs), histories: blob(keptHistories), artifacts: blob(keptArtifacts) },
    matched,
    first_by: { f1: bySort('f1') },
  };
}

/** The range line of the first page of `total` runs, as the English page writes it. */
function firstPageRange(total) {
  return `${total === 0 ? 0 : 1}–${Math.min(50, total)} of ${total}`;
}

const escapeRegExp = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Times, in the page, from an event (`keydown` Enter or a click on a sort button) to `done()` holding. */
async function timeUpdate(page, { trigger, until }) {
  await page.evaluate(({ trigger, until }) => {
    const result = { start: null, dom: null, frame: null };
    window.__cicloUpdate = result;
    const isTrigger =
      trigger === 'enter'
        ? (e) => e.type === 'keydown' && e.key === 'Enter'
        : (e) => e.type === 'click' && e.target.closest?.('button.sort');
    const onEvent = (event) => {
      if (result.start === null && isTrigger(event)) result.start = event.timeStamp;
    };
    document.addEventListener('keydown', onEvent, true);
    document.addEventListener('click', onEvent, true);
    const holds = () => {
      const range = document.querySelector('[data-testid="runs-range"]')?.textContent.trim();
      const first = document.querySelector('[data-testid="run-row"] [data-testid="run-link"]')?.textContent.trim();
      return (until.range === undefined || range === until.range) && (until.first === undefined || first === until.first);
    };
    const observer = new MutationObserver(() => {
      if (result.start !== null && result.dom === null && holds()) {
        result.dom = performance.now();
        observer.disconnect();
        document.removeEventListener('keydown', onEvent, true);
        document.removeEventListener('click', onEvent, true);
        requestAnimationFrame(() => setTimeout(() => (result.frame = performance.now()), 0));
      }
    });
    observer.observe(document.body, { childList: true, subtree: true, characterData: true });
  }, { trigger, until });
}

async function updateTimes(page, what) {
  const result = await eventually(
    what,
    () => page.evaluate(() => window.__cicloUpdate),
    (r) => r.frame !== null,
    { timeout: 60_000, interval: 20 },
  );
  return { dom_ms: result.dom - result.start, frame_ms: result.frame - result.start };
}

/**
 * Where a reload's time goes: how long IndexedDB itself takes to hand over every run (`getAll`, timed from
 * JavaScript alone), and Chrome's CPU profile of one reload (self time per function, the top 25), written in
 * full to `plan.profile` for the DevTools' Performance panel.
 */
async function profileLoad(context, page, app) {
  const idb = await page.evaluate(async () => {
    const db = await new Promise((resolve, reject) => {
      const request = indexedDB.open('ciclo');
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    const started = performance.now();
    const runs = await new Promise((resolve, reject) => {
      const request = db.transaction('runs').objectStore('runs').getAll();
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    const got = performance.now();
    const json = JSON.stringify(runs);
    const stringified = performance.now();
    db.close();
    return { runs: runs.length, get_all_ms: got - started, stringify_ms: stringified - got, json_chars: json.length };
  });
  const cdp = await context.newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  await page.goto(`${url}#/runs`);
  await cdp.send('Profiler.start');
  await page.reload();
  await app.waitReady();
  await eventually('the first page after the profiled reload', () => page.evaluate(() => window.__cicloFirstPage), (s) => s.frame !== null);
  const { profile } = await cdp.send('Profiler.stop');
  const { writeFileSync } = await import('node:fs');
  writeFileSync(plan.profile, JSON.stringify(profile));
  const self = new Map();
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const dt = profile.timeDeltas;
  profile.samples.forEach((id, i) => {
    const frame = byId.get(id).callFrame;
    const name = `${frame.functionName || '(anonymous)'} ${frame.url.split('/').pop()}:${frame.lineNumber}`;
    self.set(name, (self.get(name) ?? 0) + (dt[i + 1] ?? 0) / 1000);
  });
  const top = [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 25).map(([name, ms]) => ({ name, ms: Math.round(ms) }));
  return { idb, top };
}

/** Step 2 for one store size: seed, then `repetitions` × (reload, search, clear, sort). */
async function runsPage(browser, templates, { count, deleted, repetitions, interactions }) {
  const context = await newContext(browser, { locale: 'en-US' });
  await context.addInitScript(observeLongTasks);
  const errors = [];
  try {
    const page = await context.newPage();
    collectErrors(page, errors);
    const app = new App(page, url);
    // Open once so that the page creates its database in the current layout, then write into it.
    await app.open('#/runs');
    const seeded = await page.evaluate(seedStore, {
      templates,
      count,
      deleted,
      filter: plan.filter,
      seed: count,
    });
    log(
      `seeded ${seeded.stored} runs (${seeded.active} active, ${seeded.deleted} deleted, ${seeded.parents} searches ` +
        `with ${seeded.children} children, ${JSON.stringify(seeded.statuses)}), ${seeded.histories} histories, ` +
        `${seeded.artifacts} artifacts`,
    );
    const range = firstPageRange(seeded.active);
    await context.addInitScript(watchFirstPage, `^${escapeRegExp(range)}$`);
    const loads = [];
    const searches = [];
    const clears = [];
    const sorts = [];
    for (let rep = 1; rep <= repetitions; rep += 1) {
      await page.reload();
      await app.waitReady();
      const shown = await eventually(
        `the runs table to show "${range}" (a page listing a different number of runs means the seeded records \
were not read as written)`,
        () => page.evaluate(() => window.__cicloFirstPage),
        (s) => s.frame !== null,
        { timeout: 60_000, interval: 20 },
      );
      const ready = await page.evaluate(() => performance.getEntriesByName('ciclo-ready')[0]?.startTime ?? null);
      loads.push({ dom_ms: shown.dom, frame_ms: shown.frame, ready_ms: ready, rows: shown.rows });
      let line = `${count} runs, load ${rep}/${repetitions}: ready ${ready?.toFixed(0)} ms, first page ${shown.dom.toFixed(0)} ms`;
      if (interactions) {
        const filter = page.locator('#run-filter');
        await filter.fill(plan.filter);
        await timeUpdate(page, { trigger: 'enter', until: { range: firstPageRange(seeded.matched) } });
        await filter.press('Enter');
        searches.push(await updateTimes(page, `the search to show "${firstPageRange(seeded.matched)}"`));
        await filter.fill('');
        await timeUpdate(page, { trigger: 'enter', until: { range } });
        await filter.press('Enter');
        clears.push(await updateTimes(page, `the cleared search to show "${range}"`));
        const column = plan.sort.split('.')[1];
        await timeUpdate(page, { trigger: 'click', until: { first: seeded.first_by[column] } });
        await page.locator('th button.sort', { hasText: new RegExp(`^${escapeRegExp(column)}$`) }).click();
        sorts.push(await updateTimes(page, `the sort by ${plan.sort} to put ${seeded.first_by[column]} first`));
        line += `, search ${searches.at(-1).dom_ms.toFixed(0)} ms, clear ${clears.at(-1).dom_ms.toFixed(0)} ms, sort ${sorts.at(-1).dom_ms.toFixed(0)} ms`;
      }
      log(line);
    }
    const profile = plan.profile && interactions ? await profileLoad(context, page, app) : null;
    // Training with every run stored: the long tasks of the page's tracking (each batch checked against the
    // working set and written behind) while the Experiments page is shown.
    let trainings = [];
    if (interactions) {
      await page.getByRole('navigation').getByRole('link', { name: 'Experiments', exact: true }).click();
      await page.getByTestId('train-button').waitFor();
      await page.waitForTimeout(1000);
      const marks = [];
      for (const family of ['logistic_regression', 'random_forest']) {
        marks.push({ activity: `train ${family} with ${count} runs stored`, at: await now(page) });
        await trainWatchingPage(page, family);
        log(`trained ${family} with ${count} runs stored`);
      }
      const tasks = await page.evaluate(() => window.__cicloLongTasks);
      trainings = tasksPerActivity(marks, await now(page), tasks);
    }
    const estimate = await page.evaluate(() => navigator.storage.estimate().then((e) => e.usage));
    if (errors.length > 0) {
      throw new Error(`the page reported errors: ${errors.join('; ')}`);
    }
    return { seeded, storage_bytes: estimate, loads, searches, clears, sorts, trainings, profile };
  } finally {
    await context.close();
  }
}

const browser = await launch();
try {
  // For working on step 2 alone: CICLO_BENCH_TEMPLATES names a file that keeps step 1's records and results
  // (written when missing, read when present, so step 1 is skipped).
  const saved = process.env.CICLO_BENCH_TEMPLATES;
  const { existsSync, readFileSync, writeFileSync } = await import('node:fs');
  const first = saved && existsSync(saved) ? JSON.parse(readFileSync(saved, 'utf8')) : await activities(browser);
  if (saved && !existsSync(saved)) writeFileSync(saved, JSON.stringify(first));
  const { templates } = first;
  const digest = templates.runs.find((r) => r.inputs?.length)?.inputs[0].digest ?? null;
  const baseline = await runsPage(browser, templates, {
    count: plan.baseline_runs,
    deleted: 0,
    repetitions: plan.repetitions,
    interactions: false,
  });
  const many = await runsPage(browser, templates, {
    count: plan.runs,
    deleted: plan.deleted,
    repetitions: plan.repetitions,
    interactions: true,
  });
  console.log(
    JSON.stringify({
      browser: `Chromium ${browser.version()}`,
      hardware_concurrency: first.hardwareConcurrency,
      long_tasks: first.longTasks,
      grid: first.grid,
      digest,
      template_runs: templates.runs.length,
      runs_page: { baseline, many },
    }),
  );
} finally {
  await browser.close();
}
