// End-to-end: the ANS kit's rules in the Problems panel of `vigie serve --kit`, headless
// Chromium. The corpus's BIO-CR-BIO_2024.01_TSH_1 has a section a CR-BIO may not have: the
// kit's Entete_CR-BIO rule fires on it; the panel says which volet schematron ran and why,
// and the finding opens the source at the section's line.
//
// Builds nothing: VIGIE_BIN is the built `vigie` binary with the UI embedded. Run with
// `npm run e2e`. Leaves screenshots in ../target/e2e/.

import { mkdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import { corpusFile, kitDir, launchBrowser, startServer, ui } from './harness.mjs';

const document = corpusFile('TestContenuCDA-3-0__ExemplesCDA__BIO-CR-BIO_2024.01_TSH_1.xml');
const SECTION_LINE = 684;
const shots = resolve(ui, '../target/e2e');

/** @type {import('node:child_process').ChildProcess | undefined} */
let server;
/** @type {import('playwright-core').Browser | undefined} */
let browser;
let url = '';

before(async () => {
  const started = await startServer(document, 30_000, ['--kit', kitDir]);
  url = started.url;
  server = started.server;
  browser = await launchBrowser();
  mkdirSync(shots, { recursive: true });
});

after(async () => {
  await browser?.close();
  server?.kill('SIGTERM');
});

test('the kit’s findings and its volet show in the Problems panel and open the source', async () => {
  const lines = readFileSync(document, 'utf8').split('\n');
  assert.match(lines[SECTION_LINE - 1] ?? '', /<section>/, `line ${SECTION_LINE} opens the section`);
  assert.ok(browser);
  const context = await browser.newContext({ viewport: { width: 1600, height: 960 }, locale: 'fr-FR' });
  const page = await context.newPage();
  /** @type {string[]} */
  const problems = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(error.message));
  await page.goto(url);

  await page.getByTestId('problems-toggle').click();
  const panel = page.getByTestId('problems');
  const kit = panel.locator('section[data-layer="kit"]');
  // compiling the kit's rules takes a second or two on first use
  const finding = kit.locator('[data-rule="kit:Entete_CR-BIO"]');
  await finding.waitFor({ timeout: 60_000 });
  assert.match(await finding.innerText(), /un CR-BIO ne peut comporter que les sections de niveau 1 suivantes/);
  assert.match(await finding.getByTestId('issue-where').innerText(), new RegExp(`^ligne ${SECTION_LINE}:\\d+$`));

  // The layer says which volet schematron ran, and why.
  const notes = kit.getByRole('list', { name: 'Notes de la couche Règles du kit ANS sur son exécution' });
  assert.match(await notes.innerText(), /volet CI-SIS_BIO-CR-BIO_2021\.01\.sch : le templateId 1\.3\.6\.1\.4\.1\.19376\.1\.3\.3 nomme BIO-CR-BIO/);
  await panel.screenshot({ path: resolve(shots, 'kit-panel.png') });

  // Opened: the source at the section's line, highlighted.
  await finding.locator('.issue-open').click();
  await page.locator(`.cm-issue-line[data-issue-line="${SECTION_LINE}"]`).waitFor();
  await page.screenshot({ path: resolve(shots, 'kit-source.png') });

  assert.deepEqual(problems, []);
  await context.close();
});
