// Smoke test of the real desktop app: the release binary, its embedded UI, WebKitGTK.
//
// Starts tauri-driver (which starts WebKitWebDriver), asks it for a session that launches
// `target/release/vigie-app tests/desktop/cr-bio.xml`, and checks, in the running app:
//   - the document's header card shows its type, and the patient card the patient's name;
//   - the Content-Security-Policy of tauri.conf.json is in force (no inline script, no eval,
//     no request to another origin);
//   - the commands work (`list_documents`), and no path can come from the page: `add_paths`
//     (removed) and the dialog plugin's `open` (the app shows its dialogs itself) are refused,
//     as is any other command outside capabilities/default.json;
//   - `open_files` shows the app's own Open dialog and waits for the person without holding
//     the session (checked by the dialog's title too when `xwininfo`, from x11-utils, is here);
// then saves a screenshot to `target/desktop-smoke.png`. A second session launches the app on
// a note with a web link (written to a temporary folder) and on a level 1 (PDF-only) report of
// the corpus, opens each from the library, and clicks through:
//   - the link, clicked inside the rendered page's sandboxed frame (WebDriver in the frame: a
//     real click, where WebKit runs none of the app's listeners, RenderedDocument.svelte): the
//     app's confirmation shows the whole URL, and Cancel closes it with nothing followed (no
//     `open_external`, the frame still shows the note); clicked again, it asks again;
//     screenshot of the confirmation: `target/desktop-smoke-link.png`; an `#ID` link of the
//     page (its table of contents) scrolls the view, asks nothing, and leaves the note there;
//   - the PDF in the app's own viewer (pdf.js in WebKitGTK): the first page drawn on a canvas,
//     its words in the text layer, the zoom buttons changing the page's width;
// then saves `target/desktop-smoke-pdf.png` and closes everything. Talks plain
// WebDriver over HTTP with `fetch` (no client library). Every step has a time limit, and so
// has the whole run.
//
// Run it under a display: `make desktop-test` (xvfb-run -a node tests/desktop/smoke.mjs).
// Environment: VIGIE_APP (the binary), TAURI_DRIVER, WEBKIT_DRIVER (the drivers' paths).
//
// What it looks for in the UI (ui/src/components; keep these test ids when changing them):
//   [data-testid="header-card"]   the document's header card (the class .header-card is
//                                 accepted while the test id is missing);
//   [data-testid="document-type"] the document type's label, inside the header card;
//   [data-testid="patient-name"]  the patient's name, on the patient card;
//   .lib-row[title="<file name>"] a document's row in the library;
//   [data-testid="rendered"]      the rendered page's frame, its links `a.cda-external`;
//   [data-testid="external-dialog"], [data-testid="external-url"], [data-testid="external-cancel"]
//                                 the confirmation before a link leaves the app.

