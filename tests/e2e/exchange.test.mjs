// Export, import and push from a fresh browser, at another origin than the MLflow server allows:
// a document imported into an empty store, hostile names shown as text, a broken document refused
// in words, an unreachable server and a CORS refusal each explained with what to do.

import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

import { collectErrors, eventually, launch, mlflowUrl, newContext, pageUrl } from './lib/browser.mjs';

const ARTIFACTS = fileURLToPath(new URL('./artifacts/', import.meta.url));
const HOSTILE = '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">';

/** A small document as Ciclo writes it (docs/export-format.md), with hostile names. */
function documentWith({ experimentName, runName }) {
  const runId = 'a'.repeat(31) + '1';
  const now = 1_790_000_000_000;
  return {
    format: 'ciclo-export',
    format_version: 1,
    exported_at: now,
    producer: 'e2e test',
    experiments: [
      { experiment_id: '7', name: experimentName, creation_time: now, tags: {}, description: HOSTILE, lifecycle_stage: 'active' },
    ],
    runs: [
      {
        run_id: runId,
        experiment_id: '7',
        run_name: runName,
        status: 'FINISHED',
        start_time: now,
        end_time: now + 1500,
        lifecycle_stage: 'active',
        deleted_time: null,
        parent_run_id: null,
        params: { model: 'logistic_regression', C: '1.0' },
        tags: { note: HOSTILE },
        metrics: { f1: 0.61, roc_auc: 0.84, odd: 'NaN' },
        latest_points: { f1: { value: 0.61, step: 0, timestamp: now } },
        metric_history: { f1: [{ value: 0.5, step: 0, timestamp: now - 10 }, { value: 0.61, step: 0, timestamp: now }] },
        inputs: [],
        artifacts: [],
      },
    ],
    registry: { models: [], versions: [], audit: [] },
  };
}

describe('a visitor at another origin, with an empty store', () => {
  const errors = [];
  let browser;
  let page;
  // The same page at another host name: another origin, which the MLflow server does not allow (MLflow
  // allows every localhost origin by itself, so `localhost` would not do). Chromium resolves the name to
  // 127.0.0.1, so the page is still served by the test's static server.
  const url = pageUrl().replace('127.0.0.1', 'ciclo.test');

  before(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    browser = await launch(['--host-resolver-rules=MAP ciclo.test 127.0.0.1']);
    const context = await newContext(browser);
    page = await context.newPage();
    collectErrors(page, errors);
    await page.goto(`${url}#/exchange`);
    await page.waitForFunction(() => document.documentElement.dataset.ready === 'true');
  });

  after(async () => {
    await browser?.close();
  });

  it('imports a document with hostile names and shows them as text', async () => {
    const file = `${ARTIFACTS}hostile-export.json`;
    await writeFile(file, JSON.stringify(documentWith({ experimentName: HOSTILE, runName: `${HOSTILE} ${'x'.repeat(150)}` })));
    await page.getByTestId('import-file').setInputFiles(file);
    const preview = page.getByTestId('import-preview');
    await preview.waitFor();
    assert.match(await preview.textContent(), /Ejecuciones: 1 nueva/);
    await page.getByRole('button', { name: 'Importar', exact: true }).click();
    await page.getByTestId('import-done').waitFor();
    await page.goto(`${url}#/runs`);
    await page.waitForFunction(() => document.documentElement.dataset.ready === 'true');
    await page.getByRole('cell', { name: /<script>window.__pwned/ }).first().waitFor();
    assert.equal(await page.evaluate(() => window.__pwned), undefined, 'nothing from the document ran');
    assert.equal(await page.locator('img[src=x]').count(), 0, 'no element made from the document');
  });

  it('refuses a broken document and says where', async () => {
    await page.goto(`${url}#/exchange`);
    await page.waitForFunction(() => document.documentElement.dataset.ready === 'true');
    const newer = { ...documentWith({ experimentName: 'e', runName: 'r' }), format_version: 99 };
    const cases = [
      [newer, /versión 99/],
      [(() => { const d = documentWith({ experimentName: 'e', runName: 'r' }); delete d.runs[0].run_name; return d; })(), /run_name/],
      [(() => { const d = documentWith({ experimentName: 'e', runName: 'r' }); d.runs.push(d.runs[0]); return d; })(), /aaaaaaaa/],
    ];
    for (const [index, [document, expected]] of cases.entries()) {
      const file = `${ARTIFACTS}broken-${index}.json`;
      await writeFile(file, JSON.stringify(document));
      await page.getByTestId('import-file').setInputFiles(file);
      const error = page.getByTestId('import-error');
      await eventually(`the refusal of case ${index}`, async () => ((await error.count()) ? error.textContent() : ''), (t) => expected.test(t));
      assert.equal(await page.getByTestId('import-preview').count(), 0, 'nothing offered to import');
    }
  });

  it('is told when nothing answers at the address', async () => {
    await page.getByLabel('Dirección del servidor de seguimiento').fill('http://127.0.0.1:9');
    await page.getByRole('button', { name: 'Enviar', exact: true }).click();
    const error = page.getByTestId('push-error');
    await error.waitFor();
    assert.match(await error.textContent(), /No responde nada en http:\/\/127\.0\.0\.1:9/);
  });

  it('is told how to start the server when it refuses this origin (CORS)', async () => {
    await page.getByLabel('Dirección del servidor de seguimiento').fill(mlflowUrl());
    await page.getByRole('button', { name: 'Enviar', exact: true }).click();
    const error = page.getByTestId('push-error');
    await eventually('the CORS refusal', () => error.textContent(), (t) => t.includes('--cors-allowed-origins'));
    const origin = new URL(url).origin;
    assert.ok((await error.textContent()).includes(`--cors-allowed-origins ${origin}`), await error.textContent());
    await page.screenshot({ path: `${ARTIFACTS}exchange-cors.png`, fullPage: true });
  });

  it('sees no page error on the way (the refused requests are the browser\'s own messages)', () => {
    const own = errors.filter((e) => !/Failed to load resource|CORS policy|ERR_CONNECTION_REFUSED|net::ERR_FAILED/.test(e));
    assert.deepEqual(own, []);
  });
});
