// End-to-end: a PDF-only (level 1) document of the corpus in `vigie serve`, headless
// Chromium. Its PDF shows in the app's own viewer (pdf.js): the first page drawn on a
// canvas, its words in a text layer that can be selected, the zoom changing the page's
// width, from the buttons and the keyboard; the same PDF from the attachments list in a
// dialog. Nothing leaves for another origin, nothing breaks the CSP, nothing is logged as an
// error.
//
// Builds nothing: VIGIE_BIN is the built `vigie` binary with the UI embedded (`make ui` then
// `cargo build`). Leaves screenshots in ../target/e2e/.

import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import { corpusFile, launchBrowser, startServer, ui } from './harness.mjs';

/** A level 1 imaging report whose PDF has real text (the other level 1 examples are scans). */
const levelOne = corpusFile('TestContenuCDA-3-0__ExemplesCDA__IMG_CR_IMG_2024.01_CDA-R2-Niveau-1.xml');
/** A word of that PDF (tests/pdf_text.rs finds it too). */
const WORD = 'praesentium';
const shots = resolve(ui, '../target/e2e');

/** @type {import('node:child_process').ChildProcess | undefined} */
let server;
/** @type {import('playwright-core').Browser | undefined} */
let browser;
let url = '';

before(async () => {
  const started = await startServer(levelOne);
  url = started.url;
  server = started.server;
  browser = await launchBrowser();
  mkdirSync(shots, { recursive: true });
});

after(async () => {
  await browser?.close();
  server?.kill('SIGTERM');
});

/** The width of a page's box, in CSS pixels. */
async function widthOf(/** @type {import('playwright-core').Locator} */ locator) {
  const box = await locator.boundingBox();
  assert.ok(box, 'the page has a box');
  return box.width;
}

