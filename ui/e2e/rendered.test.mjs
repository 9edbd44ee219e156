// End-to-end: the document as written, in its sandboxed iframe, in `vigie serve`, headless
// Chromium. Hostile documents written here — each payload would set `top.__pwned` (and the
// frame's own `__pwned`) if it ran — are opened one by one: their links clicked and their
// cells hovered, nothing runs, no request leaves for another origin, the app does not
// navigate, `</iframe><script>` reads as text, and the Sécurité panel lists what was
// neutralised with its line. Then a corpus lab report: its table reads in the frame, the
// frame as tall as the page, `#ID` links scroll, and the app's CSP is not violated.
//
// Builds nothing: VIGIE_BIN is the built `vigie` binary with the UI embedded (`make ui` then
// `cargo build`). Run with `npm run e2e`. Leaves screenshots in ../target/e2e/.

import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import { corpusFile, launchBrowser, startServer, ui } from './harness.mjs';

const shots = resolve(ui, '../target/e2e');
const folder = mkdtempSync(join(tmpdir(), 'vigie-hostile-'));

/** What a payload does when it runs: a flag in the app's window and in its own. */
const PWN = (/** @type {string} */ name) => `top.__pwned='${name}';window.__pwned='${name}'`;
const b64 = (/** @type {string} */ text) => Buffer.from(text, 'utf8').toString('base64');

/** A CDA document around `body` (a `<component>`'s content), its title `title`. */
function cda(/** @type {string} */ title, /** @type {string} */ body) {
  return `<?xml version="1.0" encoding="UTF-8"?>
<ClinicalDocument xmlns="urn:hl7-org:v3" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <typeId root="2.16.840.1.113883.1.3" extension="POCD_HD000040"/>
  <id root="1.2.250.1.999.1" extension="hostile"/>
  <code code="11488-4" codeSystem="2.16.840.1.113883.6.1" displayName="Note de consultation"/>
  <title>${title}</title>
  <effectiveTime value="20240102103000+0100"/>
  <confidentialityCode code="N" codeSystem="2.16.840.1.113883.5.25"/>
  <recordTarget><patientRole><id root="1.2.250.1.999.2" extension="42"/>
    <patient><name><family qualifier="BR">TEST</family><given>Alice</given></name></patient></patientRole></recordTarget>
  <component>
${body}
  </component>
</ClinicalDocument>
`;
}

/** A structured body of one section whose narrative is `text` and entries `entries`. */
const section = (/** @type {string} */ text, entries = '') => `    <structuredBody><component><section>
      <title>Section piégée</title>
      <text>
${text}
      </text>
${entries}
    </section></component></structuredBody>`;

/** An observationMedia `ID` of `mediaType` holding `value` (a `<reference>` or base64). */
const media = (/** @type {string} */ id, /** @type {string} */ mediaType, /** @type {string} */ value) =>
  `      <entry><observationMedia classCode="OBS" moodCode="EVN" ID="${id}">
        <value xsi:type="ED" mediaType="${mediaType}"${value.startsWith('<') ? `>${value}` : ` representation="B64">${value}`}</value>
      </observationMedia></entry>`;

const SVG = `<svg xmlns="http://www.w3.org/2000/svg" onload="${PWN('svg-onload')}"><script>${PWN('svg-script')}</script><rect width="10" height="10"/></svg>`;

/**
 * The hostile documents: each its name, its XML, and the codes of the security report it
 * must show (at least these; one item per code listed).
 * @type {{ name: string, xml: string, codes: string[], text?: RegExp }[]}
 */
