// First: libraries read navigator.language when they load (see language-guard.ts).
import './language-guard';

import { mount } from 'svelte';

import App from './App.svelte';
import { i18n } from './locale.svelte';
import './app.css';

document.documentElement.lang = i18n.locale;

const target = document.getElementById('app');
if (!target) throw new Error('index.html has no #app element');

/** Errors nothing caught, kept for the desktop smoke test and shown if the UI never drew. */
const uncaught: string[] = [];
(globalThis as { __vigieErrors?: string[] }).__vigieErrors = uncaught;

/** When the UI could not draw itself, says so in the window instead of leaving it blank. */
function report(error: unknown) {
  const text = error instanceof Error ? `${error.message}\n${error.stack ?? ''}` : String(error);
  uncaught.push(text);
  if (target && target.childElementCount === 0) {
    const message = document.createElement('pre');
    message.className = 'startup-error';
    message.textContent = `${i18n.t('app.startupError')}\n\n${text}`;
    target.append(message);
  }
}
window.addEventListener('error', (event) => report(event.error ?? event.message));
window.addEventListener('unhandledrejection', (event) => report(event.reason));

let app: ReturnType<typeof mount> | undefined;
try {
  app = mount(App, { target });
} catch (error) {
  report(error);
}
export default app;