test('a level 1 document’s PDF shows in the app’s viewer, selectable and zoomable', async () => {
  assert.ok(browser);
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 }, locale: 'fr-FR' });
  /** @type {string[]} */
  const problems = [];
  /** @type {string[]} */
  const foreign = [];
  const origin = new URL(url).origin;
  context.on('request', (request) => {
    const target = request.url();
    if (!target.startsWith(origin) && !target.startsWith('blob:') && !target.startsWith('data:')) foreign.push(target);
  });
  await context.addInitScript(() => {
    // @ts-ignore: a test's own flag
    window.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (event) => {
      // @ts-ignore
      window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`);
    });
  });
  const page = await context.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(error.message));
  await page.goto(url);

  // The viewer, in French, its first page drawn: a canvas of real size, and the text layer.
  const viewer = page.getByTestId('pdf-viewer');
  await viewer.waitFor();
  const first = viewer.getByTestId('pdf-page-1');
  await first.locator('canvas').waitFor({ timeout: 20_000 });
  const canvas = await first.locator('canvas').evaluate((c) => {
    const drawn = /** @type {HTMLCanvasElement} */ (c);
    return { width: drawn.width, height: drawn.height };
  });
  assert.ok(canvas.width > 300 && canvas.height > 300, `the canvas is drawn (${canvas.width}×${canvas.height})`);
  assert.equal(await viewer.getAttribute('aria-label'), 'Document PDF');
  assert.match(await viewer.getByTestId('pdf-count').innerText(), /^sur \d+$/);
  assert.equal(await viewer.getByTestId('pdf-page').inputValue(), '1');
  assert.equal(await viewer.getByRole('toolbar').getAttribute('aria-label'), 'Commandes de la visionneuse PDF');

  // The canvas is not blank: some of its pixels are dark (text drawn).
  const inked = await first.locator('canvas').evaluate((c) => {
    const drawn = /** @type {HTMLCanvasElement} */ (c);
    const context2d = drawn.getContext('2d');
    if (!context2d) return 0;
    const { data } = context2d.getImageData(0, 0, drawn.width, drawn.height);
    let dark = 0;
    for (let i = 0; i < data.length; i += 4) if ((data[i] ?? 255) < 128) dark++;
    return dark;
  });
  assert.ok(inked > 500, `the page has ink (${inked} dark pixels)`);

  // A word of the PDF is in the text layer, and a double click selects it.
  const word = first.locator('.textLayer span', { hasText: WORD }).first();
  await word.waitFor();
  await word.scrollIntoViewIfNeeded();
  const spanText = (await word.textContent()) ?? '';
  const at = spanText.indexOf(WORD);
  // Double-click on the word itself: its characters' position in the span.
  const point = await word.evaluate((span, [from, length]) => {
    const range = span.ownerDocument.createRange();
    const text = /** @type {Text} */ (span.firstChild);
    range.setStart(text, from);
    range.setEnd(text, from + length);
    const r = range.getBoundingClientRect();
    return { x: r.left + r.width / 2, y: r.top + r.height / 2 };
  }, [at, WORD.length]);
  await page.mouse.dblclick(point.x, point.y);
  const selected = await page.evaluate(() => window.getSelection()?.toString() ?? '');
  assert.match(selected, new RegExp(WORD), `the selection holds “${WORD}” (got “${selected}”)`);
  await page.screenshot({ path: resolve(shots, 'pdf-viewer-selected.png') });

  // Zoom: fit width first; + makes the page wider, − and the keyboard narrower.
  assert.equal(await viewer.getByTestId('pdf-fit').getAttribute('aria-pressed'), 'true');
  const fitted = await widthOf(first);
  await viewer.getByTestId('pdf-zoom-in').click();
  await page.waitForFunction((w) => (document.querySelector('[data-testid="pdf-page-1"]')?.getBoundingClientRect().width ?? 0) > w + 10, fitted);
  assert.equal(await viewer.getByTestId('pdf-fit').getAttribute('aria-pressed'), 'false');
  const zoomed = await widthOf(first);
  // The page is drawn again at the new size.
  await page.waitForFunction(
    (w) => {
      const c = document.querySelector('[data-testid="pdf-page-1"] canvas');
      return !!c && c.getBoundingClientRect().width >= w - 2;
    },
    zoomed,
  );
  await page.getByTestId('pdf-pages').focus();
  await page.keyboard.press('-');
  await page.keyboard.press('-');
  await page.waitForFunction((w) => (document.querySelector('[data-testid="pdf-page-1"]')?.getBoundingClientRect().width ?? 0) < w - 10, zoomed);
  await page.keyboard.press('0');
  await page.waitForFunction((w) => Math.abs((document.querySelector('[data-testid="pdf-page-1"]')?.getBoundingClientRect().width ?? 0) - w) < 2, fitted);
  await page.getByTestId('pdf-pages').evaluate((view) => view.scrollTo(0, 0));
  await page.waitForTimeout(300);
  await viewer.screenshot({ path: resolve(shots, 'pdf-viewer.png') });

  // The same PDF from the attachments list: in a dialog, not a new tab.
  const pagesBefore = context.pages().length;
  await page.getByTestId('attachment-view').first().click();
  const dialog = page.getByTestId('pdf-dialog');
  await dialog.getByTestId('pdf-page-1').locator('canvas').waitFor({ timeout: 20_000 });
  assert.equal(context.pages().length, pagesBefore, 'no new tab');
  assert.equal(await dialog.getAttribute('aria-label'), 'Fichier joint n° 1 (PDF)');
  await page.screenshot({ path: resolve(shots, 'pdf-dialog.png') });
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'hidden' });

  // In English.
  await page.getByRole('button', { name: 'EN', exact: true }).click();
  assert.equal(await viewer.getAttribute('aria-label'), 'PDF document');
  assert.match(await viewer.getByTestId('pdf-count').innerText(), /^of \d+$/);

  // @ts-ignore
  assert.deepEqual(await page.evaluate(() => window.__cspViolations), []);
  assert.deepEqual(foreign, []);
  assert.deepEqual(problems, []);
  await context.close();
});

/** Opens `file` in a server of its own and returns how much of the viewer's first page is
 *  dark, after `more` (further checks) and checking that nothing was logged as an error. */
async function inkOfFirstPage(
  /** @type {string} */ file,
  /** @type {string} */ shot,
  /** @type {(page: import('playwright-core').Page) => Promise<void>} */ more = async () => {},
) {
  assert.ok(browser);
  const own = await startServer(file);
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 }, locale: 'fr-FR' });
  try {
    /** @type {string[]} */
    const problems = [];
    const page = await context.newPage();
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));
    await page.goto(own.url);
    const canvas = page.getByTestId('pdf-viewer').getByTestId('pdf-page-1').locator('canvas');
    await canvas.waitFor({ timeout: 20_000 });
    const inked = await canvas.evaluate((c) => {
      const drawn = /** @type {HTMLCanvasElement} */ (c);
      const context2d = drawn.getContext('2d');
      if (!context2d) return 0;
      const { data } = context2d.getImageData(0, 0, drawn.width, drawn.height);
      let dark = 0;
      for (let i = 0; i < data.length; i += 4) if ((data[i] ?? 255) < 128) dark++;
      return dark;
    });
    await page.getByTestId('pdf-viewer').screenshot({ path: resolve(shots, shot) });
    await more(page);
    assert.deepEqual(problems, []);
    return inked;
  } finally {
    await context.close();
    own.server.kill('SIGTERM');
  }
}

test('a scanned level 1 PDF (images only) is drawn too, without errors', async () => {
  const file = corpusFile('TestContenuCDA-3-0__ExemplesCDA__BIO-CR-BIO_2021.01_CDA-R2-Niveau-1.xml');
  const inked = await inkOfFirstPage(file, 'pdf-viewer-scan.png', async (page) => {
    // Two pages: the next page button goes to the second, drawn when it comes into view.
    const viewer = page.getByTestId('pdf-viewer');
    assert.equal(await viewer.getByTestId('pdf-count').innerText(), 'sur 2');
    await viewer.getByRole('button', { name: 'Page suivante' }).click();
    assert.equal(await viewer.getByTestId('pdf-page').inputValue(), '2');
    await viewer.getByTestId('pdf-page-2').locator('canvas').waitFor({ timeout: 20_000 });
    assert.equal(await viewer.getByRole('button', { name: 'Page suivante' }).isDisabled(), true);
    // Typed in the page field: back to the first.
    await viewer.getByTestId('pdf-page').fill('1');
    await viewer.getByTestId('pdf-page').press('Enter');
    assert.equal(await viewer.getByRole('button', { name: 'Page précédente' }).isDisabled(), true);
  });
  assert.ok(inked > 500, `the scan is drawn (${inked} dark pixels)`);
});

/** The corpus's level 1 imaging report with its PDF replaced by `fixtures/jpx-frame.pdf` (a
 *  one-page PDF whose only content is a JPEG 2000 image, /JPXDecode, 600×240: a black frame on
 *  white), written to a temporary folder: the corpus stays in ../shared. */
function jpxDocument() {
  const xml = readFileSync(levelOne, 'utf8');
  const pdf = readFileSync(resolve(ui, 'e2e/fixtures/jpx-frame.pdf')).toString('base64');
  const swapped = xml.replace(/(<text\b[^>]*representation="B64"[^>]*>)[^<]+(<\/text>)/, `$1${pdf}$2`);
  assert.notEqual(swapped, xml, 'the level 1 document has a base64 body');
  const file = join(mkdtempSync(join(tmpdir(), 'vigie-e2e-jpx-')), 'niveau-1-jpx.xml');
  writeFileSync(file, swapped);
  return file;
}

test('a JPEG 2000 image is drawn by the bundled decoder (no WebAssembly, nothing fetched elsewhere)', async () => {
  const inked = await inkOfFirstPage(jpxDocument(), 'pdf-viewer-jpx.png');
  // The frame is 600×240 px of the image, less its 440×80 px white hole, drawn 450×180 pt.
  assert.ok(inked > 20_000, `the JPEG 2000 frame is drawn (${inked} dark pixels)`);
});
