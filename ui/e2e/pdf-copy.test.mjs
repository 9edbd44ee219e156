// End-to-end: a corpus lab report carrying a PDF copy (the CI-SIS "copie PDF" section,
// 1.2.250.1.213.1.1.2.243) in `vigie serve`, headless Chromium. “Comparer avec la copie PDF”
// shows the structured text and the PDF side by side, each scrolling on its own, over the
// whole window (the library pane steps aside), stacked in a narrow window; the same button
// leads back to the document and the library. A document without a PDF
// copy has no such button. Nothing leaves for another origin, nothing is logged as an error.
//
// Builds nothing: VIGIE_BIN is the built `vigie` binary with the UI embedded (`make ui` then
// `cargo build`). Leaves screenshots in ../target/e2e/.

import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import { corpusFile, launchBrowser, startServer, ui } from './harness.mjs';

/** A CR-BIO with a PDF copy of itself (the corpus has several; this one is short). */
const withCopy = corpusFile('TestContenuCDA-3-0__ExemplesCDA__BIO-CR-BIO_2024.01_TSH_1.xml');
/** A structured document without one. */
const withoutCopy = corpusFile('TestContenuCDA-3-0__ExemplesCDA__BIO-CR-BIO_2021.01_Microbiologie_V1.xml');
const shots = resolve(ui, '../target/e2e');

/** @type {import('playwright-core').Browser | undefined} */
let browser;
/** @type {import('node:child_process').ChildProcess[]} */
const servers = [];

before(async () => {
  browser = await launchBrowser();
  mkdirSync(shots, { recursive: true });
});

after(async () => {
  await browser?.close();
  for (const server of servers) server.kill('SIGTERM');
});

/** `vigie serve FILE` and a page on it, every request to another origin recorded and
 *  refused, console and page errors recorded. */
async function open(/** @type {string} */ file, viewport = { width: 1400, height: 760 }) {
  assert.ok(browser);
  const { url, server } = await startServer(file);
  servers.push(server);
  const context = await browser.newContext({ viewport, locale: 'fr-FR' });
  const origin = new URL(url).origin;
  /** @type {string[]} */
  const foreign = [];
  await context.route('**/*', (route) => {
    const target = route.request().url();
    if (target.startsWith(origin) || target.startsWith('data:') || target.startsWith('about:') || target.startsWith('blob:')) {
      return route.continue().catch(() => {});
    }
    foreign.push(target);
    return route.abort().catch(() => {});
  });
  const page = await context.newPage();
  /** @type {string[]} */
  const problems = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(error.message));
  await page.goto(url);
  await page.getByTestId('rendered').waitFor();
  return { page, context, foreign, problems };
}

/** A locator's box, which must exist. */
async function box(/** @type {import('playwright-core').Locator} */ locator) {
  const found = await locator.boundingBox();
  assert.ok(found, 'the element has a box');
  return found;
}

