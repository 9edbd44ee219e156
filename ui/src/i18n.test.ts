import { describe, expect, it } from 'vitest';

import { LOCALES, MESSAGES, OPTIONAL_KEYS, initialLocale, translate, translatePlural, type Key } from './i18n';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('messages', () => {
  const keys = Object.keys(MESSAGES.fr) as Key[];

  it('every key has a text in every language', () => {
    for (const locale of LOCALES) {
      expect(Object.keys(MESSAGES[locale]).sort()).toEqual([...keys].sort());
      for (const key of keys) {
        if (OPTIONAL_KEYS.has(key)) continue;
        expect(MESSAGES[locale][key].trim(), `${locale} ${key}`).not.toBe('');
      }
    }
  });

  it('every translation has the same placeholders as the French text', () => {
    for (const key of keys) {
      expect(placeholders(MESSAGES.en[key]), key).toEqual(placeholders(MESSAGES.fr[key]));
    }
  });

  it('plural keys come in pairs', () => {
    for (const key of keys) {
      if (key.endsWith('.one')) expect(keys, key).toContain(key.replace(/\.one$/, '.other'));
      if (key.endsWith('.other')) expect(keys, key).toContain(key.replace(/\.other$/, '.one'));
    }
  });
});

describe('translate', () => {
  it('fills placeholders and leaves unknown ones visible', () => {
    expect(translate('fr', 'patient.cog', { code: '51215' })).toBe('code COG 51215');
    expect(translate('en', 'patient.cog')).toBe('COG code {code}');
  });

  it('picks the plural form by the rules of the language', () => {
    expect(translatePlural('fr', 'list.errors', 0)).toBe('0 erreur');
    expect(translatePlural('en', 'list.errors', 0)).toBe('0 errors');
    expect(translatePlural('fr', 'list.errors', 1)).toBe('1 erreur');
    expect(translatePlural('fr', 'list.errors', 3)).toBe('3 erreurs');
  });

  it('starts in French unless English was chosen', () => {
    expect(initialLocale(null)).toBe('fr');
    expect(initialLocale('en')).toBe('en');
    expect(initialLocale('de')).toBe('fr');
  });
});
