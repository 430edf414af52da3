// Without IndexedDB (private browsing, a blocked or full storage) the page says so and training
// still works: runs live in memory for the visit.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { launch, newContext, pageUrl } from './lib/browser.mjs';
import { App, ExperimentsPage } from './lib/pages.mjs';

/** Ways IndexedDB can be unavailable, each an init script run before the page's own. */
const WITHOUT_INDEXED_DB = {
  'indexedDB.open throws': () => {
    IDBFactory.prototype.open = () => {
      throw new DOMException('IndexedDB is disabled by the test', 'InvalidStateError');
    };
  },
  'window.indexedDB is missing': () => {
    Object.defineProperty(window, 'indexedDB', { value: undefined, configurable: true });
  },
};

describe('a browser without IndexedDB', () => {
  let browser;

  before(async () => {
    browser = await launch();
  });

  after(async () => {
    await browser?.close();
  });

  for (const [how, script] of Object.entries(WITHOUT_INDEXED_DB)) {
    it(`shows the storage warning and still trains (${how})`, async () => {
      const context = await newContext(browser);
      try {
        await context.addInitScript(script);
        const page = await context.newPage();
        const app = new App(page, pageUrl());
        const experiments = new ExperimentsPage(page);
        await app.open('#/experiments');
        await app.storageWarning.waitFor();
        assert.notEqual((await app.storageWarning.textContent()).trim(), '', 'the warning says something');
        await experiments.train();
        await experiments.waitForRuns(['FINISHED']);
      } finally {
        await context.close();
      }
    });
  }
});
