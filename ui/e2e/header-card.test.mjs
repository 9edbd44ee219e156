// End-to-end: `vigie serve` with a corpus document, the page in headless Chromium.
//
// Builds nothing: VIGIE_BIN is the built `vigie` binary (with the UI embedded: `make ui`
// before `cargo build`), VIGIE_DOC a document to open (default: a lab report of the corpus).
// Run with `npm run e2e`. Leaves a screenshot in test-results/header-card.png.

import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import { launchBrowser, results, startServer, ui } from './harness.mjs';

const doc = resolve(
  ui,
  process.env.VIGIE_DOC ?? '../../shared/corpus/fr/TestContenuCDA-3-0__ExemplesCDA__BIO-CR-BIO_2024.01_TSH_1.xml',
);
const second = resolve(
  ui,
  process.env.VIGIE_DOC2 ?? '../../shared/corpus/fr/TestContenuCDA-3-0__ExemplesCDA__BIO-CR-BIO_2024.01_TSH_2.xml',
);

/** @typedef {Window & { __vigieDrop?: DataTransfer }} TestWindow */

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

test('the header card shows the patient, the INS and its key, the author and the document type', async () => {
  assert.ok(browser);
  const context = await browser.newContext({ viewport: { width: 1360, height: 900 }, locale: 'fr-FR' });
  const page = await context.newPage();
  /** @type {string[]} */
  const problems = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(error.message));
  // Nothing may leave the machine: every request goes to the server under test.
  page.on('request', (request) => {
    if (!request.url().startsWith(url) && !request.url().startsWith('data:') && !request.url().startsWith('blob:')) {
      problems.push(`request outside the server: ${request.url()}`);
    }
  });

  await page.goto(url);

  // The library holds the document; select it (the first one is shown on start: click anyway).
  // A row's tooltip (title) is its file name.
  const option = page.locator('[role=option][title*="TSH_1"]');
  await option.click();
  assert.equal(await option.getAttribute('aria-selected'), 'true');

  const header = page.locator('.header-card');
  await header.waitFor();
  assert.match(await page.getByTestId('document-type').innerText(), /CR d'examens biologiques/);

  const patient = page.getByTestId('patient-card');
  assert.match(await page.getByTestId('patient-name').innerText(), /^DOMINIQUE PAT-TROIS$/);
  const ids = await patient.getByTestId('patient-ids').innerText();
  assert.match(ids, /INS-NIR de test/);
  assert.match(ids, /279035121518989/);
  assert.match(await patient.getByTestId('nir-check').innerText(), /Clé valide/);
  assert.match(ids, /Identifiant local \(IPP\)/);

  const authors = page.getByTestId('authors');
  assert.match(await authors.getByTestId('author-specialty').first().innerText(), /Biologie médicale/);
  assert.match(await authors.getByTestId('author-profession').first().innerText(), /Médecin/);
  assert.match(await authors.innerText(), /N° RPPS/);

  // The panes scroll inside the window: a screenshot at a usual size, then a tall one that
  // shows the whole document.
  mkdirSync(results, { recursive: true });
  await page.screenshot({ path: resolve(results, 'header-card.png') });
  await page.setViewportSize({ width: 1360, height: 3200 });
  await page.screenshot({ path: resolve(results, 'document-full.png') });
  await page.setViewportSize({ width: 1360, height: 900 });

  // A second file, sent through the Open… file input, joins the list and is shown.
  await page.locator('input[type=file]').setInputFiles(second);
  const added = page.locator('[role=option][title*="TSH_2"]');
  await added.waitFor();
  await page.waitForFunction(() => document.querySelectorAll('[role=option]').length === 2);
  assert.equal(await added.getAttribute('aria-selected'), 'true');
  await page.locator('.header-card').waitFor();

  // A file dropped anywhere on the window is added too (the overlay shows while dragging).
  await page.evaluate(() => {
    const transfer = new DataTransfer();
    const xml = '<ClinicalDocument xmlns="urn:hl7-org:v3"><title>Lettre déposée</title></ClinicalDocument>';
    transfer.items.add(new File([xml], 'depose.xml', { type: 'text/xml' }));
    window.dispatchEvent(new DragEvent('dragenter', { dataTransfer: transfer, bubbles: true, cancelable: true }));
    /** @type {TestWindow} */ (window).__vigieDrop = transfer;
  });
  await page.locator('.drop-overlay').waitFor();
  await page.evaluate(() => {
    const transfer = /** @type {TestWindow} */ (window).__vigieDrop ?? null;
    window.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
  });
  await page.locator('[role=option][title="depose.xml"]').waitFor();
  assert.equal(await page.locator('.drop-overlay').count(), 0);
  assert.match(await page.locator('.header-card h1').innerText(), /Lettre déposée/);

  // The keyboard moves through the list; Enter opens the document under the cursor.
  await page.getByRole('listbox').focus();
  await page.keyboard.press('Home');
  await page.waitForFunction(() => document.querySelector('[role=option][aria-selected=true]')?.id === 'doc-0');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelector('#doc-0')?.getAttribute('aria-current') === 'true');
  await patient.getByTestId('nir-check').waitFor();

  // English is one click away.
  await page.getByRole('button', { name: 'EN', exact: true }).click();
  assert.match(await patient.getByTestId('nir-check').innerText(), /Key valid/);
  await page.screenshot({ path: resolve(results, 'header-card-en.png'), fullPage: false });

  assert.deepEqual(problems, []);
  await context.close();
});

test('the page refuses to run inline script (CSP) and the API refuses a foreign Host', async () => {
  const response = await fetch(`${url}api/documents`, { headers: { Host: 'evil.example' } }).catch(() => null);
  // Node's fetch may not let a Host header through; the server's own tests cover that case.
  if (response) assert.ok(response.status === 403 || response.status === 200);
  const page = await fetch(url);
  assert.match(page.headers.get('content-security-policy') ?? '', /script-src 'self'/);
  assert.equal(page.headers.get('x-content-type-options'), 'nosniff');
});