import { execFileSync, spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const APP = process.env.VIGIE_APP ?? join(ROOT, 'target/release/vigie-app');
const DOCUMENT = join(ROOT, 'tests/desktop/cr-bio.xml');
const SCREENSHOT = join(ROOT, 'target/desktop-smoke.png');
const DRIVER_LOG = join(ROOT, 'target/desktop-smoke-driver.log');
const EXPECTED = { type: /biolog/i, patient: /marchand/i };
const PDF_SCREENSHOT = join(ROOT, 'target/desktop-smoke-pdf.png');
/** A level 1 imaging report whose PDF has real text, and a word of it (ui/e2e/pdf-viewer). */
const LEVEL_ONE = resolve(ROOT, '../shared/corpus/fr/TestContenuCDA-3-0__ExemplesCDA__IMG_CR_IMG_2024.01_CDA-R2-Niveau-1.xml');
const PDF_WORD = 'praesentium';
const LINK_SCREENSHOT = join(ROOT, 'target/desktop-smoke-link.png');
/** The web link of the note, as written and as the confirmation shows it (already normalised). */
const WEB_LINK = 'https://example.org/vigie/reference?onglet=volets&page=2#contenu';
const LINK_TEXT = 'le référentiel';
/** The note's second section, far below its link: its entry in the table of contents is an
 *  `#ID` link. */
const SECOND_SECTION = 'Suite';
/** A note whose narrative links to a website (as ui/e2e/external-links.test.mjs builds one). */
const LINK_NOTE = `<?xml version="1.0" encoding="UTF-8"?>
<ClinicalDocument xmlns="urn:hl7-org:v3">
  <typeId root="2.16.840.1.113883.1.3" extension="POCD_HD000040"/>
  <id root="1.2.250.1.999.1" extension="smoke-liens"/>
  <code code="11488-4" codeSystem="2.16.840.1.113883.6.1" displayName="Note de consultation"/>
  <title>Liens du document</title>
  <effectiveTime value="20240102103000+0100"/>
  <confidentialityCode code="N" codeSystem="2.16.840.1.113883.5.25"/>
  <recordTarget><patientRole><id root="1.2.250.1.999.2" extension="42"/>
    <patient><name><family qualifier="BR">TEST</family><given>Alice</given></name></patient></patientRole></recordTarget>
  <component><structuredBody><component><section>
    <title>Références</title>
    <text>
      <paragraph>Voir <linkHtml href="${WEB_LINK.replace(/&/g, '&amp;')}">${LINK_TEXT}</linkHtml>.</paragraph>
      ${Array.from({ length: 60 }, (_, i) => `<paragraph>Ligne de remplissage ${i + 1}.</paragraph>`).join('\n      ')}
    </text>
  </section></component><component><section>
    <title>${SECOND_SECTION}</title>
    <text><paragraph>La suite du document.</paragraph></text>
  </section></component></structuredBody></component>
</ClinicalDocument>
`;
const WHOLE_RUN_MS = 300_000;
const DRIVER_START_MS = 20_000;
const SESSION_START_MS = 60_000;
const UI_READY_MS = 60_000;
const REQUEST_MS = 30_000;

/** Finds an executable: the environment variable, then the PATH, then the extra folders. */
function findExecutable(envName, name, extraDirs = []) {
  if (process.env[envName]) return process.env[envName];
  const dirs = [...(process.env.PATH ?? '').split(delimiter), ...extraDirs];
  return dirs.filter(Boolean).map((dir) => join(dir, name)).find((path) => existsSync(path)) ?? null;
}

/** A TCP port nobody listens on right now. */
function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

const sleep = (ms) => new Promise((done) => setTimeout(done, ms));

/** The key of an element reference in WebDriver's JSON. */
const ELEMENT_KEY = 'element-6066-11e4-a52e-4f735466cecf';

class WebDriver {
  constructor(port) {
    this.base = `http://127.0.0.1:${port}`;
    this.session = null;
  }

  /** One WebDriver command; throws with the driver's own message on an error. */
  async command(method, path, body, timeoutMs = REQUEST_MS) {
    let response, text;
    try {
      response = await fetch(this.base + path, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
      text = await response.text();
    } catch (error) {
      const why = error.name === 'TimeoutError' ? `no answer within ${timeoutMs / 1000} s` : error.message;
      throw new Error(`${method} ${path}: ${why}`);
    }
    let json;
    try {
      json = JSON.parse(text);
    } catch {
      throw new Error(`${method} ${path}: HTTP ${response.status}, not JSON: ${text.slice(0, 300)}`);
    }
    if (!response.ok || json?.value?.error) {
      const { error, message } = json?.value ?? {};
      const failure = new Error(`${method} ${path}: ${error ?? response.status}: ${message ?? text.slice(0, 300)}`);
      failure.webdriverError = error;
      throw failure;
    }
    return json.value;
  }

  async waitUntilReady(timeoutMs) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        await this.command('GET', '/status', undefined, 2_000);
        return;
      } catch (error) {
        if (Date.now() > deadline) throw new Error(`tauri-driver did not answer within ${timeoutMs} ms: ${error.message}`);
        await sleep(250);
      }
    }
  }

  async start(application, args) {
    const capabilities = { alwaysMatch: { 'tauri:options': { application, args } } };
    const value = await this.command('POST', '/session', { capabilities }, SESSION_START_MS);
    this.session = value.sessionId;
  }

  /** The first element matching a CSS selector, or null. */
  async find(selector) {
    try {
      const value = await this.command('POST', `/session/${this.session}/element`, { using: 'css selector', value: selector });
      return value[ELEMENT_KEY] ?? Object.values(value)[0];
    } catch (error) {
      if (error.webdriverError === 'no such element') return null;
      throw error;
    }
  }

  async click(element) {
    await this.command('POST', `/session/${this.session}/element/${element}/click`, {});
  }

  /** Commands go to the page of this frame element from now on; `null`: the app's page. */
  async switchToFrame(element) {
    const id = element === null ? null : { [ELEMENT_KEY]: element };
    await this.command('POST', `/session/${this.session}/frame`, { id });
  }

  /** The first link whose text is `text` (the "link text" strategy), or null. */
  async findLink(text) {
    try {
      const value = await this.command('POST', `/session/${this.session}/element`, { using: 'link text', value: text });
      return value[ELEMENT_KEY] ?? Object.values(value)[0];
    } catch (error) {
      if (error.webdriverError === 'no such element') return null;
      throw error;
    }
  }

  async text(element) {
    return this.command('GET', `/session/${this.session}/element/${element}/text`);
  }

  async execute(script) {
    return this.command('POST', `/session/${this.session}/execute/sync`, { script, args: [] });
  }

  /** Runs `script` as an async function body; it ends by calling `done(value)`. */
  async executeAsync(script) {
    const body = `const done = arguments[arguments.length - 1]; ${script}`;
    return this.command('POST', `/session/${this.session}/execute/async`, { script: body, args: [] });
  }

  async screenshot() {
    return Buffer.from(await this.command('GET', `/session/${this.session}/screenshot`), 'base64');
  }

  async stop() {
    if (this.session === null) return;
    const session = this.session;
    this.session = null;
    await this.command('DELETE', `/session/${session}`, undefined, 15_000);
  }
}

