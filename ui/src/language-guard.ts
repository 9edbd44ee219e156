// The browser's language as libraries read it, made usable before any of them loads.
//
// uPlot (and other libraries) build `new Intl.NumberFormat(navigator.language)` when their
// module is evaluated. WebKitGTK passes the POSIX locale through: under `LANG=C` (CI
// machines, minimal containers, some terminals) `navigator.language` is "C", which Intl
// refuses with a RangeError, and the whole UI failed to start — a blank window. Imported
// first by `main.ts`, this module replaces a language tag Intl cannot use with one it can.

/** `tag` when Intl accepts it, else `fallback`. */
export function usableLanguage(tag: string | undefined | null, fallback: string): string {
  if (!tag) return fallback;
  try {
    return Intl.getCanonicalLocales(tag).length > 0 ? tag : fallback;
  } catch {
    return fallback;
  }
}

type Languages = Pick<Navigator, 'language' | 'languages'>;

/** Makes `target.language` and `target.languages` usable by Intl; says whether it had to. */
export function guardNavigatorLanguage(
  target: Languages | undefined = globalThis.navigator,
  fallback = 'fr-FR',
): boolean {
  if (!target) return false;
  const given = target.languages ?? [];
  const language = usableLanguage(target.language, fallback);
  const languages = given.filter((tag) => usableLanguage(tag, '') !== '');
  if (language === target.language && languages.length === given.length) return false;
  try {
    Object.defineProperty(target, 'language', { configurable: true, get: () => language });
    const list = Object.freeze(languages.length > 0 ? languages : [language]);
    Object.defineProperty(target, 'languages', { configurable: true, get: () => list });
    return true;
  } catch {
    return false;
  }
}

guardNavigatorLanguage();
