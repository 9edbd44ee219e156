// End-to-end: a microbiology report (ECBU, two isolates) in `vigie serve`, in headless
// Chromium: the antibiogram reads as a germ × antibiotic matrix with S / I / R in letters.
// Run with `npm run e2e`. Leaves a screenshot in test-results/antibiogram.png.

import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import { corpusFile, launchBrowser, results, startServer } from './harness.mjs';

const doc = corpusFile('TestContenuCDA-3-0__ExemplesCDA__BIO-CR-BIO_2024.01_Microbiologie_V1.xml');

/** @type {import('node:child_process').ChildProcess | undefined} */
let server;
/** @type {import('playwright-core').Browser | undefined} */
let browser;
let url = '';

before(async () => {
  ({ url, server } = await startServer(doc));
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  server?.kill('SIGTERM');
});

test('the antibiogram is a germ × antibiotic matrix, its readings not repeated as rows', async () => {
  assert.ok(browser);
  const context = await browser.newContext({ viewport: { width: 1360, height: 900 }, locale: 'fr-FR' });
  const page = await context.newPage();
  /** @type {string[]} */
  const problems = [];
  page.on('pageerror', (error) => problems.push(error.message));

  await page.goto(url);
  await page.locator('[role=option][title*="Microbiologie_V1"]').click();

  const grid = page.getByTestId('results-grid');
  const matrix = grid.getByTestId('antibiogram');
  await matrix.waitFor();
  const germs = await matrix.locator('thead th.germ .germ-name').allInnerTexts();
  assert.deepEqual(germs, ['Escherichia coli', 'Genus Streptococcus']);

  const amoxiclav = matrix.getByTestId('antibiotic-row').filter({ hasText: 'Amoxicilline+clavulanate' });
  const first = amoxiclav.locator('td').first();
  assert.equal(await first.getAttribute('data-level'), 'R');
  assert.match(await first.innerText(), /R/);
  assert.match(await first.innerText(), /0\.512/);
  // The letter's words are there for a screen reader and as a tooltip: never colour alone.
  assert.equal(await first.getAttribute('title'), 'Résistant');

  // A reading of the matrix is not listed a second time among the rows.
  const rows = await grid.getByTestId('result-row').allInnerTexts();
  assert.ok(!rows.some((r) => r.includes('Amoxicilline+clavulanate')), rows.join('\n'));

  mkdirSync(results, { recursive: true });
  await matrix.scrollIntoViewIfNeeded();
  await matrix.screenshot({ path: resolve(results, 'antibiogram.png') });

  // Abnormal only keeps the antibiotics some germ is not susceptible to.
  const before = await matrix.getByTestId('antibiotic-row').count();
  await grid.getByLabel('Anormaux uniquement').check();
  await page.waitForFunction(
    (n) => document.querySelectorAll('[data-testid=antibiotic-row]').length < n,
    before,
  );
  for (const row of await matrix.getByTestId('antibiotic-row').all()) {
    const levels = await row.locator('td[data-level]').evaluateAll((cells) => cells.map((c) => c.getAttribute('data-level')));
    assert.ok(levels.some((l) => l !== 'S'), `${await row.innerText()} is susceptible everywhere`);
  }

  assert.deepEqual(problems, []);
  await context.close();
});