/** Polls until one of the selectors matches; returns [selector, element]. */
async function waitForAny(driver, selectors, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const selector of selectors) {
      const element = await driver.find(selector);
      if (element) return [selector, element];
    }
    if (Date.now() > deadline) {
      const body = await driver.execute('return document.body ? document.body.innerText : "(no body)"').catch((e) => `(unreadable: ${e.message})`);
      const html = await driver.execute('return document.documentElement.outerHTML').catch((e) => `(unreadable: ${e.message})`);
      // Why the UI did not start: load its entry module again and report what it throws.
      const entry = await driver
        .executeAsync(
          `const script = document.querySelector('script[type="module"]');
           if (!script) return done('no module script');
           import(script.src).then(() => done('the entry module loads without error'), (e) => done(String(e) + '\\n' + (e && e.stack)));`,
        )
        .catch((e) => `(cannot load: ${e.message})`);
      const errors = await driver.execute('return window.__vigieErrors === undefined ? "(the entry module never ran)" : window.__vigieErrors.join("\\n---\\n")').catch((e) => `(unreadable: ${e.message})`);
      const shot = await driver.screenshot().catch(() => null);
      if (shot) writeFileSync(SCREENSHOT, shot);
      throw new Error(
        `none of ${selectors.join(', ')} appeared within ${timeoutMs} ms; the page says:\n${String(body).slice(0, 1500)}\n` +
          `its HTML:\n${String(html).slice(0, 3000)}\nits entry module: ${String(entry).slice(0, 1500)}\nuncaught errors: ${String(errors).slice(0, 3000) || '(none)'}\n${shot ? `screenshot: ${SCREENSHOT}` : ''}`,
      );
    }
    await sleep(300);
  }
}

function check(what, text, pattern) {
  const clean = text.replace(/\s+/g, ' ').trim();
  if (!pattern.test(clean)) throw new Error(`${what}: expected ${pattern}, found "${clean}"`);
  console.log(`ok - ${what}: "${clean}"`);
}

/**
 * The webview's Content-Security-Policy (tauri.conf.json) is in force: an injected inline
 * script does not run, `eval` is refused, and a request to another origin is refused before
 * it leaves (a loopback port nothing listens on, so nothing is reached either way; the
 * `securitypolicyviolation` events tell a refusal by the policy from a failed connection).
 */
