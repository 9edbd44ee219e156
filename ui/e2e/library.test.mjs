// End-to-end: the library pane against `vigie serve` on the French corpus, in headless
// Chromium: search, facets, chips, versions, the keyboard, and a list of 100,000 rows.
//
// Builds nothing: VIGIE_BIN is the built `vigie` binary (with the UI embedded: `make ui`
// before `cargo build`), VIGIE_CORPUS the folder to open (default ../shared/corpus/fr).
// Run with `npm run e2e`. Leaves a screenshot in test-results/library.png.

import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import { launchBrowser, results, startServer, ui } from './harness.mjs';

const corpus = resolve(ui, process.env.VIGIE_CORPUS ?? '../../shared/corpus/fr');

/** @type {import('node:child_process').ChildProcess | undefined} */
let server;
/** @type {import('playwright-core').Browser | undefined} */
let browser;
let url = '';

before(async () => {
  ({ url, server } = await startServer(corpus, 30_000));
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  server?.kill('SIGTERM');
});

/** A page on the server, in French, collecting console errors. */
async function open() {
  assert.ok(browser);
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, locale: 'fr-FR' });
  const page = await context.newPage();
  /** @type {string[]} */
  const problems = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(error.message));
  return { context, page, problems };
}

/** The count line's text once it has settled on something matching `pattern`. */
async function countLine(/** @type {import('playwright-core').Page} */ page, /** @type {RegExp} */ pattern) {
  const line = page.getByTestId('count-line');
  await page.waitForFunction(
    ([source, flags]) => new RegExp(source, flags).test(document.querySelector('[data-testid=count-line]')?.textContent ?? ''),
    [pattern.source, pattern.flags],
  );
  return (await line.innerText()).trim();
}

/** The number of documents the count line announces. */
function shownCount(/** @type {string} */ line) {
  return Number(line.match(/^(\d+) documents?/)?.[1] ?? NaN);
}

/** The counts of a facet's values, in order. */
async function facetCounts(/** @type {import('playwright-core').Page} */ page, /** @type {string} */ facet) {
  return page.locator(`[data-facet=${facet}] .facet-count`).allInnerTexts();
}

