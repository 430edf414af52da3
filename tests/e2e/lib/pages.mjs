// Page objects: the UI contract of Ciclo's page in one place (accessible names and
// data-testid), so a change of the page is a change here, not in every test.

import assert from 'node:assert/strict';

import { TIMEOUT_MS, eventually } from './browser.mjs';

/** The whole app: navigation, language, readiness and the storage warning. */
export class App {
  constructor(page, url) {
    this.page = page;
    this.url = url;
    this.nav = page.getByRole('navigation');
    this.storageWarning = page.getByTestId('storage-warning');
  }

  /** Opens `route` (such as `#/experiments`, or '' for the default) and waits until ready. */
  async open(route = '') {
    await this.page.goto(this.url + route);
    await this.waitReady();
  }

  async reload() {
    await this.page.reload();
    await this.waitReady();
  }

  /** Waits for the app's readiness signal: mounted and its store loaded. */
  async waitReady() {
    await this.page.waitForFunction(() => document.documentElement.dataset.ready === 'true', null, {
      timeout: TIMEOUT_MS,
    });
  }

  navLink(name) {
    return this.nav.getByRole('link', { name, exact: true });
  }

  async go(linkName) {
    await this.navLink(linkName).click();
  }

  languageButton(name) {
    return this.page.getByRole('button', { name, exact: true });
  }

  /** Chooses a language by its button ("Español" or "English") and waits until it is active. */
  async chooseLanguage(name) {
    const button = this.languageButton(name);
    await button.click();
    await eventually(`"${name}" to be pressed`, () => button.getAttribute('aria-pressed'), (v) => v === 'true');
  }

  htmlLang() {
    return this.page.evaluate(() => document.documentElement.lang);
  }
}

/** `#/data`: a preview of the data set and a summary per column. */
export class DataPage {
  constructor(page) {
    this.page = page;
    this.preview = page.getByTestId('data-preview');
    this.summary = page.getByTestId('column-summary');
    this.summaryRows = this.summary.getByTestId('summary-row');
  }

  async waitShown() {
    await this.preview.waitFor();
    await this.summary.waitFor();
  }

  async headers() {
    return (await this.preview.locator('th').allTextContents()).map((text) => text.trim());
  }

  previewRows() {
    return this.preview.locator('tbody tr');
  }
}

/** Names of the metrics the experiments page shows, as in `data-testid="metric-NAME"`. */
export const METRICS = ['accuracy', 'precision', 'recall', 'f1', 'roc_auc'];

/** `#/experiments`: training, its progress and metrics, and the runs table. */
export class ExperimentsPage {
  constructor(page) {
    this.page = page;
    this.trainButton = page.getByTestId('train-button');
    this.progress = page.getByTestId('train-progress');
    this.cancelButton = page.getByTestId('cancel-button');
    this.metrics = page.getByTestId('metrics');
    this.error = page.getByTestId('train-error');
    this.runsTable = page.getByTestId('runs-table');
    this.runRows = page.getByTestId('run-row');
  }

  metric(name) {
    return this.metrics.getByTestId(`metric-${name}`);
  }

  /**
   * Clicks train and waits for the metrics. Returns whether the progress indicator was ever in
   * the page: watched from before the click, so a fast training cannot slip past the check.
   */
  async train() {
    await this.trainButton.waitFor();
    await this.page.evaluate(() => {
      window.__cicloSawProgress = false;
      const seen = () => document.querySelector('[data-testid="train-progress"]') !== null;
      const observer = new MutationObserver(() => {
        if (seen()) {
          window.__cicloSawProgress = true;
          observer.disconnect();
        }
      });
      observer.observe(document.body, { childList: true, subtree: true });
    });
    await this.trainButton.click();
    const state = await eventually(
      'the metrics or a training error',
      async () => ({ metrics: await this.metrics.isVisible(), error: await this.errorText() }),
      (now) => now.metrics || now.error !== null,
    );
    assert.equal(state.error, null, `training failed: ${state.error}`);
    return this.page.evaluate(() => window.__cicloSawProgress);
  }

  /** The training error shown, or null if none. */
  async errorText() {
    if ((await this.error.count()) === 0) return null;
    const text = (await this.error.first().textContent()).trim();
    return text === '' ? null : text;
  }

  /** Every metric as a number, checking that each is written with 3 decimals. */
  async metricValues() {
    const values = {};
    for (const name of METRICS) {
      const text = (await this.metric(name).textContent()).trim();
      assert.match(text, /^-?\d+\.\d{3}$/, `metric ${name} should be a number with 3 decimals, got "${text}"`);
      values[name] = Number(text);
    }
    return values;
  }