async function checkContentSecurityPolicy(driver) {
  const result = await driver.executeAsync(`
    const violations = [];
    document.addEventListener('securitypolicyviolation', (e) => violations.push(e.effectiveDirective));
    const script = document.createElement('script');
    script.textContent = 'window.__vigieInlineRan = true';
    document.head.appendChild(script);
    let evalRan = false;
    try { evalRan = (0, eval)('true'); } catch (error) { /* refused */ }
    fetch('http://127.0.0.1:9/vigie-smoke').catch(() => {}).finally(() =>
      setTimeout(() => done({ inline: window.__vigieInlineRan === true, evalRan, violations }), 300));
  `);
  const refused = (prefix) => result.violations.some((directive) => directive.startsWith(prefix));
  if (result.inline || !refused('script-src')) throw new Error(`an injected inline script was not refused: ${JSON.stringify(result)}`);
  if (result.evalRan) throw new Error(`eval ran: ${JSON.stringify(result)}`);
  if (!refused('connect-src')) throw new Error(`a request to another origin was not refused by the CSP: ${JSON.stringify(result)}`);
  console.log(`ok - content security policy refused: ${[...new Set(result.violations)].join(', ')}`);
}

/**
 * The webview reaches the session through Vigie's commands (`list_documents`), may listen to
 * file drops and to what the app added from one, and may do nothing it was not granted
 * (capabilities/default.json). Above all it cannot name a file to read: `add_paths` is gone,
 * and the dialog plugin's `open`, which would hand it the chosen paths, is refused (the app
 * shows its Open dialog itself, `open_files`). `set_title` of the window plugin is a harmless
 * example of anything else. Each call has a time limit, so that a dialog wrongly allowed to
 * open fails the test instead of hanging it.
 */
async function checkCommands(driver) {
  const result = await driver.executeAsync(`
    const invoke = window.__TAURI_INTERNALS__.invoke;
    const late = (ms) => new Promise((resolve) => setTimeout(() => resolve({ timeout: true }), ms));
    const outcome = (promise) =>
      Promise.race([promise.then((value) => ({ ok: value }), (error) => ({ error: String(error) })), late(5000)]);
    const listen = (event) => outcome(invoke('plugin:event|listen', {
      event,
      target: { kind: 'Webview', label: 'main' },
      handler: window.__TAURI_INTERNALS__.transformCallback(() => {}),
    }));
    (async () => ({
      addPaths: await outcome(invoke('add_paths', { paths: ${JSON.stringify([ROOT, homedir()])} })),
      dialogOpen: await outcome(invoke('plugin:dialog|open', { options: { multiple: true, directory: false } })),
      list: await outcome(invoke('list_documents')),
      dropListener: await listen('tauri://drag-drop'),
      addedListener: await listen('documents-added'),
      setTitle: await outcome(invoke('plugin:window|set_title', { label: 'main', value: 'pwned' })),
    }))().then(done);
  `);
  const refused = (what, answer) => {
    if (!answer.error) throw new Error(`${what} was not refused: ${JSON.stringify(answer)}`);
    console.log(`ok - ${what} is refused: ${answer.error.slice(0, 120)}`);
  };
  refused('add_paths (a path from the page)', result.addPaths);
  refused('the dialog plugin\'s open (paths handed to the page)', result.dialogOpen);
  const names = result.list.ok?.map((entry) => entry.name);
  if (JSON.stringify(names) !== JSON.stringify(['cr-bio.xml'])) throw new Error(`list_documents: ${JSON.stringify(result.list)}`);
  console.log(`ok - list_documents: ${JSON.stringify(names)} (nothing was added)`);
  if (typeof result.dropListener.ok !== 'number') throw new Error(`listening to drops: ${JSON.stringify(result.dropListener)}`);
  if (typeof result.addedListener.ok !== 'number') throw new Error(`listening to documents-added: ${JSON.stringify(result.addedListener)}`);
  console.log('ok - the webview may listen to file drops and to the documents they added');
  refused('a command outside the capabilities (window set_title)', result.setTitle);
}

/** The title `open_files` gives its dialog (src-tauri/src/commands.rs). */
const OPEN_DIALOG_TITLE = 'Ouvrir des documents';

