// End-to-end: the clinical summary of a VSM 1.4 (synthèse médicale) in `vigie serve`, in
// headless Chromium — allergies and treatments with their dates, codes and posology, and each
// item's link to its entry in the XML source. Builds nothing: VIGIE_BIN is the built `vigie`
// binary (with the UI embedded). Run with `npm run e2e`. Leaves screenshots in
// test-results/clinical-summary.png and clinical-summary-source.png (or CLINICAL_SCREENSHOT).

import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import { corpusFile, launchBrowser, results, startServer } from './harness.mjs';

const doc = corpusFile('TestContenuCDA-3-0__ExemplesCDA__VSM_1.4_2022.01.xml');

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

test('a VSM’s summary lists allergies and treatments with dates and codes, each linked to its source line', async () => {
  assert.ok(browser);
  const context = await browser.newContext({ viewport: { width: 1360, height: 1000 }, locale: 'fr-FR' });
  const page = await context.newPage();
  /** @type {string[]} */
  const problems = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(error.message));

  await page.goto(url);
  await page.locator('[role=option][title*="VSM_1.4_2022.01"]').click();

  const summary = page.getByTestId('clinical-summary');
  await summary.waitFor();
  assert.match(await summary.locator('h2').innerText(), /Synthèse clinique/);
  assert.match(await summary.locator('.clinical-head').innerText(), /11 éléments/);

  // Allergies come first: the agent coded in CIS, its type, its date and its clinical status —
  // with the narrative's different word beside it.
  const categories = summary.locator('section.category h3');
  assert.equal(await categories.first().innerText(), 'Allergies et intolérances');
  const allergies = summary.getByTestId('clinical-allergies');
  const paracetamol = allergies.getByTestId('clinical-item').filter({ hasText: 'PARACETAMOL' });
  assert.equal(await paracetamol.count(), 1);
  assert.equal(await paracetamol.getByTestId('clinical-code').innerText(), 'CIS 60234100');
  assert.match(await paracetamol.locator('.date').innerText(), /depuis le 03\/06\/2018/);
  const facts = await paracetamol.locator('.item-line').first().innerText();
  assert.match(facts, /allergie médicamenteuse/);
  assert.match(facts, /Statut\u00a0: Inactif/);
  assert.match(facts, /texte\u00a0: « Intermittent »/);

  // Treatments: product, CIS code, start date, dose in words, frequency, route, reason.
  const treatments = summary.getByTestId('clinical-medications');
  const plavix = treatments.getByTestId('clinical-item').filter({ hasText: 'PLAVIX' });
  assert.match(await plavix.locator('.label').innerText(), /^PLAVIX 75 mg, comprimé pelliculé$/);
  assert.equal(await plavix.getByTestId('clinical-code').innerText(), 'CIS 63564053');
  assert.match(await plavix.locator('.date').innerText(), /depuis le 11\/08\/2019/);
  const posology = await plavix.getByTestId('clinical-administration').innerText();
  assert.match(posology, /Dose\u00a0: 2 comprimés/);
  assert.match(posology, /1 fois par jour/);
  assert.match(posology, /Voie\u00a0: Voie orale/);
  assert.match(await plavix.innerText(), /Motif\u00a0: Angine de poitrine instable/);
  const coumadine = treatments.getByTestId('clinical-item').filter({ hasText: 'COUMADINE' });
  assert.match(await coumadine.getByTestId('clinical-administration').innerText(), /toutes les 6 h/);

  // What is not coded says so, with the document's text (the vigilance points).
  const vigilance = summary.getByTestId('clinical-vigilance');
  assert.match(await vigilance.locator('.section-text').innerText(), /Hémibloc antérieur gauche/);

  mkdirSync(results, { recursive: true });
  const shot = process.env.CLINICAL_SCREENSHOT ?? resolve(results, 'clinical-summary.png');
  await summary.screenshot({ path: shot });

  // An item's source link opens the XML source at its entry, as a results row does.
  const link = plavix.getByTestId('clinical-source');
  const line = Number((await link.innerText()).match(/ligne (\d+)/)?.[1]);
  assert.equal(line, 1255, 'the PLAVIX substanceAdministration starts on line 1255');
  await link.click();
  const target = page.locator('[data-testid=source-view] .cm-issue-target');
  await target.waitFor();
  assert.match(await target.innerText(), /^<substanceAdministration/);
  assert.equal(await page.locator('[data-testid=source-view] .cm-issue-line').getAttribute('data-issue-line'), String(line));
  await page.screenshot({ path: shot.replace(/\.png$/, '-source.png') });

  // English is one click away.
  await page.getByRole('button', { name: 'EN', exact: true }).click();
  await summary.getByText('Allergies and intolerances').waitFor();
  assert.match(await plavix.getByTestId('clinical-administration').innerText(), /Dose: 2 tablets · once a day/);

  assert.deepEqual(problems, []);
  await context.close();
});

test('a document without clinical sections shows no summary', async () => {
  assert.ok(browser);
  const { url: labUrl, server: labServer } = await startServer(
    corpusFile('TestContenuCDA-3-0__ExemplesCDA__BIO-CR-BIO_2024.01_TSH_1.xml'),
  );
  try {
    const page = await browser.newPage({ locale: 'fr-FR' });
    await page.goto(labUrl);
    await page.locator('[role=option][title*="TSH_1"]').click();
    await page.getByTestId('results-grid').waitFor();
    assert.equal(await page.getByTestId('clinical-summary').count(), 0);
    await page.close();
  } finally {
    labServer.kill('SIGTERM');
  }
});
