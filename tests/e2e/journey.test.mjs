// The visitor's journey through the release page: data, training, runs kept across reloads,
// language switch kept across reloads; and no error in the console on the way.

import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

import { collectErrors, launch, newContext, pageUrl } from './lib/browser.mjs';
import { journey } from './lib/steps.mjs';
import { App, DataPage, ExperimentsPage, METRICS } from './lib/pages.mjs';

const SCREENSHOT = fileURLToPath(new URL('../../docs/screenshot.png', import.meta.url));
const ARTIFACTS = fileURLToPath(new URL('./artifacts/', import.meta.url));

describe('a visitor whose browser prefers Spanish', () => {
  const errors = [];
  let browser;
  let context;
  let app;
  let data;
  let experiments;

  before(async () => {
    browser = await launch();
    context = await newContext(browser, { locale: 'es-ES' });
    const page = await context.newPage();
    collectErrors(page, errors);
    app = new App(page, pageUrl());
    data = new DataPage(page);
    experiments = new ExperimentsPage(page);
  });

  after(async () => {
    await browser?.close();
  });

  const step = journey();

  step('sees the page in Spanish', async () => {
    await app.open();
    assert.equal(await app.htmlLang(), 'es');
    for (const name of ['Datos', 'Experimentos', 'Modelos', 'Servicio', 'Monitorización', 'Ciclo de vida']) {
      await app.navLink(name).waitFor();
    }
    assert.equal(await app.languageButton('Español').getAttribute('aria-pressed'), 'true');
    assert.equal(await app.storageWarning.count(), 0, 'no storage warning when IndexedDB works');
  });

  step('sees a preview of the data and a summary of every column', async () => {
    await data.waitShown();
    const headers = await data.headers();
    assert.equal(headers.length, 21, `21 columns, got ${JSON.stringify(headers)}`);
    assert.ok(headers.includes('customerID'), 'a customerID column');
    assert.ok(headers.includes('Churn'), 'a Churn column');
    const rows = await data.previewRows().count();
    assert.ok(rows >= 1 && rows <= 10, `1 to 10 preview rows, got ${rows}`);
    assert.equal(await data.summaryRows.count(), headers.length, 'one summary row per column');
  });

  step('trains a logistic regression and sees its metrics', async () => {
    await app.go('Experimentos');
    await experiments.trainButton.waitFor();
    assert.equal((await experiments.trainButton.textContent()).trim(), 'Entrenar regresión logística');
    const sawProgress = await experiments.train();
    assert.ok(sawProgress, 'the progress indicator appears while training');
    const metrics = await experiments.metricValues();
    for (const name of METRICS) {
      assert.ok(metrics[name] >= 0 && metrics[name] <= 1, `${name} = ${metrics[name]} is in [0, 1]`);
    }
    assert.ok(metrics.roc_auc >= 0.7, `ROC AUC = ${metrics.roc_auc} is at least 0.70`);
    await experiments.waitForRuns(['FINISHED']);
    await mkdir(ARTIFACTS, { recursive: true });
    await app.page.screenshot({ path: `${ARTIFACTS}experiments.png`, fullPage: true });
  });

  step('finds the run again after a reload', async () => {
    await app.reload();
    await experiments.waitForRuns(['FINISHED']);
  });

  step('switches to English', async () => {
    await app.chooseLanguage('English');
    await app.navLink('Experiments').waitFor();
    assert.equal((await experiments.trainButton.textContent()).trim(), 'Train logistic regression');
    assert.equal(await app.htmlLang(), 'en');
  });

  step('is still in English after a reload', async () => {
    await app.reload();
    await app.navLink('Experiments').waitFor();
    assert.equal((await experiments.trainButton.textContent()).trim(), 'Train logistic regression');
    assert.equal(await app.languageButton('English').getAttribute('aria-pressed'), 'true');
    assert.equal(await app.htmlLang(), 'en');
  });

  step('sees the data page in English (the README screenshot)', async () => {
    await app.go('Data');
    await data.waitShown();
    await app.page.screenshot({ path: SCREENSHOT, fullPage: true });
  });

  it('sees no page error and no console error on the way', () => {
    assert.deepEqual(errors, []);
  });
});
