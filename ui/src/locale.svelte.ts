// The current language, shared by every component. Reading `i18n.t(...)` in a template
// re-renders it when the language changes.

import { initialLocale, translate, translatePlural, type Key, type Locale, type Params, type PluralKey } from './i18n';

const STORAGE_KEY = 'vigie.locale';

function saved(): string | null {
  try {
    return globalThis.localStorage?.getItem(STORAGE_KEY) ?? null;
  } catch {
    return null;
  }
}

let current = $state<Locale>(initialLocale(saved()));

export const i18n = {
  get locale(): Locale {
    return current;
  },
  set locale(locale: Locale) {
    current = locale;
    try {
      globalThis.localStorage?.setItem(STORAGE_KEY, locale);
    } catch {
      // Storage refused (private mode): the choice lasts for this page only.
    }
    if (typeof document !== 'undefined') document.documentElement.lang = locale;
  },
  t(key: Key, params?: Params): string {
    return translate(current, key, params);
  },
  plural(key: PluralKey, count: number, params?: Params): string {
    return translatePlural(current, key, count, params);
  },
};
