// End-to-end: a bare PDF file (not a CDA document) in `vigie serve`, headless Chromium. It
// shows in the app's PDF viewer as a level 1 body does: its first page drawn with ink, its
// words in the text layer, its page count. The PDF is the one the corpus's level 1 imaging
// report carries, taken out of it at run time into a temporary folder: nothing derived from
// the corpus is kept. Nothing leaves for another origin, nothing is logged as an error.
//
// Builds nothing: VIGIE_BIN is the built `vigie` binary with the UI embedded (`make ui` then
// `cargo build`). Leaves screenshots in ../target/e2e/.

import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import { corpusFile, launchBrowser, startServer, ui } from './harness.mjs';

/** The level 1 report whose PDF has real text (pdf-viewer.test.mjs shows it as a body). */
const levelOne = corpusFile('TestContenuCDA-3-0__ExemplesCDA__IMG_CR_IMG_2024.01_CDA-R2-Niveau-1.xml');
/** A word of that PDF. */
const WORD = 'praesentium';
const shots = resolve(ui, '../target/e2e');

/** @type {import('playwright-core').Browser | undefined} */
let browser;
/** @type {import('node:child_process').ChildProcess | undefined} */
let server;
let url = '';

/** The level 1 report's PDF, decoded from its base64 body, written as a `.pdf` file. */
function barePdf() {
  const xml = readFileSync(levelOne, 'utf8');
  const base64 = xml.match(/<text\b[^>]*representation="B64"[^>]*>([^<]+)<\/text>/)?.[1];
  assert.ok(base64, 'the level 1 document has a base64 body');
  const bytes = Buffer.from(base64.replace(/\s+/g, ''), 'base64');
  assert.equal(bytes.subarray(0, 5).toString('latin1'), '%PDF-');
  const file = join(mkdtempSync(join(tmpdir(), 'vigie-e2e-pdf-')), 'compte-rendu.pdf');
  writeFileSync(file, bytes);
  return file;
}

before(async () => {
  const started = await startServer(barePdf());
  url = started.url;
  server = started.server;
  browser = await launchBrowser();
  mkdirSync(shots, { recursive: true });
});

after(async () => {
  await browser?.close();
  server?.kill('SIGTERM');
});

test('a bare PDF file shows its pages in the app’s viewer', async () => {
  assert.ok(browser);
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 }, locale: 'fr-FR' });
  const origin = new URL(url).origin;
  /** @type {string[]} */
  const foreign = [];
  context.on('request', (request) => {
    const target = request.url();
    if (!target.startsWith(origin) && !target.startsWith('blob:') && !target.startsWith('data:')) foreign.push(target);
  });
  const page = await context.newPage();
  /** @type {string[]} */
  const problems = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(error.message));
  await page.goto(url);

  // What the file is, then its pages.
  const article = page.locator('article.document');
  await article.locator('.eyebrow', { hasText: 'PDF' }).waitFor();
  assert.match(await article.innerText(), /Ce fichier est un PDF, pas un document CDA/);
  const viewer = page.getByTestId('pdf-viewer');
  const first = viewer.getByTestId('pdf-page-1');
  await first.locator('canvas').waitFor({ timeout: 20_000 });
  assert.equal(await viewer.getAttribute('aria-label'), 'Document PDF');
  assert.match(await viewer.getByTestId('pdf-count').innerText(), /^sur [1-9]\d*$/);
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
  await first.locator('.textLayer span', { hasText: WORD }).first().waitFor();
  await viewer.screenshot({ path: resolve(shots, 'bare-pdf.png') });

  assert.deepEqual(problems, [], 'nothing logged as an error while showing it');

  // The file is served as a PDF; the document has no XML source (the 422 is logged).
  const answers = await page.evaluate(async () => {
    const file = await fetch('/api/documents/0/file');
    const source = await fetch('/api/documents/0/source');
    return { file: [file.status, file.headers.get('content-type')], source: source.status };
  });
  assert.deepEqual(answers, { file: [200, 'application/pdf'], source: 422 });

  assert.deepEqual(foreign, []);
  await context.close();
});
