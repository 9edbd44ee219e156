// End-to-end: a document's web and mail links in `vigie serve`, headless Chromium. The
// rendered frame follows none of them; a click asks first — a dialog showing the whole URL,
// Cancel focused. Cancel and Esc open nothing and give the focus back to the link; “Open”
// calls `window.open(url, '_blank', 'noopener,noreferrer')` (stubbed here: nothing is
// really opened) and nothing else; a link hiding a user name before its site is refused with
// why. `#ID` links still scroll the document. No request leaves for another origin.
//
// Builds nothing: VIGIE_BIN is the built `vigie` binary with the UI embedded (`make ui` then
// `cargo build`). Leaves screenshots in ../target/e2e/.

import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import { launchBrowser, startServer, ui } from './harness.mjs';

const shots = resolve(ui, '../target/e2e');
const WEB = 'https://esante.gouv.fr/produits-services/ci-sis?onglet=volets#contenu';
const MAIL = 'mailto:secretariat@hopital.example?subject=Compte%20rendu';
const DISGUISED = 'https://www.ameli.fr@tracker.example/connexion';

/** A note whose narrative links to a website, a mail address, a disguised site and a place
 *  further down the document. */
const DOCUMENT = `<?xml version="1.0" encoding="UTF-8"?>
<ClinicalDocument xmlns="urn:hl7-org:v3">
  <typeId root="2.16.840.1.113883.1.3" extension="POCD_HD000040"/>
  <id root="1.2.250.1.999.1" extension="liens"/>
  <code code="11488-4" codeSystem="2.16.840.1.113883.6.1" displayName="Note de consultation"/>
  <title>Liens du document</title>
  <effectiveTime value="20240102103000+0100"/>
  <confidentialityCode code="N" codeSystem="2.16.840.1.113883.5.25"/>
  <recordTarget><patientRole><id root="1.2.250.1.999.2" extension="42"/>
    <patient><name><family qualifier="BR">TEST</family><given>Alice</given></name></patient></patientRole></recordTarget>
  <component><structuredBody><component><section>
    <title>Références</title>
    <text>
      <paragraph>Voir <linkHtml href="${WEB.replace(/&/g, '&amp;')}">le référentiel</linkHtml>.</paragraph>
      <paragraph>Écrire <linkHtml href="${MAIL}">au secrétariat</linkHtml>.</paragraph>
      <paragraph>Se connecter <linkHtml href="${DISGUISED}">à l’Assurance maladie</linkHtml>.</paragraph>
      <paragraph>Aller <linkHtml href="#suite">à la suite</linkHtml>.</paragraph>
      ${Array.from({ length: 60 }, (_, i) => `<paragraph>Ligne de remplissage ${i + 1}.</paragraph>`).join('\n      ')}
      <paragraph ID="suite">La suite du document.</paragraph>
    </text>
  </section></component></structuredBody></component>
</ClinicalDocument>
`;

/** @type {import('playwright-core').Browser | undefined} */
let browser;
/** @type {import('node:child_process').ChildProcess | undefined} */
let server;
let url = '';

before(async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'vigie-e2e-links-')), 'liens.xml');
  writeFileSync(file, DOCUMENT);
  const started = await startServer(file);
  url = started.url;
  server = started.server;
  browser = await launchBrowser();
  mkdirSync(shots, { recursive: true });
});

after(async () => {
  await browser?.close();
  server?.kill('SIGTERM');
});