const HOSTILE = [
  {
    name: 'javascript-link',
    xml: cda(
      'Lien javascript',
      section(`<paragraph>Voir <linkHtml href="javascript:${PWN('js-link')}">le résultat</linkHtml> ou
        <linkHtml href=" JaVa&#9;ScRiPt:${PWN('js-link-2')}">l'autre</linkHtml>.</paragraph>`),
    ),
    codes: ['unsafe-link', 'unsafe-link'],
    text: /Voir le résultat/,
  },
  {
    name: 'javascript-body-reference',
    xml: cda(
      'Corps non XML : référence javascript',
      `    <nonXMLBody><text mediaType="application/pdf"><reference value="javascript:${PWN('body-ref')}"/></text></nonXMLBody>`,
    ),
    codes: ['unsafe-reference'],
  },
  {
    name: 'onmouseover-td',
    xml: cda(
      'Gestionnaire d’événement',
      section(`<table border="1"><tbody><tr>
          <td onmouseover="${PWN('td')}" style="background:url(http://tracker.example/bg.png)">cellule piégée</td>
          <td colspan="2&quot; onclick=&quot;${PWN('td-click')}" align="center">cellule saine</td>
        </tr></tbody></table>`),
    ),
    codes: ['event-handler', 'inline-style', 'bad-attribute-value'],
    text: /cellule piégée/,
  },
  {
    name: 'stylecode-breakout',
    xml: cda(
      'styleCode',
      section(`<paragraph><content styleCode='x" onmouseover="${PWN('stylecode')}" data-x="'>texte stylé</content>
        <content styleCode="Bold xRowGroup">gras</content></paragraph>`),
    ),
    codes: ['bad-style-code'],
    text: /texte stylé/,
  },
  {
    name: 'external-image',
    xml: cda(
      'Image externe',
      section(
        `<paragraph>Image : <renderMultiMedia referencedObject="MM1"/></paragraph>`,
        media('MM1', 'image/png', '<reference value="http://tracker.example/pixel.png"/>'),
      ),
    ),
    codes: ['external-reference'],
  },
  {
    name: 'svg-script',
    xml: cda(
      'SVG avec script',
      section(
        `<paragraph>Schéma : <renderMultiMedia referencedObject="MM2"/></paragraph>`,
        media('MM2', 'image/svg+xml', b64(SVG)),
      ),
    ),
    codes: ['active-media'],
  },
  {
    name: 'html-body',
    xml: cda(
      'Corps text/html',
      `    <nonXMLBody><text mediaType="text/html" representation="B64">${b64(
        `<html><body><script>${PWN('html-body')}</script><img src="http://tracker.example/p.png" onerror="${PWN('html-img')}"></body></html>`,
      )}</text></nonXMLBody>`,
    ),
    codes: ['active-body'],
  },
  {
    name: 'data-html-link',
    xml: cda(
      'Lien data',
      section(
        `<paragraph><linkHtml href="data:text/html;base64,${b64(`<script>${PWN('data-link')}</script>`)}">ouvrir</linkHtml></paragraph>`,
      ),
    ),
    codes: ['unsafe-link'],
    text: /ouvrir/,
  },
  {
    name: 'script-text',
    xml: cda(
      'Script en texte',
      section(`<paragraph>&lt;/iframe&gt;&lt;script&gt;${PWN('text')}&lt;/script&gt; fin</paragraph>
        <paragraph><![CDATA[</iframe><script>${PWN('cdata')}</script>]]> encore</paragraph>
        <paragraph>avant <script>${PWN('element')}</script> <iframe src="http://tracker.example/frame">cadre</iframe> après</paragraph>`),
    ),
    codes: ['unknown-element'],
    text: /<\/iframe><script>top\.__pwned='text';window\.__pwned='text'<\/script> fin/,
  },
  {
    name: 'external-link',
    xml: cda(
      'Lien externe',
      section(`<paragraph>Voir <linkHtml href="http://tracker.example/page">le site</linkHtml>.</paragraph>`),
    ),
    codes: [],
    text: /le site ⟨http:\/\/tracker\.example\/page⟩/,
  },
];

/** @type {import('playwright-core').Browser | undefined} */
let browser;
/** Every server started, stopped at the end whatever happened. */
/** @type {import('node:child_process').ChildProcess[]} */
const servers = [];

before(async () => {
  for (const { name, xml } of HOSTILE) writeFileSync(join(folder, `${name}.xml`), xml);
  browser = await launchBrowser();
  mkdirSync(shots, { recursive: true });
});

after(async () => {
  await browser?.close();
  for (const server of servers) server.kill('SIGTERM');
});

/**
 * `vigie serve FILE` and a page on it: every request recorded (those to another origin
 * refused before they leave), console and page errors, the app's CSP violations.
 * @param {string} file
 */
