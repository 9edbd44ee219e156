// What every end-to-end test needs: `vigie serve` started on a file or folder (its library
// cache in a temporary folder, never the real home), and Debian's Chromium, headless.

import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
/** The `ui/` folder. */
export const ui = resolve(here, '..');
/** The `vigie` binary under test (`VIGIE_BIN`, else the debug build). */
export const bin = process.env.VIGIE_BIN ? resolve(ui, process.env.VIGIE_BIN) : resolve(ui, '../target/debug/vigie');
/** Where screenshots go. */
export const results = resolve(ui, 'test-results');

/** The ANS kit in `../shared`. */
export const kitDir = resolve(ui, '../../shared/ans-kit');

/** A document of `../shared/corpus/fr`. */
export function corpusFile(/** @type {string} */ name) {
  return resolve(ui, '../../shared/corpus/fr', name);
}

/**
 * Starts `vigie serve PATH --port 0 [ARGS...]` and resolves with the URL it prints and the process.
 * @param {string} path
 * @param {number} timeoutMs
 * @param {string[]} args more arguments (`--kit DIR`...)
 * @returns {Promise<{ url: string, server: import('node:child_process').ChildProcess }>}
 */
export function startServer(path, timeoutMs = 15_000, args = []) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(bin, ['serve', path, '--port', '0', ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, XDG_DATA_HOME: mkdtempSync(join(tmpdir(), 'vigie-e2e-')) },
    });
    let output = '';
    const timer = setTimeout(
      () => reject(new Error(`vigie serve printed no URL in ${timeoutMs / 1000} s:\n${output}`)),
      timeoutMs,
    );
    const read = (/** @type {Buffer} */ chunk) => {
      output += chunk.toString();
      const match = output.match(/Listening on (http:\/\/127\.0\.0\.1:\d+\/)/);
      if (match?.[1]) {
        clearTimeout(timer);
        resolvePromise({ url: match[1], server: child });
      }
    };
    child.stdout?.on('data', read);
    child.stderr?.on('data', read);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`cannot start ${bin} (set VIGIE_BIN): ${error.message}`));
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`vigie serve exited with ${code}:\n${output}`));
    });
  });
}

/** Debian's Chromium (`CHROMIUM` to point elsewhere), headless, offline-minded. */
export function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