test('a web or mail link opens only after a click and a confirmation showing its URL', async () => {
  assert.ok(browser);
  const context = await browser.newContext({ viewport: { width: 1400, height: 800 }, locale: 'fr-FR' });
  await context.addInitScript(() => {
    /** @type {unknown[][]} */
    const opened = [];
    /** @type {string[]} */
    const violations = [];
    Object.assign(window, { __opened: opened, __violations: violations });
    // Nothing is really opened: the call is recorded.
    window.open = (...args) => {
      opened.push(args);
      return null;
    };
    document.addEventListener('securitypolicyviolation', (e) => violations.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  const origin = new URL(url).origin;
  /** @type {string[]} */
  const foreign = [];
  await context.route('**/*', (route) => {
    const target = route.request().url();
    if (target.startsWith(origin) || target.startsWith('data:') || target.startsWith('about:')) {
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
  const iframe = page.getByTestId('rendered');
  await iframe.waitFor();
  const frame = await (await iframe.elementHandle())?.contentFrame();
  assert.ok(frame, 'the rendered page is in a frame');
  await frame.locator('a.cda-external').first().waitFor();

  const opened = () => page.evaluate(() => /** @type {any} */ (window).__opened);
  const dialog = page.getByTestId('external-dialog');
  // The dialog gives the focus back from its `close` event, a task after it is hidden: wait
  // for it rather than read it at once (read at once, it raced on a loaded CI machine).
  // (Polled from here: `waitForFunction` would run a script in the frame, which has none.)
  /** @param {string} text */
  const focusBackOn = async (text) => {
    let focused = '';
    for (let tries = 0; tries < 50; tries += 1) {
      focused = await frame.evaluate(() => document.activeElement?.textContent ?? '');
      if (focused === text) return;
      await new Promise((done) => setTimeout(done, 100));
    }
    assert.equal(focused, text, 'the focus went back to the link');
  };
  const web = frame.locator('a.cda-external', { hasText: 'le référentiel' });

  // A click: the dialog, the whole URL, Cancel focused. Nothing opened yet.
  await web.click();
  await dialog.waitFor();
  assert.equal(await dialog.locator('h2').innerText(), 'Ouvrir ce lien hors de Vigie ?');
  assert.equal(await dialog.getByTestId('external-url').innerText(), WEB);
  assert.match(await dialog.innerText(), /s’ouvrira dans votre navigateur/);
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'external-cancel');
  assert.deepEqual(await opened(), []);
  await page.screenshot({ path: resolve(shots, 'external-link-dialog.png') });

  // Cancel: nothing opened, the focus back on the link.
  await dialog.getByTestId('external-cancel').click();
  await dialog.waitFor({ state: 'hidden' });
  assert.deepEqual(await opened(), []);
  await focusBackOn('le référentiel');

  // From the keyboard: Enter on the link asks, Esc cancels.
  await web.focus();
  await page.keyboard.press('Enter');
  await dialog.waitFor();
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'hidden' });
  assert.deepEqual(await opened(), []);
  await focusBackOn('le référentiel');

  // A middle click or Ctrl+click asks too, and opens no tab by itself.
  /** @type {Parameters<import('playwright-core').Locator['click']>[0][]} */
  const clicks = [{ button: 'middle' }, { modifiers: ['Control'] }];
  for (const how of clicks) {
    await web.click(how);
    await dialog.waitFor();
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
  }
  assert.equal(context.pages().length, 1, 'no tab was opened');
  assert.deepEqual(await opened(), []);

  // Confirmed: a new tab without opener or referrer, and only that.
  await web.click();
  await dialog.getByTestId('external-open').click();
  await dialog.waitFor({ state: 'hidden' });
  assert.deepEqual(await opened(), [[WEB, '_blank', 'noopener,noreferrer']]);

  // A mail link says so; cancelled, nothing more is opened.
  await frame.locator('a.cda-external', { hasText: 'au secrétariat' }).click();
  await dialog.waitFor();
  assert.equal(await dialog.getByTestId('external-url').innerText(), MAIL);
  assert.match(await dialog.innerText(), /s’ouvrira dans votre messagerie/);
  assert.equal(await dialog.getByTestId('external-open').innerText(), 'Ouvrir la messagerie');
  await dialog.getByTestId('external-cancel').click();
  await dialog.waitFor({ state: 'hidden' });

  // A user name before the site: refused, with why, and no way to open it.
  await frame.locator('a.cda-external', { hasText: 'à l’Assurance maladie' }).click();
  await dialog.waitFor();
  assert.equal(await dialog.locator('h2').innerText(), 'Vigie n’ouvre pas ce lien');
  assert.equal(await dialog.getByTestId('external-refused').getAttribute('data-reason'), 'credentials');
  assert.equal(await dialog.getByTestId('external-url').innerText(), DISGUISED);
  assert.equal(await dialog.getByTestId('external-open').count(), 0);
  await page.screenshot({ path: resolve(shots, 'external-link-refused.png') });
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'hidden' });
  assert.equal(await opened().then((calls) => calls.length), 1, 'still only the confirmed link');

  // An #ID link scrolls the document, asks nothing.
  const pane = page.locator('.doc-pane');
  const top = await pane.evaluate((e) => e.scrollTop);
  await frame.locator('a', { hasText: 'à la suite' }).click();
  await page.waitForFunction((b) => (document.querySelector('.doc-pane')?.scrollTop ?? 0) > b + 50, top);
  assert.equal(await dialog.isVisible(), false);

  // In English.
  await page.getByRole('button', { name: 'EN', exact: true }).click();
  await web.click();
  await dialog.waitFor();
  assert.equal(await dialog.locator('h2').innerText(), 'Open this link outside Vigie?');
  assert.equal(await dialog.getByTestId('external-open').innerText(), 'Open in the browser');
  await dialog.getByTestId('external-cancel').click();
  await dialog.waitFor({ state: 'hidden' });

  assert.equal(context.pages().length, 1, 'no window was opened');
  assert.equal(page.url(), url, 'the app did not navigate');
  assert.equal(frame.url(), 'about:srcdoc', 'the frame did not navigate');
  assert.deepEqual(foreign, [], 'no request left for another origin');
  assert.deepEqual(await page.evaluate(() => /** @type {any} */ (window).__violations), []);
  assert.deepEqual(problems, []);
  await context.close();
});
