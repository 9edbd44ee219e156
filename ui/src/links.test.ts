import { describe, expect, it } from 'vitest';

import { MAX_LINK_LENGTH, externalLink } from './links';

describe('links that leave the app', () => {
  it('open web and mail links as a browser reads them', () => {
    expect(externalLink('https://esante.gouv.fr/')).toEqual({ ok: true, url: 'https://esante.gouv.fr/', kind: 'web' });
    expect(externalLink('HTTP://Example.ORG/a b?q=1#x')).toEqual({ ok: true, url: 'http://example.org/a%20b?q=1#x', kind: 'web' });
    expect(externalLink('https://bücher.example/')).toMatchObject({ ok: true, url: 'https://xn--bcher-kva.example/' });
    expect(externalLink('mailto:secretariat@hopital.example?subject=Compte%20rendu&CC=a@b.example')).toMatchObject({
      ok: true,
      kind: 'mail',
    });
  });

  it('refuse every other scheme', () => {
    for (const href of ['javascript:alert(1)', ' JaVa\tScRiPt:alert(1)', 'file:///etc/passwd', 'data:text/html,<b>x</b>', 'ftp://example.org/']) {
      expect(externalLink(href)).toMatchObject({ ok: false, reason: 'scheme' });
    }
    expect(externalLink('javascript:alert(1)')).toMatchObject({ detail: 'javascript:' });
  });

  it('refuse relative links and links without a site', () => {
    for (const href of ['page.html', '/etc/passwd', '//example.org/', '#n-1', '', 'http://']) {
      expect(externalLink(href)).toMatchObject({ ok: false, reason: 'relative' });
    }
  });

  it('refuse a user name or password before the site', () => {
    expect(externalLink('https://www.ameli.fr@example.org/')).toMatchObject({ ok: false, reason: 'credentials' });
    expect(externalLink('https://user:secret@example.org/')).toMatchObject({ ok: false, reason: 'credentials' });
  });

  it('refuse mail links asking for more than to, cc, bcc, subject and body', () => {
    expect(externalLink('mailto:a@b.example?attach=/home/me/.ssh/id_rsa')).toMatchObject({
      ok: false,
      reason: 'mail-field',
      detail: 'attach',
    });
  });

  it('refuse overlong links, as written or once normalised, and show them shortened', () => {
    const long = `https://example.org/${'a'.repeat(MAX_LINK_LENGTH)}`;
    const refused = externalLink(long);
    expect(refused).toMatchObject({ ok: false, reason: 'length' });
    expect(refused.url.length).toBe(MAX_LINK_LENGTH + 1);
    const spaces = `https://example.org/${' x'.repeat(900)}`;
    expect(spaces.length).toBeLessThanOrEqual(MAX_LINK_LENGTH);
    expect(externalLink(spaces)).toMatchObject({ ok: false, reason: 'length' });
  });

  it('refuse whitespace left in a mail link', () => {
    expect(externalLink('mailto:a b@example.org')).toMatchObject({ ok: false, reason: 'spaces' });
  });
});
