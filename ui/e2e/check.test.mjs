// End-to-end: the Problems panel and the XML source view in `vigie serve`, headless Chromium.
// A finding clicked in the panel (or reached with the arrows and Enter) opens the source at
// its line, the element highlighted and in view; side by side, the rendered element flashes.
//
// Builds nothing: VIGIE_BIN is the built `vigie` binary with the UI embedded (`make ui` then
// `cargo build`). Run with `npm run e2e`. Leaves screenshots in ../target/e2e/.

import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import { launchBrowser, startServer, ui } from './harness.mjs';

const fixture = resolve(ui, 'e2e/fixtures/problems.xml');
const text = readFileSync(fixture, 'utf8');
/** The 1-based line of the first occurrence of `needle` in the fixture. */
const lineOf = (/** @type {string} */ needle) => text.slice(0, text.indexOf(needle)).split('\n').length;
const INS_LINE = lineOf('extension="184127645108947"');
const REFERENCE_LINE = lineOf('value="#res-manquant"');
const shots = resolve(ui, '../target/e2e');

/** @type {import('node:child_process').ChildProcess[]} */
const servers = [];
/** @type {import('playwright-core').Browser | undefined} */
let browser;
let url = '';

before(async () => {
  const started = await startServer(fixture);
  url = started.url;
  servers.push(started.server);
  browser = await launchBrowser();
  mkdirSync(shots, { recursive: true });
});

after(async () => {
  await browser?.close();
  for (const server of servers) server.kill('SIGTERM');
});

