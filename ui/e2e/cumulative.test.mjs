// End-to-end: cumulative results (antériorités) across the corpus in `vigie serve`, in
// headless Chromium: the open report's tests with their history, newest first, this report's
// column marked, and a trend chart with its text alternative. Leaves
// test-results/cumulative.png.

import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import { corpusFile, launchBrowser, results, startServer } from './harness.mjs';

/** @type {import('node:child_process').ChildProcess | undefined} */
let server;
/** @type {import('playwright-core').Browser | undefined} */
let browser;
let url = '';

before(async () => {
  // The whole corpus: its lab reports share one test patient.
  ({ url, server } = await startServer(resolve(corpusFile('x'), '..'), 60_000));
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  server?.kill('SIGTERM');
});

test("a report's results with their history, and a test's trend", async () => {
  assert.ok(browser);
  const context = await browser.newContext({ viewport: { width: 1360, height: 1000 }, locale: 'fr-FR' });
  const page = await context.newPage();
  /** @type {string[]} */
  const problems = [];
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });

  await page.goto(url);
  await page.getByRole('searchbox').first().fill('Electrophorese');
  await page.locator('[role=option][title*="BIO-CR-BIO_2024.01_Electrophorese"]').first().click();

  const view = page.getByTestId('cumulative');
  await view.waitFor();
  assert.match(await view.locator('h2').innerText(), /Antériorités/);
  const albumin = view.getByTestId('cumulative-row').filter({ hasText: 'Albumine [Masse/Volume] Sérum/Plasma ; Numérique ; Electrophorèse' });
  assert.equal(await albumin.count(), 1);
  // This report's columns (one per time it gives) are marked, and hold its value.
  const current = await albumin.locator('td.current').allInnerTexts();
  assert.ok(current.length >= 1);
  assert.ok(current.some((text) => /45/.test(text)), current.join(' | '));
  const dates = await view.locator('thead th.date').allInnerTexts();
  assert.ok(dates.length >= 2, dates.join(' | '));

  // Every test of the patient is one click away, and adds rows.
  const own = await view.getByTestId('cumulative-row').count();
  await view.getByLabel('Toutes les analyses du patient').check();
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid=cumulative-row]').length > n, own);

  // The trend chart of a test: a canvas, and a sentence for those who do not see it.
  await albumin.getByRole('button', { name: 'Courbe' }).click();
  const chart = view.getByTestId('trend-chart');
  await chart.locator('canvas').first().waitFor();
  assert.match(await chart.locator('figcaption').innerText(), /valeurs de 45 à 45 g\/L/);

  mkdirSync(results, { recursive: true });
  await chart.scrollIntoViewIfNeeded();
  await chart.screenshot({ path: resolve(results, 'trend-chart.png') });
  await view.locator('table.grid').screenshot({ path: resolve(results, 'cumulative.png') });
  assert.deepEqual(problems, []);
  await context.close();
});