test('the PDF copy shows beside the structured text, each scrolling on its own, and back', async () => {
  const { page, context, foreign, problems } = await open(withCopy);
  try {
    const toggle = page.getByTestId('compare-pdf-copy');
    assert.equal(await toggle.innerText(), 'Comparer avec la copie PDF');
    await toggle.click();

    const compare = page.getByTestId('compare');
    await compare.waitFor();
    const narrative = page.getByTestId('compare-narrative');
    const copy = page.getByTestId('compare-pdf');
    // The structured text: the rendered page, in its own frame.
    const frame = await (await narrative.getByTestId('rendered').elementHandle())?.contentFrame();
    assert.ok(frame, 'the structured text is in a frame');
    await frame.locator('td', { hasText: 'Thyréostimuline (TSH)' }).first().waitFor();
    // The PDF copy: drawn, labelled.
    const viewer = copy.getByTestId('pdf-viewer');
    assert.equal(await viewer.getAttribute('aria-label'), 'Copie PDF du document');
    await viewer.getByTestId('pdf-page-1').locator('canvas').waitFor({ timeout: 20_000 });
    // The document's own view is put aside meanwhile; the way back is the same button.
    assert.equal(await page.locator('.doc-pane').isVisible(), false);
    assert.equal(await page.locator('.sidebar').isVisible(), false, 'the library steps aside');
    assert.equal(await toggle.innerText(), '← Retour au document');
    assert.equal(await page.getByTestId('view-document').getAttribute('aria-pressed'), 'false');

    // Side by side: same top, the PDF to the right, both as tall as the view.
    const left = await box(narrative);
    const right = await box(copy);
    assert.ok(Math.abs(left.y - right.y) < 2, `same top (${left.y}, ${right.y})`);
    assert.ok(right.x >= left.x + left.width - 2, `the PDF is to the right (${left.x}+${left.width}, ${right.x})`);
    assert.ok(Math.abs(left.height - right.height) < 2 && left.height > 400, `both fill the view (${left.height}, ${right.height})`);
    assert.ok(left.width > 600 && right.width > 600, `each has half the window (${left.width}, ${right.width})`);
    await page.waitForTimeout(300);
    await page.screenshot({ path: resolve(shots, 'pdf-copy-side-by-side.png') });

    // Each scrolls on its own (a short window: the report's structured text is short).
    await page.setViewportSize({ width: 1400, height: 480 });
    const pages = viewer.getByTestId('pdf-pages');
    const scrolls = () =>
      Promise.all([narrative.evaluate((e) => e.scrollTop), pages.evaluate((e) => e.scrollTop)]);
    // the frame takes its content's height once laid out
    await narrative.evaluate(
      (e) =>
        new Promise((done, fail) => {
          const started = Date.now();
          const poll = () => {
            if (e.scrollHeight > e.clientHeight + 50) done(true);
            else if (Date.now() - started > 10_000) fail(new Error('the structured text is taller than its pane'));
            else setTimeout(poll, 50);
          };
          poll();
        }),
    );
    assert.ok(await pages.evaluate((e) => e.scrollHeight > e.clientHeight + 200), 'the PDF is taller than its pane');
    await narrative.evaluate((e) => e.scrollTo(0, 50));
    assert.deepEqual(await scrolls(), [50, 0]);
    await pages.evaluate((e) => e.scrollTo(0, 200));
    assert.deepEqual(await scrolls(), [50, 200]);
    assert.deepEqual(await page.evaluate(() => [document.scrollingElement?.scrollTop, document.querySelector('.main')?.scrollTop ?? 0]), [0, 0]);

    // A narrow window: one above the other, each still scrolling on its own.
    await page.setViewportSize({ width: 600, height: 900 });
    await page.waitForFunction(() => {
      const a = document.querySelector('[data-testid=compare-narrative]')?.getBoundingClientRect();
      const b = document.querySelector('[data-testid=compare-pdf]')?.getBoundingClientRect();
      return !!a && !!b && b.top >= a.bottom - 2 && Math.abs(a.left - b.left) < 2;
    });
    assert.ok(await narrative.evaluate((e) => e.scrollHeight > e.clientHeight), 'the structured text scrolls in its half');
    await page.screenshot({ path: resolve(shots, 'pdf-copy-stacked.png') });
    await page.setViewportSize({ width: 1400, height: 760 });

    // In English.
    await page.getByRole('button', { name: 'EN', exact: true }).click();
    assert.equal(await viewer.getAttribute('aria-label'), 'PDF copy of the document');
    assert.equal(await toggle.innerText(), '← Back to the document');

    // Back: the document as before, its mode pressed again.
    await toggle.click();
    await compare.waitFor({ state: 'detached' });
    assert.equal(await page.locator('.doc-pane').isVisible(), true);
    assert.equal(await page.locator('.sidebar').isVisible(), true, 'the library is back');
    assert.equal(await page.getByTestId('view-document').getAttribute('aria-pressed'), 'true');
    assert.equal(await toggle.innerText(), 'Compare with the PDF copy');

    // A mode chosen while comparing ends the comparison too.
    await toggle.click();
    await compare.waitFor();
    await page.getByTestId('view-split').click();
    await compare.waitFor({ state: 'detached' });
    assert.equal(await page.getByTestId('view-split').getAttribute('aria-pressed'), 'true');

    assert.deepEqual(foreign, []);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('a document without a PDF copy has nothing to compare', async () => {
  const { page, context, problems } = await open(withoutCopy);
  try {
    await page.getByTestId('view-document').waitFor();
    assert.equal(await page.getByTestId('compare-pdf-copy').count(), 0);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});
