import { describe, expect, it } from 'vitest';

import { guardNavigatorLanguage, usableLanguage } from './language-guard';

describe('usableLanguage', () => {
  it('keeps a language tag Intl accepts', () => {
    expect(usableLanguage('fr-FR', 'en-GB')).toBe('fr-FR');
    expect(usableLanguage('en', 'fr-FR')).toBe('en');
  });

  it('replaces the POSIX locale WebKitGTK reports under LANG=C, which made the UI fail to start', () => {
    expect(usableLanguage('C', 'fr-FR')).toBe('fr-FR');
    expect(usableLanguage('C.UTF-8', 'fr-FR')).toBe('fr-FR');
    expect(usableLanguage('', 'fr-FR')).toBe('fr-FR');
    expect(usableLanguage(undefined, 'fr-FR')).toBe('fr-FR');
  });
});

describe('guardNavigatorLanguage', () => {
  /** A navigator as WebKitGTK shows it under the given POSIX or BCP 47 languages. */
  const browser = (...tags: string[]) => ({ language: tags[0], languages: tags }) as Pick<Navigator, 'language' | 'languages'>;

  it('lets a library build a number format from navigator.language under LANG=C', () => {
    const nav = browser('C');
    expect(() => new Intl.NumberFormat(nav.language)).toThrow(RangeError);

    expect(guardNavigatorLanguage(nav, 'fr-FR')).toBe(true);
    expect(nav.language).toBe('fr-FR');
    expect(nav.languages).toEqual(['fr-FR']);
    expect(new Intl.NumberFormat(nav.language).format(1234.5)).toMatch(/1\s?234,5/);
  });

  it('keeps the usable languages of the list', () => {
    const nav = browser('C', 'en-GB');
    expect(guardNavigatorLanguage(nav, 'fr-FR')).toBe(true);
    expect(nav.languages).toEqual(['en-GB']);
  });

  it('leaves usable languages alone', () => {
    const nav = browser('en-GB', 'fr');
    expect(guardNavigatorLanguage(nav, 'fr-FR')).toBe(false);
    expect(nav.language).toBe('en-GB');
  });
});