  /** Goes to the runs page (its nav label is "Runs" in both languages) and waits for `statuses`. */
  async waitForRuns(statuses) {
    await this.page.getByRole('navigation').getByRole('link', { name: 'Runs', exact: true }).click();
    return new RunsPage(this.page).waitForRuns(statuses);
  }

  /** Chooses a model family in the training form by its visible name. */
  async chooseFamily(label, name) {
    await this.page.getByLabel(label, { exact: true }).first().selectOption({ label: name });
  }

  /** Creates an experiment from the picker ("Nuevo experimento") and submits it. */
  async createExperiment(name, description) {
    const picker = this.page.getByTestId('experiment-picker');
    const form = picker.locator('details').first();
    if (!(await form.evaluate((d) => d.open))) await form.locator('summary').click();
    await form.locator('#experiment-name').fill(name);
    await form.locator('#experiment-new-description').fill(description);
    await form.getByRole('button').click();
  }

  /** The name of the experiment new runs go to. */
  async chosenExperiment() {
    return this.page.locator('#experiment-select').evaluate((s) => s.selectedOptions[0]?.textContent ?? '');
  }

  /** Sets a field, found by its label, to `value`. */
  async fill(label, value) {
    await this.page.getByLabel(label, { exact: true }).first().fill(value);
  }
}

/** The hyperparameter search panel on `#/experiments`. */
export class SearchPanel {
  constructor(page) {
    this.page = page;
    this.progressText = page.getByTestId('search-progress-text');
    this.results = page.getByTestId('search-results');
    this.rows = page.getByTestId('search-row');
    this.refit = page.getByTestId('search-refit');
    this.formError = page.getByTestId('search-form-error');
  }

  /** Opens the custom search, sets its fields and starts it. */
  async start({ summary, familyLabel, family, gridLabel, grid, foldsLabel, folds, button }) {
    await this.page.getByText(summary, { exact: true }).click();
    await this.page.locator('#search-family').selectOption({ label: family });
    await this.page.getByLabel(gridLabel, { exact: true }).fill(grid);
    await this.page.getByLabel(foldsLabel, { exact: true }).fill(folds);
    await this.page.getByRole('button', { name: button, exact: true }).click();
  }

  /** Waits until the best combination has been refitted; returns the progress text. */
  async waitDone() {
    await this.refit.waitFor({ timeout: 120_000 });
    return (await this.progressText.textContent()).trim();
  }
}

/** `#/runs`: the runs table with MLflow's search, selection, compare, delete and restore. */
export class RunsPage {
  constructor(page) {
    this.page = page;
    this.table = page.getByTestId('runs-table');
    this.rows = page.getByTestId('run-row');
    this.filter = page.locator('#run-filter');
    this.searchError = page.getByTestId('search-error');
    this.range = page.getByTestId('runs-range');
  }

  async statuses() {
    return (await this.rows.getByTestId('run-status').allTextContents()).map((text) => text.trim());
  }

  /** Waits until the runs table holds exactly `statuses` (any order: the table sorts by start time). */
  async waitForRuns(statuses) {
    await this.table.waitFor();
    const sorted = (list) => JSON.stringify([...list].sort());
    return eventually(
      `runs ${JSON.stringify(statuses)}`,
      () => this.statuses(),
      (now) => sorted(now) === sorted(statuses),
    );
  }

  /** Searches with MLflow's syntax. */
  async search(filter) {
    await this.filter.fill(filter);
    await this.filter.press('Enter');
  }

  /** Shows the runs of one experiment, by name ("Todos"/"All" for every one). */
  async showExperiment(name) {
    await this.page.locator('#runs-experiment').selectOption({ label: name });
  }

  /** Ticks the checkbox of the run named `name`. */
  async select(name) {
    await this.rows.filter({ hasText: name }).first().getByRole('checkbox').check();
  }

  async runNames() {
    return (await this.rows.getByTestId('run-link').allTextContents()).map((text) => text.trim());
  }
}

/** `#/models`: the model registry. */
export class ModelsPage {
  constructor(page) {
    this.page = page;
  }

  /** The stage of each version, in version order. */
  async stages() {
    return (await this.page.getByTestId('version-stage').allTextContents()).map((text) => text.trim());
  }

  /** The last action's message ('' when none). */
  async message() {
    const message = this.page.getByTestId('version-message');
    return (await message.count()) === 0 ? '' : (await message.textContent()).trim();
  }
}
