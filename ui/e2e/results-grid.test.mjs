// End-to-end: the lab results grid of a CR-BIO (TSH, free T4) in `vigie serve`, in headless
// Chromium. Builds nothing: VIGIE_BIN is the built `vigie` binary (with the UI embedded).
// Run with `npm run e2e`. Leaves a screenshot in test-results/results-grid.png (or
// RESULTS_SCREENSHOT).

import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import { corpusFile, launchBrowser, results, startServer } from './harness.mjs';

const doc = corpusFile('TestContenuCDA-3-0__ExemplesCDA__BIO-CR-BIO_2024.01_TSH_1.xml');

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

test('the results grid shows values, ranges and flags in words, and filters the abnormal ones', async () => {
  assert.ok(browser);
  const context = await browser.newContext({ viewport: { width: 1360, height: 900 }, locale: 'fr-FR' });
  const page = await context.newPage();
  /** @type {string[]} */
  const problems = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(error.message));

  await page.goto(url);
  await page.locator('[role=option][title*="TSH_1"]').click();

  const grid = page.getByTestId('results-grid');
  await grid.waitFor();
  assert.match(await grid.locator('h2').innerText(), /Résultats/);
  const rows = grid.getByTestId('result-row');
  assert.equal(await rows.count(), 2);

  const tsh = rows.filter({ hasText: 'Thyréostimuline' });
  assert.match(await tsh.locator('.value').innerText(), /1\.950/);
  assert.match(await tsh.locator('.range').innerText(), /0\.270–4\.200 m\[IU\]\/L/);
  assert.match(await tsh.locator('.code').innerText(), /3016-3/);
  assert.match(await tsh.locator('.flag').innerText(), /Normal/);
  assert.equal(await tsh.getAttribute('class').then((c) => /abnormal/.test(c ?? '')), false);

  const ft4 = rows.filter({ hasText: 'Thyroxine libre' });
  assert.match(await ft4.locator('.value').innerText(), /7\.67/);
  const flag = await ft4.locator('.flag').innerText();
  assert.match(flag, /▼/);
  assert.match(flag, /Anormalement bas/);
  assert.match((await ft4.getAttribute('class')) ?? '', /abnormal/);

  mkdirSync(results, { recursive: true });
  await grid.screenshot({ path: process.env.RESULTS_SCREENSHOT ?? resolve(results, 'results-grid.png') });

  // Abnormal only: the FT4 row stays, the TSH row goes.
  await grid.getByLabel('Anormaux uniquement').check();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=result-row]').length === 1);
  assert.match(await rows.first().innerText(), /Thyroxine libre/);

  // Copy CSV writes the rows shown to the clipboard.
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: url.replace(/\/$/, '') });
  await grid.getByRole('button', { name: 'Copier CSV' }).click();
  await grid.getByText('Copié').waitFor();
  const csv = await page.evaluate(() => navigator.clipboard.readText());
  assert.match(csv, /^Chapitre,Examen,Analyse,Code,Valeur/);
  assert.match(csv, /"Thyroxine libre [^"\n]*",3024-7,7\.67,pg\/mL,9\.30–17\.00 pg\/mL,Anormalement bas/);
  assert.doesNotMatch(csv, /3016-3/);

  // A row links to its entry in the XML source, shown beside the document.
  await grid.getByLabel('Anormaux uniquement').uncheck();
  const link = ft4.getByTestId('result-source');
  assert.match(await link.innerText(), /Source XML, ligne \d+/);
  await link.click();
  const target = page.locator('[data-testid=source-view] .cm-issue-target');
  await target.waitFor();
  assert.match(await target.innerText(), /^<observation/);
  const line = Number((await link.innerText()).match(/\d+/)?.[0]);
  assert.equal(await page.locator('[data-testid=source-view] .cm-issue-line').getAttribute('data-issue-line'), String(line));

  // A row links to the narrative it references (#resultat-01), shown and flashed in the
  // rendered document.
  const narrative = tsh.getByTestId('result-narrative');
  assert.equal(await narrative.innerText(), 'Texte du compte rendu');
  assert.match((await narrative.getAttribute('title')) ?? '', /#resultat-01/);
  await narrative.click();
  const cell = page.frameLocator('iframe.rendered').locator('#n-resultat-01');
  assert.match(await cell.innerText(), /Thyréostimuline \(TSH\)/);
  await page.waitForFunction(() => {
    const frame = document.querySelector('iframe.rendered');
    return frame instanceof HTMLIFrameElement && frame.contentDocument?.getElementById('n-resultat-01')?.hasAttribute('data-flash');
  });

  // English is one click away.
  await page.getByRole('button', { name: 'EN', exact: true }).click();
  await grid.getByLabel('Abnormal only').waitFor();
  assert.match(await ft4.locator('.flag').innerText(), /Low/);

  assert.deepEqual(problems, []);
  await context.close();
});
