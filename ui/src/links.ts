// A link of the document that leads out of the app (`linkHtml` to a web page or a mail
// address), checked before the person is asked whether to open it.
//
// The rendered page marks such links (`a.cda-external`, src/render/narrative.rs) but its frame
// cannot follow them. The app shows the URL as a browser reads it (`new URL(href).href`: the
// site's name in punycode, spaces percent-encoded) and opens only what passes the same checks
// as the desktop app's `open_external` (src-tauri/src/external.rs), which checks again.

/** The longest link opened, in characters (`MAX_URL_LENGTH` in src-tauri/src/external.rs). */
export const MAX_LINK_LENGTH = 2048;

/** The fields a `mailto:` may carry: no `attach`, which some mail clients honour. */
const MAILTO_FIELDS = new Set(['to', 'cc', 'bcc', 'subject', 'body']);

/** Why a link is not opened. */
export type LinkRefusal = 'scheme' | 'relative' | 'credentials' | 'length' | 'mail-field' | 'spaces';

/** A link, checked: the URL to show (and open, when `ok`), its kind or why it is refused. */
export type ExternalLink =
  | { ok: true; url: string; kind: 'web' | 'mail' }
  | { ok: false; url: string; reason: LinkRefusal; detail?: string };

/** `href` as written, shortened for showing when it is far too long to open anyway. */
function shown(href: string): string {
  return href.length > MAX_LINK_LENGTH ? `${href.slice(0, MAX_LINK_LENGTH)}…` : href;
}

/** Checks a link's target: `http:`/`https:` with a site, or `mailto:` with only to, cc, bcc,
 *  subject and body; no user name or password; no whitespace or control character once
 *  normalised; at most {@link MAX_LINK_LENGTH} characters as written and once normalised. */
export function externalLink(href: string): ExternalLink {
  if (href.length > MAX_LINK_LENGTH) return { ok: false, url: shown(href), reason: 'length' };
  let url: URL;
  try {
    url = new URL(href);
  } catch {
    return { ok: false, url: href, reason: 'relative' };
  }
  const normalised = url.href;
  if (url.protocol === 'http:' || url.protocol === 'https:') {
    if (!url.hostname) return { ok: false, url: normalised, reason: 'relative' };
  } else if (url.protocol === 'mailto:') {
    for (const field of url.searchParams.keys()) {
      if (!MAILTO_FIELDS.has(field.toLowerCase())) return { ok: false, url: normalised, reason: 'mail-field', detail: field };
    }
  } else {
    return { ok: false, url: normalised, reason: 'scheme', detail: url.protocol };
  }
  if (url.username || url.password) return { ok: false, url: normalised, reason: 'credentials' };
  if (normalised.length > MAX_LINK_LENGTH) return { ok: false, url: shown(normalised), reason: 'length' };
  if (/[\s\u0000-\u001f\u007f-\u009f]/u.test(normalised)) return { ok: false, url: normalised, reason: 'spaces' };
  return { ok: true, url: normalised, kind: url.protocol === 'mailto:' ? 'mail' : 'web' };
}