test('search, a type facet, chips and their reset', async () => {
  const { context, page, problems } = await open();
  await page.goto(url);
  const all = await countLine(page, /^\d+ documents sur \d+/);
  const total = shownCount(all);
  assert.ok(total > 50, all);
  assert.match(all, /versions? antérieures? masquées?/);

  // The search narrows the rows down to the glycémie lab reports (among others).
  await page.getByRole('searchbox', { name: 'Rechercher dans les documents' }).fill('glyc');
  const searched = await countLine(page, new RegExp(`^(?!${total} )\\d+ documents? sur`));
  assert.ok(shownCount(searched) < total && shownCount(searched) > 0, searched);
  await page.locator('[role=option][title*="Glycemie-mole"]').waitFor();
  const glycemia = page.locator('[role=option][title*="Glycemie-mole"]');
  assert.match(await glycemia.innerText(), /CR d'examens biologiques/);
  assert.equal(await page.locator('[role=option]').count(), shownCount(searched));

  // Clearing the search brings every document back.
  await page.getByRole('searchbox').fill('');
  assert.equal(await countLine(page, new RegExp(`^${total} documents`)), all);

  // Ticking a type narrows the list, and the other facets count under it.
  const specialtiesBefore = await facetCounts(page, 'specialties');
  await page.locator('[data-facet=types] label', { hasText: "CR d'examens biologiques" }).getByRole('checkbox').check();
  const typed = await countLine(page, new RegExp(`^(?!${total} )\\d+ documents? sur`));
  assert.ok(shownCount(typed) < total, typed);
  await page.waitForFunction(
    (before) =>
      JSON.stringify([...document.querySelectorAll('[data-facet=specialties] .facet-count')].map((e) => e.textContent)) !==
      before,
    JSON.stringify(specialtiesBefore),
  );
  assert.notDeepEqual(await facetCounts(page, 'specialties'), specialtiesBefore);

  // The filter shows as a chip; "Tout effacer" removes it.
  const chips = page.getByRole('group', { name: 'Filtres actifs' });
  assert.match(await chips.innerText(), /Type de document\s*:\s*CR d'examens biologiques/);
  assert.match(await page.getByRole('button', { name: 'Filtres' }).innerText(), /1/);
  await page.getByRole('button', { name: 'Tout effacer' }).click();
  assert.equal(await countLine(page, new RegExp(`^${total} documents`)), all);
  assert.equal(await chips.count(), 0);
  assert.equal(await page.locator('[data-facet=types] input:checked').count(), 0);

  // A date preset narrows by date, and its chip says so.
  await page.getByRole('radio', { name: '5 dernières années' }).check();
  await countLine(page, new RegExp(`^(?!${total} )\\d+ documents? sur`));
  assert.match(await chips.innerText(), /Date du document\s*:\s*depuis le \d\d\/\d\d\/\d{4}/);
  await chips.getByRole('button', { name: /Retirer le filtre Date du document/ }).click();
  assert.equal(await countLine(page, new RegExp(`^${total} documents`)), all);

  // A range typed as a French reader writes it, day first, whatever the system's locale.
  const since = page.getByRole('textbox', { name: 'Du' });
  assert.equal(await since.getAttribute('placeholder'), 'jj/mm/aaaa');
  await since.fill('01/04/2021');
  await since.press('Enter');
  await countLine(page, new RegExp(`^(?!${total} )\\d+ documents? sur`));
  assert.match(await chips.innerText(), /Date du document\s*:\s*depuis le 01\/04\/2021/);
  assert.equal(await since.inputValue(), '01/04/2021');
  // A day that does not exist is refused and said so; the filter in force stays.
  const until = page.getByRole('textbox', { name: 'Au' });
  await until.fill('31/02/2022');
  await until.press('Enter');
  assert.equal(await until.getAttribute('aria-invalid'), 'true');
  await page.getByRole('alert').filter({ hasText: 'Date non reconnue' }).waitFor();
  assert.match(await chips.innerText(), /depuis le 01\/04\/2021/);
  assert.doesNotMatch(await chips.innerText(), /2022/);
  // « Tout effacer » clears the refused text and its alert with the filters.
  await page.getByRole('button', { name: 'Tout effacer' }).click();
  assert.equal(await countLine(page, new RegExp(`^${total} documents`)), all);
  assert.equal(await since.inputValue(), '');
  assert.equal(await until.inputValue(), '');
  assert.notEqual(await until.getAttribute('aria-invalid'), 'true');
  assert.equal(await page.getByRole('alert').filter({ hasText: 'Date non reconnue' }).count(), 0);

  assert.deepEqual(problems, []);
  await context.close();
});

test('versions: the latest only by default, with the number of earlier ones', async () => {
  const { context, page, problems } = await open();
  await page.goto(url);
  await countLine(page, /^\d+ documents sur/);

  await page.getByRole('searchbox').fill('Niv3');
  const latest = await countLine(page, /^2 documents sur \d+ · 1 version antérieure masquée/);
  const v2 = page.locator('[role=option][title*="SEGUR_CR_Bio_CDA_Niv3_v2"]');
  await v2.waitFor();
  assert.match(await v2.innerText(), /\+2 versions/);

  await page.getByRole('checkbox', { name: 'Versions antérieures' }).check();
  const every = await countLine(page, /^3 documents sur/);
  assert.ok(shownCount(every) > shownCount(latest));
  await page.waitForFunction(() => document.querySelectorAll('[role=option]').length === 3);
  assert.match(await page.locator('[role=option][title*="Remplacement-ORU__CR_Bio_CDA_Niv3_v2"]').innerText(), /Remplacé/);

  assert.deepEqual(problems, []);
  await context.close();
});

test('the keyboard moves through the list and Enter opens a document', async () => {
  const { context, page, problems } = await open();
  await page.goto(url);
  await page.locator('.header-card').waitFor();

  await page.getByRole('searchbox').fill('glyc');
  await countLine(page, /^7 documents sur/);
  // From the search box, ArrowDown goes to the list; the cursor moves without opening.
  await page.getByRole('searchbox').press('ArrowDown');
  const listbox = page.getByRole('listbox');
  assert.equal(await listbox.evaluate((e) => e === document.activeElement), true);
  await page.keyboard.press('ArrowDown');
  const second = page.locator('[role=option][aria-posinset="2"]');
  assert.equal(await second.getAttribute('aria-selected'), 'true');
  assert.equal(await listbox.getAttribute('aria-activedescendant'), await second.getAttribute('id'));
  assert.equal(await second.getAttribute('aria-current'), null);

  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelector('[role=option][aria-posinset="2"]')?.getAttribute('aria-current') === 'true');
  const header = page.locator('.header-card');
  await header.waitFor();
  const day = (await second.locator('.lib-day').innerText()).trim();
  const type = (await second.locator('.lib-type').innerText()).trim();
  await page.waitForFunction(
    (d) => document.querySelector('.header-card')?.textContent?.includes(d) ?? false,
    day,
  );
  assert.equal((await page.getByTestId('document-type').innerText()).trim(), type);

  mkdirSync(results, { recursive: true });
  await page.screenshot({ path: resolve(results, 'library.png') });
  assert.deepEqual(problems, []);
  await context.close();
});

test('a library of 100,000 documents: only the rows in view are in the page, fetched by pages', async () => {
  const { context, page, problems } = await open();
  const size = 100_000;
  /** @type {number[]} */
  const limits = [];
  // The server answers from the real corpus; this test swaps in a synthetic library.
  await page.route('**/api/library', async (route) => {
    const query = route.request().postDataJSON();
    limits.push(query.limit ?? Infinity);
    const offset = query.offset ?? 0;
    const count = Math.max(0, Math.min(query.limit ?? size, size - offset));
    const rows = Array.from({ length: count }, (_, i) => {
      const n = offset + i;
      return {
        id: n,
        source: { name: `doc-${n}.xml` },
        size: 1000,
        kind: 'clinical-document',
        body: n % 10 === 0 ? 'pdf' : 'structured',
        date_display: `01/01/2020 ${String(n % 24).padStart(2, '0')}:00`,
        type_code: { code: '11502-2', label: "CR d'examens biologiques" },
        title: `Document numéro ${n + 1}`,
        authors: [{ name: 'Dr Synthèse', specialty: { code: 'SM', label: 'Médecin, Biologie médicale (SM)' }, profession: { code: '10', label: 'Médecin' } }],
        attachments: 0,
        errors: 0,
      };
    });
    const facets = { types: [], classes: [], specialties: [], authors: [], organizations: [], patients: [], bodies: [] };
    await route.fulfill({
      contentType: 'application/json',
      body: JSON.stringify({ total: size, library_size: size, hidden_versions: 0, rows, facets }),
    });
  });
  await page.goto(url);
  await countLine(page, /^100000 documents sur 100000/);
  const options = page.locator('[role=option]');
  const inDom = await options.count();
  assert.ok(inDom > 5 && inDom < 60, `${inDom} rows in the DOM`);

  // End jumps to the last row; it is fetched and shown, the DOM stays small.
  await page.getByRole('listbox').focus();
  await page.keyboard.press('End');
  const last = page.locator(`[role=option][aria-posinset="${size}"]`);
  await page.waitForFunction((n) => document.querySelector(`[role=option][aria-posinset="${n}"]`)?.textContent?.includes(`numéro ${n}`), size);
  assert.equal(await last.getAttribute('aria-selected'), 'true');
  assert.equal(await last.getAttribute('aria-setsize'), String(size));
  assert.ok((await options.count()) < 60);

  // Scrolling to the middle shows the rows there.
  await page.getByRole('listbox').evaluate((list) => (list.scrollTop = list.scrollHeight / 2));
  await page.waitForFunction(() => document.querySelector('[role=option][aria-posinset="50001"]')?.textContent?.includes('numéro 50001'));
  assert.ok((await options.count()) < 60);
  assert.ok(Math.max(...limits) <= 200, `asked for ${Math.max(...limits)} rows at once`);
  assert.ok(limits.length < 20, `${limits.length} requests`);

  assert.deepEqual(problems, []);
  await context.close();
});