/** A page on `at`, recording console errors, page errors and CSP violations. */
async function open(at = url, locale = 'fr-FR') {
  assert.ok(browser);
  const context = await browser.newContext({ viewport: { width: 1600, height: 960 }, locale });
  await context.addInitScript(() => {
    /** @type {string[]} */
    const violations = [];
    Object.assign(window, { __violations: violations });
    document.addEventListener('securitypolicyviolation', (e) => violations.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  const page = await context.newPage();
  /** @type {string[]} */
  const problems = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(error.message));
  await page.goto(at);
  return { page, problems };
}

/** Whether the source line `line` is highlighted and inside the editor's visible box. */
async function lineInView(/** @type {import('playwright-core').Page} */ page, /** @type {number} */ line) {
  const highlighted = page.locator(`.cm-issue-line[data-issue-line="${line}"]`);
  await highlighted.waitFor();
  const [box, scroller] = await Promise.all([highlighted.boundingBox(), page.locator('.cm-scroller').boundingBox()]);
  assert.ok(box && scroller);
  return box.y >= scroller.y && box.y + box.height <= scroller.y + scroller.height;
}

test('a problem clicked in the Problems panel opens the source at its line, highlighted and in view', async () => {
  const { page, problems } = await open();

  const toggle = page.getByTestId('problems-toggle');
  await toggle.waitFor();
  assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
  await toggle.click();
  const panel = page.getByTestId('problems');
  await panel.getByTestId('issue').first().waitFor();

  // Each layer says how it went; the two without a folder say why they did not run.
  assert.match(await panel.locator('[data-layer=kit] h3').innerText(), /Règles du kit ANS\s+non exécutée : aucun dossier de kit/);
  assert.match(await panel.locator('[data-layer=xsd] h3').innerText(), /Schéma XSD\s+non exécutée : aucun dossier de schémas/);
  assert.match(await panel.locator('[data-layer=builtin] h3').innerText(), /exécutée en .* ms · \d+ problèmes/);

  // The INS: severity in a word, the message in French, the rule, the path, line:column.
  const ins = panel.locator('[data-rule="ins.key"]');
  assert.match(await ins.innerText(), /Erreur/);
  assert.match(await ins.innerText(), /la clé 47 de l'INS « 184127645108947 » ne correspond pas à son numéro : la clé attendue est 46/);
  assert.match(await ins.innerText(), /recordTarget\/patientRole\/id/);
  assert.match(await ins.getByTestId('issue-where').innerText(), new RegExp(`ligne ${INS_LINE}:\\d+`));
  // Where the rule is written, collapsed.
  const where = ins.locator('details.rule-source');
  assert.equal(await where.getAttribute('open'), null);
  assert.match(await where.locator('summary').innerText(), /Règle de Vigie : docs\/rules\/ins\.key\.md/);

  // Clicking the dangling reference, far down the file, opens the source there.
  const reference = panel.locator('[data-rule="narrative.reference"]');
  await reference.locator('.issue-open').click();
  assert.equal(await page.getByTestId('view-source').getAttribute('aria-pressed'), 'true');
  assert.ok(await lineInView(page, REFERENCE_LINE), `line ${REFERENCE_LINE} is scrolled into view`);
  assert.equal(await page.locator('.cm-issue-target').innerText(), 'value="#res-manquant"');
  assert.match(await page.locator('.cm-issue-message').innerText(), /la référence « #res-manquant » ne désigne aucun élément/);
  assert.equal(await reference.getAttribute('class').then((c) => /selected/.test(c ?? '')), true);
  // The gutter marks the lines with problems: an icon, and the messages in its tooltip.
  const marker = page.locator('.cm-issue-marker').filter({ has: page.locator('svg') }).last();
  assert.match((await marker.getAttribute('title')) ?? '', /narrative\.reference/);

  mkdirSync(shots, { recursive: true });
  await page.screenshot({ path: resolve(shots, 'check-source.png') });

  // The keyboard: Home goes to the first problem (the INS, an error), Enter opens it.
  await reference.locator('.issue-open').focus();
  await page.keyboard.press('Home');
  assert.equal(await page.evaluate(() => document.activeElement?.closest('[data-rule]')?.getAttribute('data-rule')), 'ins.key');
  await page.keyboard.press('Enter');
  assert.ok(await lineInView(page, INS_LINE), `line ${INS_LINE} is scrolled into view`);
  assert.match(await page.locator('.cm-issue-target').innerText(), /^<id root="1\.2\.250\.1\.213\.1\.4\.8"/);
  await page.keyboard.press('ArrowDown');
  const next = await page.evaluate(() => document.activeElement?.getAttribute('data-issue-index'));
  assert.equal(next, '1', 'ArrowDown moves to the next problem');

  // Filters: without the errors, no error is listed; the badge still counts them.
  await panel.getByTestId('severity-error').click();
  assert.equal(await panel.locator('.issue.error').count(), 0);
  assert.match(await panel.getByTestId('severity-error').innerText(), /1 erreur/);
  await panel.getByTestId('severity-error').click();
  assert.equal(await panel.locator('.issue.error').count() > 0, true);

  // Side by side: opening the INS problem flashes the identifier in the patient card.
  await page.getByTestId('view-split').click();
  await ins.locator('.issue-open').click();
  const flashed = page.locator('[data-flash]');
  await flashed.first().waitFor();
  assert.match(await flashed.first().innerText(), /184127645108947/);
  assert.ok(await lineInView(page, INS_LINE));
  await page.screenshot({ path: resolve(shots, 'check-split.png') });

  // The source view's search (Ctrl+F) opens in French.
  await page.locator('.cm-content').click();
  await page.keyboard.press('Control+f');
  await page.locator('.cm-search input[name=search]').waitFor();
  assert.equal(await page.locator('.cm-search input[name=search]').getAttribute('placeholder'), 'Rechercher');

  const violations = await page.evaluate(() => /** @type {any} */ (window).__violations);
  assert.deepEqual(violations, [], 'CodeMirror runs within the Content-Security-Policy');
  assert.deepEqual(problems, []);
});

test('the panel speaks English, and says which layers did not run when nothing was found', async () => {
  const { page, problems } = await open(url, 'en-GB');
  await page.getByRole('button', { name: 'EN', exact: true }).click();
  // A check that found nothing (as the server would answer for a clean document).
  await page.route('**/api/documents/*/check', (route) =>
    route.fulfill({
      json: {
        file: 'clean.xml',
        kind: 'clinical-document',
        layers: [
          { layer: 'xml', ran: true, issues: 0, millis: 0.2 },
          { layer: 'cda', ran: true, issues: 0, millis: 1.4 },
          { layer: 'xsd', ran: false, skipped: { fr: 'aucun dossier de schémas donné (--schema)', en: 'no schema folder given (--schema)' }, issues: 0, millis: 0 },
          { layer: 'kit', ran: false, skipped: { fr: 'aucun dossier de kit donné (--kit)', en: 'no kit folder given (--kit)' }, issues: 0, millis: 0 },
          { layer: 'builtin', ran: true, issues: 0, millis: 0.6 },
        ],
        issues: [],
        counts: { errors: 0, warnings: 0, infos: 0 },
      },
    }),
  );
  await page.reload();
  await page.getByTestId('problems-toggle').waitFor();
  if ((await page.getByTestId('problems-toggle').getAttribute('aria-expanded')) !== 'true') {
    await page.getByTestId('problems-toggle').click();
  }
  const none = page.getByTestId('problems-none');
  await none.waitFor();
  const said = await none.innerText();
  assert.match(said, /No problem found by the layers that ran\./);
  assert.match(said, /These layers did not run:/);
  assert.match(said, /XSD schema — no schema folder given \(--schema\)/);
  assert.match(said, /ANS kit rules — no kit folder given \(--kit\)/);
  await page.getByTestId('problems').screenshot({ path: resolve(shots, 'check-none-en.png') });
  assert.deepEqual(problems, []);
});

test('the source view opens a 5 MB document and goes to its last lines quickly', async () => {
  // The fixture's results repeated to 5 MB, the dangling reference last.
  const entry = text.slice(text.indexOf('          <entry>'), text.indexOf('        </section>'));
  const start = text.indexOf('          <entry>');
  const copies = Math.ceil((5 * 1024 * 1024) / entry.length);
  const big = text.slice(0, start) + entry.replaceAll('#res-manquant', '#renal-1').repeat(copies) + text.slice(start);
  const folder = mkdtempSync(join(tmpdir(), 'vigie-e2e-big-'));
  const file = join(folder, 'gros-document.xml');
  writeFileSync(file, big);
  const lastReference = big.slice(0, big.lastIndexOf('value="#res-manquant"')).split('\n').length;
  const started = await startServer(file, 60_000);
  servers.push(started.server);

  const { page, problems } = await open(started.url);
  await page.getByTestId('problems-toggle').click();
  await page.locator('[data-rule="narrative.reference"] .issue-open').waitFor({ timeout: 60_000 });
  const before = Date.now();
  await page.locator('[data-rule="narrative.reference"] .issue-open').click();
  assert.ok(await lineInView(page, lastReference), `line ${lastReference} of ${big.split('\n').length} in view`);
  const elapsed = Date.now() - before;
  console.log(`# 5 MB source (${big.length} characters): shown at line ${lastReference} in ${elapsed} ms`);
  assert.ok(elapsed < 5000, `the source of a 5 MB document opens at a line in ${elapsed} ms`);

  // Scrolling and searching stay responsive.
  const search = Date.now();
  await page.locator('.cm-content').click();
  await page.keyboard.press('Control+f');
  await page.locator('.cm-search input[name=search]').fill('res-manquant');
  await page.keyboard.press('Enter');
  await page.locator('.cm-searchMatch').first().waitFor();
  console.log(`# search in 5 MB: ${Date.now() - search} ms`);
  assert.deepEqual(problems, []);
});
