// The visitor's journey through the release page: data, training, runs kept across reloads,
// language switch kept across reloads; and no error in the console on the way.

import assert from 'node:assert/strict';
import { copyFile, mkdir, readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

import { collectErrors, eventually, launch, mlflowUrl, newContext, pageUrl } from './lib/browser.mjs';
import { journey } from './lib/steps.mjs';
import { App, DataPage, ExperimentsPage, METRICS, ModelsPage, RunsPage, SearchPanel } from './lib/pages.mjs';

const SCREENSHOT = fileURLToPath(new URL('../../docs/screenshot.png', import.meta.url));
const ARTIFACTS = fileURLToPath(new URL('./artifacts/', import.meta.url));

describe('a visitor whose browser prefers Spanish', () => {
  const errors = [];
  let browser;
  let context;
  let app;
  let data;
  let experiments;
  let runs;
  let search;
  let models;

  before(async () => {
    browser = await launch();
    context = await newContext(browser, { locale: 'es-ES' });
    const page = await context.newPage();
    collectErrors(page, errors);
    app = new App(page, pageUrl());
    data = new DataPage(page);
    experiments = new ExperimentsPage(page);
    runs = new RunsPage(page);
    search = new SearchPanel(page);
    models = new ModelsPage(page);
  });

  after(async () => {
    await browser?.close();
  });

  const step = journey();

  step('sees the page in Spanish', async () => {
    await app.open();
    assert.equal(await app.htmlLang(), 'es');
    for (const name of ['Datos', 'Experimentos', 'Runs', 'Modelos', 'Servicio', 'Monitorización', 'Ciclo de vida']) {
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

  step('creates an experiment for the demo, and new runs go to it', async () => {
    await app.go('Experimentos');
    await experiments.createExperiment('churn-demo', 'La demo del informe (§3.3)');
    await eventually('the new experiment chosen', () => experiments.chosenExperiment(), (name) => name === 'churn-demo');
    await app.page.getByTestId('experiment-description').filter({ hasText: 'La demo del informe' }).waitFor();
    await experiments.createExperiment('churn-demo', '');
    const refusal = app.page.getByTestId('experiment-error');
    await refusal.waitFor();
    assert.match(await refusal.textContent(), /ya hay un experimento llamado «churn-demo»/);
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

  step('finds the run again after a reload, in its experiment', async () => {
    await app.reload();
    await runs.waitForRuns(['FINISHED']);
    await runs.showExperiment('Default');
    await eventually('no run in Default', () => runs.rows.count(), (n) => n === 0);
    await runs.showExperiment('churn-demo');
    await eventually('the run in churn-demo', () => runs.rows.count(), (n) => n === 1);
    await runs.showExperiment('Todos');
    await app.go('Experimentos');
    assert.equal(await experiments.chosenExperiment(), 'churn-demo', 'the chosen experiment is remembered');
  });

  step('trains a decision tree with its own parameters, each explained', async () => {
    await app.go('Experimentos');
    await experiments.chooseFamily('Familia de modelo', 'árbol de decisión');
    assert.equal((await experiments.trainButton.textContent()).trim(), 'Entrenar árbol de decisión');
    await experiments.fill('max_depth', 'ten');
    await experiments.trainButton.click();
    const error = app.page.getByTestId('form-error');
    await error.waitFor();
    assert.match(await error.textContent(), /«max_depth» no admite «ten»/);
    await experiments.fill('max_depth', '4');
    // The panel shows the last training of this visit, if any: wait for a different one.
    const auc = experiments.metric('roc_auc');
    const value = async () => ((await auc.count()) > 0 ? auc.getAttribute('data-value') : null);
    const previous = await value();
    await experiments.trainButton.click();
    await eventually("the tree's metrics", value, (v) => v !== null && v !== previous);
    const { roc_auc } = await experiments.metricValues();
    assert.ok(roc_auc >= 0.7, `the tree's ROC AUC = ${roc_auc} is at least 0.70`);
  });

  step('trains gradient boosting, a third family, and logs its loss per round', async () => {
    await experiments.chooseFamily('Familia de modelo', 'gradient boosting');
    await experiments.fill('n_estimators', '30');
    const auc = experiments.metric('roc_auc');
    const previous = await auc.getAttribute('data-value');
    await experiments.trainButton.click();
    await eventually("the boosting's metrics", () => auc.getAttribute('data-value'), (v) => v !== null && v !== previous);
    const { roc_auc } = await experiments.metricValues();
    assert.ok(roc_auc >= 0.7, `the boosting's ROC AUC = ${roc_auc} is at least 0.70`);
    await experiments.waitForRuns(['FINISHED', 'FINISHED', 'FINISHED']);
    await app.go('Experimentos');
  });

  step('runs a grid search over workers: a parent run, a child per combination, the best refitted', async () => {
    await search.start({
      summary: 'Otra búsqueda: modelo, grid, aleatoria, folds',
      family: 'árbol de decisión',
      gridLabel: 'Grid (una línea por parámetro)',
      grid: 'max_depth = 2, 4\nmin_samples_split = 2, 50',
      foldsLabel: 'Folds (k)',
      folds: '3',
      button: 'Lanzar la búsqueda',
    });
    const progress = await search.waitDone();
    assert.match(progress, /^12 \/ 12 unidades/, progress);
    assert.equal(await search.rows.count(), 4, 'one ranked row per combination');
    assert.equal(await search.results.locator('tr.best').count(), 1, 'the best combination is highlighted');
    await experiments.waitForRuns(Array(8).fill('FINISHED'));
  });

  step("searches runs with MLflow's syntax and is told where a query is wrong", async () => {
    await runs.search("params.model = 'decision_tree' and metrics.cv_f1_mean > 0");
    await eventually('the 4 child runs', () => runs.rows.count(), (n) => n === 4);
    await runs.search('metrics.f1 > 0.5 or params.model = \'x\'');
    await runs.searchError.waitFor();
    assert.match(await runs.searchError.textContent(), /Búsqueda, carácter 18: .*OR/);
    await runs.search('');
    await eventually('all 8 runs', () => runs.rows.count(), (n) => n === 8);
  });

  step("compares the search's child runs, hides what they share, and sees them charted", async () => {
    await runs.search("params.model = 'decision_tree' and metrics.cv_f1_mean > 0");
    await eventually('the 4 child runs', () => runs.rows.count(), (n) => n === 4);
    const names = await runs.runNames();
    for (const name of names) await runs.select(name);
    await app.page.getByTestId('compare-link').click();
    const rows = app.page.getByTestId('compare-params').getByTestId('compare-row');
    await rows.first().waitFor();
    const all = await rows.count();
    await app.page.getByLabel('Solo diferencias').check();
    await eventually('fewer rows with only differences', () => rows.count(), (n) => n < all && n > 0);
    const charts = app.page.getByTestId('compare-charts');
    await eventually('parallel coordinates and a scatter', () => charts.locator('svg[role="img"]').count(), (n) => n === 2);
    assert.equal(await app.page.locator('#compare-metric').inputValue(), 'cv_f1_mean');
    await app.page.locator('#compare-param').selectOption('min_samples_split');
    await charts.getByRole('img', { name: 'cv_f1_mean según min_samples_split' }).waitFor();
    assert.equal(await charts.locator('.chart-highlight').count() > 0, true, 'the best run is highlighted');
    await app.page.screenshot({ path: `${ARTIFACTS}compare.png`, fullPage: true });
    await app.go('Runs');
    await runs.search('');
  });

  step('deletes a run, finds it in the trash and restores it', async () => {
    await app.go('Runs');
    await eventually('all 8 runs listed', () => runs.rows.count(), (n) => n === 8);
    const before = 8;
    // A run without children: deleting a search's parent run deletes its children with it.
    const first = (await runs.runNames()).find((name) => name.startsWith('logistic-regression-'));
    assert.ok(first, 'the logistic regression run is listed');
    await runs.select(first);
    await app.page.getByTestId('delete-runs').click();
    await eventually('one run fewer', () => runs.rows.count(), (n) => n === before - 1);
    await app.page.getByLabel('Ver la papelera (runs borrados)').check();
    await eventually('the deleted run in the trash', () => runs.runNames(), (names) => names.includes(first));
    await runs.select(first);
    await app.page.getByTestId('restore-runs').click();
    await app.page.getByLabel('Ver la papelera (runs borrados)').uncheck();
    await eventually('the run back', () => runs.rows.count(), (n) => n === before);
  });

  step("opens a run's detail from the table and sees its artifacts drawn, the tree itself included", async () => {
    await app.page.getByTestId('run-link').filter({ hasText: /^decision-tree-/ }).first().click();
    await app.page.getByTestId('run-params').waitFor();
    assert.ok((await app.page.getByTestId('run-params').locator('tr').count()) > 3, 'parameters listed');
    const charts = app.page.getByTestId('run-charts');
    await charts.waitFor();
    await eventually('six charts', () => charts.locator('svg[role="img"]').count(), (n) => n >= 6);
    await app.page.getByTestId('run-schema').locator('summary').click();
    assert.equal(await app.page.getByTestId('run-schema').locator('tbody tr').count(), 21, 'the schema lists 21 columns');
    await mkdir(ARTIFACTS, { recursive: true });
    await app.page.screenshot({ path: `${ARTIFACTS}run-detail.png`, fullPage: true });
  });

  step('reproduces the tree with the same seed and sees every metric identical', async () => {
    await app.page.getByTestId('reproduce-button').click();
    const verdict = app.page.getByTestId('reproduction-verdict').first();
    await eventually('the reproduction finished', () => verdict.textContent(), (t) => /idénticas/.test(t), { timeout: 60_000 });
    assert.match(await verdict.textContent(), /^métricas idénticas · (\d+) de \1 métricas idénticas$/);
    await app.page.getByTestId('reproduction').first().getByRole('link').click();
    await app.page.getByTestId('reproduce-verdict').waitFor();
    const same = await app.page.getByTestId('reproduce-checks').locator('tbody tr td:last-child').allTextContents();
    assert.ok(same.length >= 5 && same.every((t) => t.trim() === 'sí'), `every metric identical: ${same}`);
  });

  step("opens the boosting run and sees its metric history drawn", async () => {
    await app.go('Runs');
    await app.page.getByTestId('run-link').filter({ hasText: /^gradient-boosting-/ }).first().click();
    const history = app.page.getByTestId('metric-history');
    await history.waitFor();
    await eventually('the history chart', () => history.locator('svg[role="img"]').count(), (n) => n === 1);
    await history.getByLabel('train_log_loss').uncheck();
    await eventually('no series, no chart', () => history.locator('svg[role="img"]').count(), (n) => n === 0);
  });

  step("starts the report's grid, cancels it, and keeps the finished child runs", async () => {
    await app.go('Experimentos');
    await app.page.getByTestId('report-grid-button').click();
    // A combination is complete, and logged as a child run, once all its folds are scored: its row links the run.
    const logged = search.rows.getByRole('link');
    await eventually('a combination complete', () => logged.count(), (n) => n >= 1, { timeout: 120_000 });
    await app.page.getByTestId('search-cancel').click();
    const kept = await logged.count();
    await app.go('Runs');
    await runs.search("attributes.status = 'KILLED'");
    await eventually('the parent run KILLED', () => runs.rows.count(), (n) => n === 1);
    await runs.rows.first().getByTestId('run-link').click();
    const children = app.page.getByTestId('run-children').locator('li');
    await eventually('its finished children kept', () => children.count(), (n) => n >= kept);
    await app.reload();
    await eventually('still kept after a reload', () => children.count(), (n) => n >= kept);
  });

  step("registers the grid search's refitted best model and moves it to Staging", async () => {
    await app.go('Modelos');
    const option = await models.page.locator('#register-run option').filter({ hasText: /^grid-search-tree/ }).first().getAttribute('value');
    await models.page.locator('#register-run').selectOption(option);
    await models.page.locator('#register-reason').fill('mejor combinación del grid');
    await models.page.getByTestId('register-button').click();
    await eventually('version 1 registered', () => models.page.getByTestId('register-done').textContent(), (t) => t === 'models:/churn/1');
    await models.page.locator('#version-stage').selectOption('Staging');
    await models.page.getByTestId('stage-button').click();
    await eventually('v1 in Staging', () => models.stages(), (s) => JSON.stringify(s) === '["Staging"]');
  });

  step('describes the model, tags the version, and is told in words why a tag key is refused', async () => {
    const modelMeta = models.page.getByTestId('model-meta');
    await modelMeta.getByText('Descripción y etiquetas').click();
    await models.page.locator('#model-description').fill('Modelo de abandono de la demo del curso');
    await modelMeta.getByRole('button', { name: 'Guardar la descripción' }).click();
    await eventually('the description shown', () => models.page.getByTestId('model-description').textContent(), (t) => t === 'Modelo de abandono de la demo del curso');
    const versionMeta = models.page.getByTestId('version-meta');
    await versionMeta.getByText('Descripción y etiquetas').click();
    await models.page.locator('#version-tag-key').fill('ticket');
    await models.page.locator('#version-tag-value').fill('OPS-7');
    await versionMeta.getByRole('button', { name: 'Poner la etiqueta' }).click();
    await eventually('the tag shown', () => models.page.getByTestId('version-tags').textContent(), (t) => /ticket = OPS-7/.test(t));
    await models.page.locator('#version-tag-key').fill('a<b');
    await versionMeta.getByRole('button', { name: 'Poner la etiqueta' }).click();
    await eventually('the key refused in words', () => models.message(), (t) => /la etiqueta tiene el carácter «<» en la posición 1/.test(t));
    assert.equal(await models.page.locator('#version-tag-key').inputValue(), 'a<b', 'a refused key stays to be corrected');
    await versionMeta.getByRole('button', { name: 'Quitar la etiqueta ticket' }).click();
    await eventually('the tag removed', () => models.page.getByTestId('version-tags').count(), (n) => n === 0);
    const audit = await models.page.getByTestId('audit-row').allTextContents();
    for (const wanted of [/descripción cambiada/, /etiqueta ticket: — → «OPS-7»/, /etiqueta ticket: «OPS-7» → —/]) {
      assert.ok(audit.some((row) => wanted.test(row)), `audit log has ${wanted}: ${audit.join(' | ')}`);
    }
  });

  step("fails the report's F1 > 0.85 gate, then passes a champion gate and is promoted", async () => {
    await models.page.getByTestId('promote-button').click();
    await eventually('the gate failed', () => models.message(), (t) => /NO PASA/.test(t));
    assert.match(await models.message(), /^puerta f1 > 0,850: v1 tiene 0,\d{3} → NO PASA$/);
    assert.deepEqual(await models.stages(), ['Staging'], 'a failed gate moves nothing');
    await models.page.getByLabel('supera al campeón actual en F1 sobre datos reservados').check();
    await models.page.getByLabel('alias @champion').check();
    await models.page.getByTestId('promote-button').click();
    await eventually('the champion gate passed', () => models.message(), (t) => /campeón.*2000 filas reservadas → PASA$/.test(t));
    await models.page.getByLabel('etapa Production (archiva la anterior)').check();
    await models.page.getByTestId('promote-button').click();
    await eventually('v1 in Production', () => models.stages(), (s) => JSON.stringify(s) === '["Production"]');
    assert.equal((await models.page.getByTestId('version-aliases').first().textContent()).trim(), '@champion');
    const audit = await models.page.getByTestId('audit-row').allTextContents();
    for (const wanted of [/modelo creado/, /versión registrada desde el run/, /etapa None → Staging/, /NO PASA/, /@champion: — → v1/, /etapa Staging → Production/]) {
      assert.ok(audit.some((row) => wanted.test(row)), `audit log has ${wanted}: ${audit.join(' | ')}`);
    }
    const lineage = await models.page.getByTestId('lineage').locator('li').allTextContents();
    assert.equal(lineage.length, 7, lineage.join(' | '));
    assert.match(lineage[2], /telco-synthetic/);
    await app.page.screenshot({ path: `${ARTIFACTS}models.png`, fullPage: true });
  });

  step('serves the champion: one customer with what pushed the probability, and MLflow-style requests', async () => {
    await app.go('Servicio');
    assert.equal(await app.page.locator('#serve-uri').inputValue(), 'models:/churn@champion');
    await app.page.getByTestId('serve-load').click();
    await app.page.getByTestId('serve-loaded').waitFor();
    await app.page.getByTestId('serve-predict').click();
    const p = Number(await app.page.getByTestId('serve-probability').getAttribute('data-value'));
    assert.ok(p >= 0 && p <= 1, `probability ${p}`);
    assert.ok((await app.page.getByTestId('serve-pushes').locator('li').count()) >= 1, 'some column pushed');
    await app.page.getByTestId('serve-send').click();
    const answer = JSON.parse(await app.page.getByTestId('serve-response').textContent());
    assert.equal(answer.predictions.length, 1);
    await app.page.locator('#serve-request').fill('{"dataframe_records": [{"tenure": 3}]}');
    await app.page.getByTestId('serve-send').click();
    await eventually('a refusal naming the columns', () => app.page.getByTestId('serve-response').textContent(), (t) => /BAD_REQUEST/.test(t) && /faltan columnas: gender/.test(t));
    const csv = [
      'customerID,gender,SeniorCitizen,Partner,Dependents,tenure,PhoneService,MultipleLines,InternetService,OnlineSecurity,OnlineBackup,DeviceProtection,TechSupport,StreamingTV,StreamingMovies,Contract,PaperlessBilling,PaymentMethod,MonthlyCharges,TotalCharges,Churn',
      'T-1,Female,0,Yes,No,1,No,No phone service,DSL,No,Yes,No,No,No,No,Month-to-month,Yes,Electronic check,29.85,29.85,No',
      'T-2,Male,0,No,No,34,Yes,No,DSL,Yes,No,Yes,No,No,No,One year,No,Mailed check,56.95,1889.5,No',
      'T-3,Male,1,No,No,2,Yes,No,Fiber optic,No,No,No,No,No,No,Month-to-month,Yes,"Electronic check",70.7,151.65,Yes',
    ].join('\n');
    await app.page.locator('#serve-csv').setInputFiles({ name: 'clientes.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await eventually('the CSV scored in the worker', () => app.page.getByTestId('csv-done').textContent().catch(() => ''), (t) => t === '3 de 3 filas puntuadas');
    const [download] = await Promise.all([app.page.waitForEvent('download'), app.page.getByTestId('csv-download').click()]);
    assert.equal(download.suggestedFilename(), 'clientes-scored.csv');
    const scored = (await readFile(await download.path(), 'utf8')).trim().split('\n');
    assert.equal(scored.length, 4, scored.join('\n'));
    assert.match(scored[0], /,Churn,probability,prediction$/);
    assert.match(scored[3], /^T-3,.*,0\.\d+,(Yes|No)$/);
    await app.page.locator('#serve-uri').fill('models:/churn/9');
    await app.page.getByTestId('serve-load').click();
    await eventually('an unknown version said in words', () => app.page.getByTestId('serve-error').textContent(), (t) => t === '«churn» no tiene versión 9');
    await app.page.screenshot({ path: `${ARTIFACTS}serving.png`, fullPage: true });
  });

  step('simulates a price rise in production: drift on MonthlyCharges, a retrain, a challenger validated and promoted', async () => {
    await app.go('Monitorización');
    await app.page.locator('#sim-preset').selectOption('price_rise');
    await app.page.locator('#sim-periods').fill('26');
    await app.page.locator('#sim-periods').dispatchEvent('change');
    await app.page.locator('#sim-speed').selectOption('fast');
    assert.equal(await app.page.getByTestId('scenario').count(), 1, "the preset's one scenario, to edit");
    await app.page.getByTestId('sim-start').click();
    await eventually('26 weeks simulated', () => app.page.getByTestId('sim-status').textContent(), (t) => /^Semana 26 de 26 · campeón v\d+ .*Simulación terminada\.$/.test(t), { timeout: 120_000 });
    assert.match(app.page.url(), /#\/monitoring\?preset=price_rise&scenarios=price_rise@10x1&seed=7&policy=on-drift&window=last-8&delay=4&periods=26&model=forest&speed=fast&drift_share=0.5&f1_drop=0.05&psi=significant$/);
    const timeline = await app.page.getByTestId('timeline-event').allTextContents();
    for (const wanted of [
      /^Semana 10 empieza: subida de precios/,
      /^Semana 10 alerta: PSI de MonthlyCharges = \d+,\d{3} \(significativo\)$/,
      /^Semana \d+ reentrenamiento por una alerta de deriva$/,
      /^Semana \d+ puerta «supera al campeón»: v\d+ tiene f1 .* → PASA$/,
      /^Semana \d+ v\d+ es el nuevo campeón \(sustituye a v\d+\) y pasa a Production$/,
    ]) {
      assert.ok(timeline.some((e) => wanted.test(e.replace(/\s+/g, ' ').trim())), `timeline has ${wanted}: ${timeline.slice(-12).join(' | ')}`);
    }
    const aliases = await app.page.getByTestId('sim-version-aliases').allTextContents();
    assert.equal(aliases.filter((a) => a.trim() === '@champion').length, 1, aliases.join(' | '));
    assert.ok((await app.page.getByTestId('drift-chart').locator('svg').count()) === 1, 'the drift chart is drawn');
    await app.page.screenshot({ path: `${ARTIFACTS}monitoring.png`, fullPage: true });
    // Every retraining is a run in the tracking store, linked from the timeline.
    await app.page.getByTestId('timeline').locator('a.what').first().click();
    await eventually('the retraining run opened', () => app.page.locator('#run-title').textContent(), (t) => /^simulation-week-\d+$/.test(t));
    await app.go('Ciclo de vida');
    const stages = app.page.getByTestId('lifecycle-stage');
    assert.equal(await stages.count(), 4);
    assert.equal(await app.page.locator('[data-testid=lifecycle-stage][aria-current=step]').count(), 1, 'one stage lit');
    assert.match(await stages.nth(1).textContent(), /[1-9]\d* promociones/);
    assert.match(await stages.nth(2).textContent(), /26 semanas servidas/);
    await app.page.screenshot({ path: `${ARTIFACTS}lifecycle.png`, fullPage: true });
  });

  step('exports everything as JSON, imports it back without duplicates, and pushes it to a real MLflow server', async () => {
    const mlflow = mlflowUrl();
    const { page } = app;
    await app.go('Exportar y MLflow');
    await page.getByTestId('teaching-note').filter({ hasText: '§2.2' }).waitFor();
    const counts = page.getByTestId('scope-counts');
    await eventually('the scope counted', () => counts.textContent(), (t) => /\d+ ejecuciones/.test(t));

    const downloaded = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Descargar el JSON' }).click();
    const file = `${ARTIFACTS}page-export.json`;
    await (await downloaded).saveAs(file);
    const document = JSON.parse(await readFile(file, 'utf8'));
    assert.equal(document.format, 'ciclo-export');
    assert.equal(document.format_version, 1);
    const names = document.experiments.map((e) => e.name);
    assert.ok(names.includes('churn-demo') && names.includes('production-simulation'), JSON.stringify(names));
    assert.ok(document.runs.some((r) => r.parent_run_id), 'the grid search children keep their parent');
    assert.ok(document.runs.some((r) => r.artifacts.some((a) => a.path === 'model/model.json')), 'models travel');
    assert.ok(document.registry.versions.length >= 1, 'registered versions travel');
    assert.ok(document.registry.models.some((m) => m.aliases.champion !== undefined), 'the champion alias travels');
    if (process.env.CICLO_MLFLOW_OUT) {
      await copyFile(file, `${process.env.CICLO_MLFLOW_OUT}/page-export.json`);
    }

    // The same document again: nothing new, in either mode.
    await page.getByTestId('import-file').setInputFiles(file);
    const preview = page.getByTestId('import-preview');
    await preview.waitFor();
    assert.match(await preview.textContent(), /nada nuevo/i);
    await page.getByRole('button', { name: 'Importar', exact: true }).click();
    await page.getByTestId('import-done').waitFor();
    await app.go('Runs');
    await app.go('Exportar y MLflow');
    await eventually('the same count after the import', () => counts.textContent(), (t) => t.includes(`${document.runs.length} ejecuciones`));

    // Push to the server, twice: the second creates nothing.
    await page.getByLabel('Dirección del servidor de seguimiento').fill(mlflow);
    for (const round of [1, 2]) {
      await page.getByRole('button', { name: 'Enviar', exact: true }).click();
      const done = page.getByTestId('push-done');
      await done.waitFor({ timeout: 180_000 });
      const text = await done.textContent();
      if (round === 1) assert.match(text, new RegExp(`${document.runs.length} ejecuciones creadas`), text);
      else assert.match(text, /0 ejecuciones creadas/, text);
    }
    await page.screenshot({ path: `${ARTIFACTS}exchange.png`, fullPage: true });
  });

  step('sees a run trained in another tab appear without reloading', async () => {
    const other = await context.newPage();
    collectErrors(other, errors);
    const otherApp = new App(other, pageUrl());
    await otherApp.open('#/runs');
    const otherRuns = new RunsPage(other);
    await otherRuns.table.waitFor();
    await eventually('the other tab lists runs', () => otherRuns.rows.count(), (n) => n > 0);
    const before = await otherRuns.range.textContent();
    await app.go('Experimentos');
    await experiments.chooseFamily('Familia de modelo', 'regresión logística');
    await experiments.train();
    await eventually('the new run in the other tab', () => otherRuns.range.textContent(), (t) => t !== before);
    await other.close();
  });

  step('switches to English', async () => {
    await app.go('Experimentos');
    await experiments.trainButton.waitFor();
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
    // MLflow answers "not found" with a 404 when the push looks up an experiment or a model that is not
    // there yet; Chromium logs every 404 it fetches. Those are answers, not errors.
    const lookup = /^console error: Failed to load resource: the server responded with a status of 404 \(Not Found\) \(http:\/\/127\.0\.0\.1:\d+\/api\/2\.0\/mlflow\/(experiments\/get-by-name|registered-models\/get)\?/;
    assert.deepEqual(errors.filter((e) => !lookup.test(e)), []);
  });
});