/** Whether a top-level X window of this title exists; `null` when xwininfo is not installed. */
function xWindowTitled(title) {
  let tree;
  try {
    tree = execFileSync('xwininfo', ['-root', '-tree'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch (error) {
    if (error.code === 'ENOENT') return null;
    throw error;
  }
  return tree.includes(`"${title}"`);
}

/**
 * `open_files`, the only way the page has to add files, shows the app's own Open dialog and
 * waits for the person: it does not answer by itself, and the session is not held meanwhile
 * (`list_documents` still answers). Nothing can choose a file in the dialog under Xvfb; ending
 * the session closes the app, dialog included, so this check comes last.
 */
async function checkOpenDialog(driver) {
  const result = await driver.executeAsync(`
    const invoke = window.__TAURI_INTERNALS__.invoke;
    let open = 'waiting';
    invoke('open_files').then((value) => (open = { ok: value }), (error) => (open = { error: String(error) }));
    const late = new Promise((resolve) => setTimeout(() => resolve({ timeout: true }), 5000));
    setTimeout(() => Promise.race([
      invoke('list_documents').then((value) => ({ ok: value }), (error) => ({ error: String(error) })),
      late,
    ]).then((list) => done({ open, list })), 1500);
  `);
  if (result.open !== 'waiting') throw new Error(`open_files answered without anyone choosing: ${JSON.stringify(result.open)}`);
  const names = result.list.ok?.map((entry) => entry.name);
  if (JSON.stringify(names) !== JSON.stringify(['cr-bio.xml'])) throw new Error(`list_documents while the dialog is open: ${JSON.stringify(result.list)}`);
  console.log('ok - open_files waits for the person, and the session answers meanwhile');
  const deadline = Date.now() + 10_000;
  let shown = xWindowTitled(OPEN_DIALOG_TITLE);
  while (shown === false && Date.now() < deadline) {
    await sleep(300);
    shown = xWindowTitled(OPEN_DIALOG_TITLE);
  }
  if (shown === null) console.log('note - xwininfo (x11-utils) is missing: the dialog\'s window was not looked for');
  else if (!shown) throw new Error(`no window titled "${OPEN_DIALOG_TITLE}" appeared after open_files`);
  else console.log(`ok - the app's Open dialog is on screen: "${OPEN_DIALOG_TITLE}"`);
}

/** Shows a document of the session: its row in the library, clicked. */
async function openFromLibrary(driver, name) {
  const [, row] = await waitForAny(driver, [`.lib-row[title=${JSON.stringify(name)}]`], UI_READY_MS);
  await driver.click(row);
}

/** Waits until `script` (a function body run in the app's page) returns a truthy value. */
async function waitUntil(driver, what, script, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await driver.execute(script);
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await sleep(200);
  }
}

/**
 * The web link of the note, clicked inside the rendered page's frame as a person would (the
 * WebDriver click of an element of the frame: pointer events through WebKit, in which the
 * app's listeners do not run — RenderedDocument.svelte says how it hears the click anyway):
 * the app's confirmation shows the whole URL with Cancel focused, Cancel closes it, nothing is
 * opened (no `open_external`), the frame still shows the note; a second click asks again.
 */
async function checkExternalLink(driver) {
  const frameSelector = '[data-testid="rendered"]';
  const dialogOpen = 'document.querySelector(\'[data-testid="external-dialog"]\')?.open === true';
  const note = await waitUntil(
    driver,
    'the rendered note with its link',
    `const frame = document.querySelector('${frameSelector}');
     const doc = frame?.contentDocument;
     const link = doc?.querySelector('a.cda-external');
     return link && frame.style.height ? { url: doc.URL, text: link.textContent, height: frame.style.height } : null;`,
    UI_READY_MS,
  );
  if (note.text !== LINK_TEXT) throw new Error(`the note's link says "${note.text}"`);
  console.log(`ok - the note is rendered in its frame (${note.url}, sized to its page: ${note.height})`);
  // Every command the page sends from now on is recorded: none may open the link.
  await driver.execute(`
    const internals = window.__TAURI_INTERNALS__;
    if (!internals.__smokeCalls) {
      const invoke = internals.invoke.bind(internals);
      internals.__smokeCalls = [];
      internals.invoke = (command, ...rest) => (internals.__smokeCalls.push(command), invoke(command, ...rest));
    }`);
  const appUrl = await driver.execute('return location.href');

  for (const round of ['first', 'second']) {
    const frame = await driver.find(frameSelector);
    if (!frame) throw new Error('the rendered frame is gone');
    await driver.switchToFrame(frame);
    try {
      const link = await driver.find('a.cda-external');
      if (!link) throw new Error('no a.cda-external in the rendered frame');
      await driver.click(link);
    } finally {
      await driver.switchToFrame(null);
    }
    try {
      await waitUntil(driver, `the confirmation after the ${round} click on the link`, `return ${dialogOpen}`, 10_000);
    } catch (error) {
      const state = await driver.execute(`
        const doc = document.querySelector('${frameSelector}')?.contentDocument;
        return { frame: doc?.URL, links: [...(doc?.querySelectorAll('a') ?? [])].map((a) => a.getAttribute('href')) };`);
      throw new Error(`${error.message}; the frame: ${JSON.stringify(state)}`);
    }
    const shown = await driver.execute(`
      const dialog = document.querySelector('[data-testid="external-dialog"]');
      return {
        url: dialog.querySelector('[data-testid="external-url"]')?.textContent,
        focused: document.activeElement?.getAttribute('data-testid'),
      };`);
    if (shown.url !== WEB_LINK) throw new Error(`the confirmation shows ${JSON.stringify(shown.url)}, not ${WEB_LINK}`);
    if (shown.focused !== 'external-cancel') throw new Error(`the focus is on ${shown.focused}, not Cancel`);
    console.log(`ok - ${round} click on the link: the confirmation shows the whole URL, Cancel focused`);
    if (round === 'first') {
      await sleep(300);
      writeFileSync(LINK_SCREENSHOT, await driver.screenshot());
      console.log(`ok - screenshot: ${LINK_SCREENSHOT}`);
    }
    const cancel = await driver.find('[data-testid="external-dialog"] [data-testid="external-cancel"]');
    await driver.click(cancel);
    await waitUntil(driver, 'the confirmation closed by Cancel', `return !(${dialogOpen})`, 10_000);
    const after = await driver.execute(`
      const doc = document.querySelector('${frameSelector}')?.contentDocument;
      return {
        app: location.href,
        frame: doc?.URL,
        link: doc?.querySelector('a.cda-external')?.textContent,
        calls: window.__TAURI_INTERNALS__.__smokeCalls,
      };`);
    if (after.app !== appUrl) throw new Error(`the app's page moved to ${after.app}`);
    if (after.frame !== 'about:srcdoc' || after.link !== LINK_TEXT) throw new Error(`the frame no longer shows the note: ${JSON.stringify(after)}`);
    if (after.calls.includes('open_external')) throw new Error(`the link was opened: ${JSON.stringify(after.calls)}`);
    console.log(`ok - Cancel closed it: nothing opened (commands sent: ${JSON.stringify(after.calls)}), the frame still shows the note`);
  }

  // An `#ID` link (the table of contents' entry of the second section) scrolls the view to it,
  // asks nothing, and leaves the note in the frame (WebKit alone would load the app's page
  // there, the `#ID` read against the app's address).
  const paneTop = () => driver.execute('return document.querySelector(".doc-pane")?.scrollTop ?? -1');
  const before = await paneTop();
  const frame = await driver.find(frameSelector);
  await driver.switchToFrame(frame);
  try {
    const entry = await driver.findLink(SECOND_SECTION);
    if (!entry) throw new Error(`no link "${SECOND_SECTION}" in the rendered page's table of contents`);
    await driver.click(entry);
  } finally {
    await driver.switchToFrame(null);
  }
  const scrolled = await waitUntil(
    driver,
    `the view scrolled to "${SECOND_SECTION}"`,
    `const top = document.querySelector('.doc-pane')?.scrollTop ?? -1; return top > ${before} + 200 ? top : 0;`,
    10_000,
  );
  const state = await driver.execute(`
    const doc = document.querySelector('${frameSelector}')?.contentDocument;
    return { frame: doc?.URL, link: doc?.querySelector('a.cda-external')?.textContent, dialog: ${dialogOpen} };`);
  if (state.dialog) throw new Error('an #ID link asked to leave the app');
  if (state.frame !== 'about:srcdoc' || state.link !== LINK_TEXT) throw new Error(`after an #ID link, the frame no longer shows the note: ${JSON.stringify(state)}`);
  console.log(`ok - an #ID link scrolled the view (${before} → ${scrolled} px), asked nothing, and left the note in its frame`);
}

/** The level 1 report's PDF in the app's own viewer: drawn, its text selectable, zoomable. */
async function checkPdfViewer(driver) {
  const canvasSelector = '[data-testid="pdf-viewer"] [data-testid="pdf-page-1"] canvas';
  await waitForAny(driver, [canvasSelector], UI_READY_MS);
  const page = async () =>
    driver.execute(`
      const canvas = document.querySelector(${JSON.stringify(canvasSelector)});
      const page = canvas.closest('[data-testid="pdf-page-1"]');
      let inked = 0;
      try {
        const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
        for (let i = 0; i < data.length; i += 4 * 97) if (data[i] < 200 && data[i + 3] > 0) inked += 1;
      } catch (error) { inked = -1; }
      return { width: page.getBoundingClientRect().width, inked, text: page.querySelector('.textLayer')?.textContent ?? '' };
    `);
  let first = await page();
  const deadline = Date.now() + UI_READY_MS;
  while ((first.inked <= 0 || !first.text.includes(PDF_WORD)) && Date.now() < deadline) {
    await sleep(300);
    first = await page();
  }
  if (first.inked <= 0) throw new Error(`the PDF's first page was not drawn: ${JSON.stringify({ ...first, text: first.text.slice(0, 200) })}`);
  if (!first.text.includes(PDF_WORD)) throw new Error(`the text layer lacks "${PDF_WORD}": ${first.text.slice(0, 300)}`);
  console.log(`ok - the PDF's first page is drawn (${first.inked} inked samples) with its words in a text layer`);
  const zoomIn = await driver.find('[data-testid="pdf-viewer"] [data-testid="pdf-zoom-in"]');
  if (!zoomIn) throw new Error('the PDF viewer has no zoom-in button');
  await driver.click(zoomIn);
  let zoomed = await page();
  const zoomDeadline = Date.now() + 10_000;
  while (zoomed.width <= first.width + 2 && Date.now() < zoomDeadline) {
    await sleep(200);
    zoomed = await page();
  }
  if (zoomed.width <= first.width + 2) throw new Error(`zooming in left the page ${first.width}px → ${zoomed.width}px wide`);
  const fit = await driver.find('[data-testid="pdf-viewer"] [data-testid="pdf-fit"][aria-pressed="false"]');
  if (!fit) throw new Error('after zooming in, "fit the width" is still pressed');
  console.log(`ok - zoom in (from fitting the width): the page went from ${Math.round(first.width)} to ${Math.round(zoomed.width)} px wide`);
}

let driverProcess = null;

/** Ends tauri-driver and everything it started (WebKitWebDriver, the app): its own process group. */
function stopDriverProcess() {
  if (!driverProcess || driverProcess.exitCode !== null) return;
  try {
    process.kill(-driverProcess.pid, 'SIGTERM');
  } catch {
    // already gone
  }
  const group = driverProcess.pid;
  setTimeout(() => {
    try {
      process.kill(-group, 'SIGKILL');
    } catch {
      // already gone
    }
  }, 2_000).unref();
}

async function main() {
  if (!process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) throw new Error('no display: run under xvfb-run -a (make desktop-test)');
  if (!existsSync(APP)) throw new Error(`${APP} is missing: build it with \`make app\``);
  const cargoBin = join(process.env.CARGO_HOME ?? join(homedir(), '.cargo'), 'bin');
  const tauriDriver = findExecutable('TAURI_DRIVER', 'tauri-driver', [cargoBin]);
  if (!tauriDriver) throw new Error('tauri-driver not found: install it with `make setup`');
  const webkitDriver = findExecutable('WEBKIT_DRIVER', 'WebKitWebDriver', ['/usr/bin', '/usr/lib/webkit2gtk-4.1']);
  if (!webkitDriver) throw new Error('WebKitWebDriver not found: install webkit2gtk-driver (`make setup`)');

  const [port, nativePort] = [await freePort(), await freePort()];
  mkdirSync(dirname(DRIVER_LOG), { recursive: true });
  const log = createWriteStream(DRIVER_LOG);
  driverProcess = spawn(tauriDriver, ['--port', String(port), '--native-port', String(nativePort), '--native-driver', webkitDriver], {
    detached: true, // its own process group, so that stopping it stops the app too
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      // Xvfb has no GPU: render in software, without DMA-BUF.
      WEBKIT_DISABLE_DMABUF_RENDERER: '1',
      LIBGL_ALWAYS_SOFTWARE: '1',
      // The POSIX locale, as on CI machines: WebKitGTK then reports navigator.language as
      // "C", which Intl refuses; uPlot's module threw at load and the window stayed blank
      // (ui/src/language-guard.ts). Pinned here so the app is always tried under it.
      LANG: 'C.UTF-8',
      LC_ALL: 'C.UTF-8',
      // The app's data folder (library cache, recent folders) in a temporary folder, never
      // the real home.
      XDG_DATA_HOME: mkdtempSync(join(tmpdir(), 'vigie-desktop-')),
    },
  });
  driverProcess.stdout.pipe(log);
  driverProcess.stderr.pipe(log);

  const driver = new WebDriver(port);
  try {
    await driver.waitUntilReady(DRIVER_START_MS);
    console.log(`tauri-driver on :${port}, WebKitWebDriver on :${nativePort}`);
    await driver.start(APP, [DOCUMENT]);
    console.log(`session ${driver.session}: ${APP} ${DOCUMENT}`);

    const [cardSelector, card] = await waitForAny(driver, ['[data-testid="header-card"]', '.header-card'], UI_READY_MS);
    if (cardSelector !== '[data-testid="header-card"]') console.log('note - the header card has no data-testid="header-card" yet; found it by its class');
    const typeElement = await driver.find('[data-testid="header-card"] [data-testid="document-type"], .header-card [data-testid="document-type"]');
    check('document type', typeElement ? await driver.text(typeElement) : await driver.text(card), EXPECTED.type);
    const [, patient] = await waitForAny(driver, ['[data-testid="patient-name"]'], UI_READY_MS);
    check('patient name', await driver.text(patient), EXPECTED.patient);

    await checkContentSecurityPolicy(driver);
    await checkCommands(driver);

    await sleep(500); // let fonts and layout settle before the picture
    writeFileSync(SCREENSHOT, await driver.screenshot());
    console.log(`ok - screenshot: ${SCREENSHOT}`);
    await checkOpenDialog(driver);
    await driver.stop();

    if (!existsSync(LEVEL_ONE)) throw new Error(`${LEVEL_ONE} is missing: the corpus (../shared) is needed`);
    const linkNote = join(mkdtempSync(join(tmpdir(), 'vigie-desktop-note-')), 'vigie-smoke-liens.xml');
    writeFileSync(linkNote, LINK_NOTE);
    await driver.start(APP, [linkNote, LEVEL_ONE]);
    console.log(`session ${driver.session}: ${APP} ${linkNote} ${LEVEL_ONE.split('/').pop()}`);
    await openFromLibrary(driver, 'vigie-smoke-liens.xml');
    await checkExternalLink(driver);
    await openFromLibrary(driver, LEVEL_ONE.split('/').pop());
    await checkPdfViewer(driver);
    await sleep(500);
    writeFileSync(PDF_SCREENSHOT, await driver.screenshot());
    console.log(`ok - screenshot: ${PDF_SCREENSHOT}`);
  } finally {
    await driver.stop().catch((error) => console.log(`note - closing the session: ${error.message}`));
    stopDriverProcess();
    log.end();
  }
}

const watchdog = setTimeout(() => {
  console.error(`not ok - the desktop smoke test took more than ${WHOLE_RUN_MS / 1000} s`);
  stopDriverProcess();
  process.exit(1);
}, WHOLE_RUN_MS);

main().then(
  () => {
    clearTimeout(watchdog);
    console.log('desktop-smoke: 1 passed, 0 failed');
  },
  (error) => {
    clearTimeout(watchdog);
    console.error(`not ok - ${error.message}`);
    console.error(`(driver log: ${DRIVER_LOG})`);
    console.error('desktop-smoke: 0 passed, 1 failed');
    stopDriverProcess();
    process.exitCode = 1;
  },
);
