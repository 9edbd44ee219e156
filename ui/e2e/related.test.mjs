// End-to-end: a finding's related places in the Problems panel of `vigie serve`, headless
// Chromium. narrative.lab-interpretation's fixture has a glucose flagged N above its range;
// the finding (on the entry's interpretationCode) names the narrative row it was compared
// with: clicked, or reached with Tab and opened with Enter, that row opens in the source,
// highlighted and in view — in French, then in English.
//
// Builds nothing: VIGIE_BIN is the built `vigie` binary with the UI embedded (`make ui` then
// `cargo build`). Run with `npm run e2e`. Leaves screenshots in ../target/e2e/.

import { mkdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import { launchBrowser, startServer, ui } from './harness.mjs';

const fixture = resolve(ui, '../tests/fixtures/check/narrative.lab-interpretation.xml');
const text = readFileSync(fixture, 'utf8');
/** The 1-based line of the first occurrence of `needle` in the fixture. */
const lineOf = (/** @type {string} */ needle) => text.slice(0, text.indexOf(needle)).split('\n').length;
const ROW_LINE = lineOf('<tr ID="res-1">');
const FINDING_LINE = lineOf('<interpretationCode code="N"');
const shots = resolve(ui, '../target/e2e');

/** @type {import('node:child_process').ChildProcess | undefined} */
let server;
/** @type {import('playwright-core').Browser | undefined} */
let browser;
let url = '';

before(async () => {
  const started = await startServer(fixture);
  url = started.url;
  server = started.server;
  browser = await launchBrowser();
  mkdirSync(shots, { recursive: true });
});

after(async () => {
  await browser?.close();
  server?.kill('SIGTERM');
});

/** Whether the source line `line` is highlighted and inside the editor's visible box. */
async function lineInView(/** @type {import('playwright-core').Page} */ page, /** @type {number} */ line) {
  const highlighted = page.locator(`.cm-issue-line[data-issue-line="${line}"]`);
  await highlighted.waitFor();
  const [box, scroller] = await Promise.all([highlighted.boundingBox(), page.locator('.cm-scroller').boundingBox()]);
  assert.ok(box && scroller);
  return box.y >= scroller.y && box.y + box.height <= scroller.y + scroller.height;
}

test('a finding’s related place opens the source at the narrative row it names', async () => {
  assert.equal(ROW_LINE, 64, 'the fixture’s res-1 row is on line 64');
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
  // Two findings of the rule (the glucose and the CRP): the glucose's names row #res-1.
  const finding = panel.locator('[data-rule="narrative.lab-interpretation"]').filter({ hasText: '#res-1' });
  await finding.waitFor();
  assert.match(await finding.getByTestId('issue-where').innerText(), new RegExp(`^ligne ${FINDING_LINE}:\\d+$`));

  // The related place: a word before it, its message in French, its line:column, its path.
  const related = finding.getByTestId('issue-related');
  assert.equal(await related.count(), 1);
  assert.match(await finding.locator('.related').innerText(), /^Voir aussi :/);
  assert.equal(await finding.getByRole('list', { name: 'Autres endroits concernés par ce problème' }).count(), 1);
  assert.match(await related.innerText(), /^le texte narratif de ce résultat \(#res-1\)\s+ligne 64:17$/);
  assert.equal(await related.getAttribute('title'), 'Ouvrir la source à la ligne 64');
  assert.match(await finding.locator('.related').innerText(), /section\[code=18719-5\]\/text\/table\/tbody\/tr\[1\]/);

  // Clicked: the source opens at the row, highlighted and in view; the finding is selected.
  await related.click();
  assert.equal(await page.getByTestId('view-source').getAttribute('aria-pressed'), 'true');
  assert.ok(await lineInView(page, ROW_LINE), `line ${ROW_LINE} is scrolled into view`);
  assert.match(await page.locator('.cm-issue-target').innerText(), /^<tr ID="res-1">/);
  assert.match((await finding.getAttribute('class')) ?? '', /\bselected\b/);
  await page.screenshot({ path: resolve(shots, 'related-source.png') });
  await panel.screenshot({ path: resolve(shots, 'related-panel.png') });

  // The keyboard: the finding opened with Enter goes to its own line; Tab reaches its
  // related place, Enter opens the row.
  await finding.locator('.issue-open').focus();
  await page.keyboard.press('Enter');
  assert.ok(await lineInView(page, FINDING_LINE), `line ${FINDING_LINE} is scrolled into view`);
  assert.equal(await page.locator(`.cm-issue-line[data-issue-line="${ROW_LINE}"]`).count(), 0);
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'issue-related');
  await page.keyboard.press('Enter');
  assert.ok(await lineInView(page, ROW_LINE), `line ${ROW_LINE} is scrolled into view again`);

  // In English: the related place's message and position follow the language.
  await page.getByRole('button', { name: 'EN', exact: true }).click();
  assert.match(await finding.locator('.related').innerText(), /^See also:/);
  assert.match(await related.innerText(), /^this result's narrative \(#res-1\)\s+line 64:17$/);
  assert.equal(await related.getAttribute('title'), 'Open the source at line 64');
  await panel.screenshot({ path: resolve(shots, 'related-panel-en.png') });

  assert.deepEqual(problems, []);
  await context.close();
});