async function open(file, locale = 'fr-FR') {
  assert.ok(browser);
  const { url, server } = await startServer(file);
  servers.push(server);
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, locale });
  await context.addInitScript(() => {
    /** @type {string[]} */
    const violations = [];
    Object.assign(window, { __violations: violations });
    document.addEventListener('securitypolicyviolation', (e) => violations.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  const origin = new URL(url).origin;
  /** @type {string[]} */
  const foreign = [];
  await context.route('**/*', (route) => {
    const target = route.request().url();
    // A route settled after its page closed rejects: nothing to report then.
    if (target.startsWith(origin) || target.startsWith('data:') || target.startsWith('about:')) {
      return route.continue().catch(() => {});
    }
    foreign.push(target);
    return route.abort().catch(() => {});
  });
  const page = await context.newPage();
  page.on('request', (request) => {
    const target = request.url();
    if (!target.startsWith(origin) && !target.startsWith('data:') && !target.startsWith('about:')) foreign.push(target);
  });
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
  await frame.waitForLoadState('load');
  await frame.locator('body').waitFor();
  const close = async () => {
    await context.close();
    server.kill('SIGTERM');
  };
  return { page, frame, foreign, problems, url, context, close };
}

/** The payload flags, in the app's window and in the frame's. */
async function flags(
  /** @type {import('playwright-core').Page} */ page,
  /** @type {import('playwright-core').Frame} */ frame,
) {
  return {
    page: await page.evaluate(() => /** @type {any} */ (window).__pwned ?? null),
    frame: await page.evaluate(
      () => /** @type {any} */ (document.querySelector('[data-testid=rendered]'))?.contentWindow?.__pwned ?? null,
    ),
    frameUrl: frame.url(),
  };
}

for (const hostile of HOSTILE) {
  test(`hostile document ${hostile.name}: nothing runs, nothing leaves, the Sécurité panel lists it`, async () => {
    const { page, frame, foreign, url, context, close } = await open(join(folder, `${hostile.name}.xml`));
    try {
      const body = frame.locator('body');
      if (hostile.text) assert.match(await body.innerText(), hostile.text);

      // Every link clicked, every cell and span hovered: nothing may run or navigate.
      for (const link of await frame.locator('a').all()) await link.click({ timeout: 2000 }).catch(() => {});
      for (const cell of await frame.locator('td, span, p').all()) await cell.hover({ timeout: 2000 }).catch(() => {});
      await page.waitForTimeout(300);

      assert.deepEqual(await flags(page, frame), { page: null, frame: null, frameUrl: 'about:srcdoc' });
      assert.equal(page.url(), url, 'the app did not navigate');
      assert.equal(context.pages().length, 1, 'no window was opened');
      assert.deepEqual(foreign, [], 'no request left for another origin');

      // The frame can run nothing: sandboxed, scripts not allowed.
      assert.equal(await page.getByTestId('rendered').getAttribute('sandbox'), 'allow-same-origin');

      const panel = page.getByTestId('security');
      if (hostile.codes.length === 0) {
        assert.equal(await panel.count(), 0, 'nothing neutralised, no panel');
        return;
      }
      await panel.locator('summary').click();
      const items = panel.getByTestId('security-item');
      const codes = await items.evaluateAll((all) => all.map((li) => li.getAttribute('data-code')));
      for (const code of hostile.codes) assert.ok(codes.includes(code), `${code} listed in ${codes}`);
      assert.ok(codes.length >= hostile.codes.length);
      assert.match(await panel.locator('summary').innerText(), /Sécurité\s+\d+ éléments? neutralisés?/);
      // Each item says where: a line of the section's text or the body (line 12 on).
      for (const text of await items.locator('.position').allInnerTexts()) assert.match(text, /^ligne (1[2-9]|2\d):\d+$/);
      await page.screenshot({ path: resolve(shots, `rendered-${hostile.name}.png`), fullPage: false });
    } finally {
      await close();
    }
  });
}

test('the text </iframe><script> reads as text in the frame, in French and English panels', async () => {
  const { page, frame, close } = await open(join(folder, 'script-text.xml'));
  try {
    await page.getByRole('button', { name: 'EN', exact: true }).click();
    assert.match(await frame.locator('body').innerText(), /<\/iframe><script>top\.__pwned/);
    assert.equal(await frame.locator('script, iframe').count(), 0);
    await page.getByTestId('security').locator('summary').click();
    assert.match(await page.getByTestId('security').innerText(), /Security\s+\d+ items? neutralised/);
    assert.match(await page.getByTestId('security').innerText(), /Unknown element shown as text/);
  } finally {
    await close();
  }
});

test('a corpus lab report reads in the frame: its table, its height, its #ID links', async () => {
  const { page, frame, foreign, problems, close } = await open(
    corpusFile('TestContenuCDA-3-0__ExemplesCDA__BIO-CR-BIO_2024.01_TSH_1.xml'),
  );
  try {
    const cell = frame.locator('td', { hasText: 'Thyréostimuline (TSH)' }).first();
    await cell.waitFor();
    assert.ok(await cell.isVisible());
    assert.match(await frame.locator('body').innerText(), /1\.950 mUI\/l/);

    // The frame is as tall as its page: the view scrolls, not the frame.
    const iframe = page.getByTestId('rendered');
    await page.waitForFunction(() => {
      const f = /** @type {HTMLIFrameElement | null} */ (document.querySelector('[data-testid=rendered]'));
      const body = f?.contentDocument?.body;
      return !!f && !!body && Math.abs(f.getBoundingClientRect().height - body.getBoundingClientRect().height) < 4;
    });
    const box = await iframe.boundingBox();
    assert.ok(box && box.height > 600, `the frame is ${box?.height}px tall`);

    // The header card is the app's, above the frame; the page has none of its own. Nor a list
    // of attachments: the app's, below the frame, has the actions; the placeholder where the
    // narrative shows the PDF copy stays.
    assert.equal(await frame.locator('.vg-card').count(), 0);
    assert.equal(await frame.locator('.vg-attachments').count(), 0);
    assert.match(await frame.locator('.cda-media .vg-placeholder').innerText(), /application\/pdf/);
    assert.equal(await page.locator('.attachments-card tbody tr').count(), 1);
    // A table-of-contents link scrolls the view to its section.
    const pane = page.locator('.doc-pane');
    const before = await pane.evaluate((e) => e.scrollTop);
    const last = frame.locator('.vg-toc a').last();
    const anchor = ((await last.getAttribute('href')) ?? '').slice(1);
    await last.click();
    await page.waitForFunction((b) => (document.querySelector('.doc-pane')?.scrollTop ?? 0) > b + 50, before);
    const heading = frame.locator(`[id="${anchor}"]`);
    const headingBox = await heading.boundingBox();
    assert.ok(headingBox && headingBox.y >= 0 && headingBox.y < 900, `section ${anchor} in view at ${headingBox?.y}`);
    assert.equal(frame.url(), 'about:srcdoc');
    // Only the view scrolled: the app's layout (bars, library) did not move.
    assert.deepEqual(
      await page.evaluate(() => [document.scrollingElement?.scrollTop, document.querySelector('.main')?.scrollTop ?? 0]),
      [0, 0],
    );
    await page.waitForTimeout(600);
    await page.screenshot({ path: resolve(shots, 'rendered-lab-report-section.png') });

    assert.equal(await page.getByTestId('security').count(), 0, 'nothing neutralised in this report');
    assert.deepEqual(foreign, []);
    const violations = await page.evaluate(() => /** @type {any} */ (window).__violations);
    assert.deepEqual(violations, [], 'the srcdoc frame and its inline CSS run within the app’s CSP');
    assert.deepEqual(problems, []);
    // The top of the rendered page, under the app's cards.
    await page.getByTestId('rendered').evaluate((e) => e.scrollIntoView({ block: 'start' }));
    await page.screenshot({ path: resolve(shots, 'rendered-lab-report.png') });

    // The page's own words follow the app's language: asked again in English.
    assert.equal(await frame.locator('.vg-toc h2').innerText(), 'Sommaire');
    await page.getByRole('button', { name: 'EN', exact: true }).click();
    await page.waitForFunction(() => {
      const f = /** @type {HTMLIFrameElement | null} */ (document.querySelector('[data-testid=rendered]'));
      return f?.contentDocument?.documentElement?.lang === 'en';
    });
    const english = page.frameLocator('[data-testid=rendered]');
    assert.equal(await english.locator('.vg-toc h2').innerText(), 'Contents');
    assert.match(await english.locator('.cda-media .vg-placeholder').innerText(), /see attachment no\. 1/);
    assert.match(await english.locator('body').innerText(), /Thyréostimuline \(TSH\)/);
    await page.getByRole('button', { name: 'FR', exact: true }).click();
    await page.waitForFunction(() => {
      const f = /** @type {HTMLIFrameElement | null} */ (document.querySelector('[data-testid=rendered]'));
      return f?.contentDocument?.documentElement?.lang === 'fr';
    });
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});

test('a finding opened side by side flashes its section in the frame', async () => {
  const { page, frame, problems, close } = await open(resolve(ui, 'e2e/fixtures/problems.xml'));
  try {
    await page.getByTestId('view-split').click();
    await page.getByTestId('problems-toggle').click();
    // The dangling reference is in an entry of the second section, far down the file.
    await page.getByTestId('problems').locator('[data-rule="narrative.reference"] .issue-open').click();
    const flashed = frame.locator('section[data-flash]');
    await flashed.waitFor();
    assert.match(await flashed.locator('h2').innerText(), /Fonction rénale et glycémie/);
    // Scrolled smoothly into the middle of the view.
    await page.waitForFunction(() => {
      const f = document.querySelector('[data-testid=rendered]');
      const section = /** @type {HTMLIFrameElement | null} */ (f)?.contentDocument?.querySelector('section[data-flash]');
      if (!f || !section) return false;
      const top = f.getBoundingClientRect().top + section.getBoundingClientRect().top;
      return top > 0 && top < 700;
    });
    assert.deepEqual(await page.evaluate(() => document.scrollingElement?.scrollTop), 0, 'the app did not shift');
    await page.screenshot({ path: resolve(shots, 'rendered-flash.png') });
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});
