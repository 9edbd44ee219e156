// Turning model values into the words and numbers a person reads. Pure functions of their
// arguments (the locale is passed in), so that they are tested without a browser.

import { translate, type Locale } from './i18n';
import type {
  Address,
  Code,
  Identifier,
  Interval,
  Overview,
  PersonName,
  Report,
  Telecom,
  Timestamp,
} from './types';

/** What to show for a code: Vigie's label, else the document's displayName, else the original text, else the code. */
/** The HTML id the renderer gives a narrative element whose document reference is
 *  `reference` (`#res-1` → `n-res-1`; `src/render/html.rs`, `narrative_id`). */
export function narrativeId(reference: string): string {
  const id = Array.from(reference.trim().replace(/^#/, '').trim()).slice(0, 200);
  return 'n-' + id.map((c) => (/^[A-Za-z0-9_.:-]$/.test(c) ? c : '_')).join('');
}

export function codeText(code: Code | undefined, locale: Locale = 'fr'): string {
  if (!code) return '';
  const text = code.label ?? code.display_name ?? code.original_text ?? code.code;
  if (text) return text;
  return code.null_flavor ? translate(locale, 'nullFlavor', { flavor: code.null_flavor }) : '';
}

/** `code (system name)` for the code column of a table; empty without a code. */
export function codeReference(code: Code | undefined): string {
  if (!code?.code) return '';
  return code.code_system_name ? `${code.code} (${code.code_system_name})` : code.code;
}

/** An identifier as it is usually quoted: `extension (root)`, or the root alone. */
export function identifierText(id: Identifier | undefined): string {
  if (!id) return '';
  if (id.root && id.extension) return `${id.extension} (${id.root})`;
  return id.root ?? id.extension ?? id.null_flavor ?? '';
}

function parts(name: PersonName, kind: string): string[] {
  return name.parts.filter((p) => p.kind === kind).map((p) => p.value);
}

/** The birth name: the family part qualified BR, else the first unqualified family part. */
export function birthName(name: PersonName): string | undefined {
  const families = name.parts.filter((p) => p.kind === 'family');
  return (families.find((p) => p.qualifier === 'BR') ?? families.find((p) => !p.qualifier))?.value;
}

/** The used name: the family part qualified CL (nom utilisé), else SP (nom d'usage). */
export function usedName(name: PersonName): string | undefined {
  const families = name.parts.filter((p) => p.kind === 'family');
  return (families.find((p) => p.qualifier === 'CL') ?? families.find((p) => p.qualifier === 'SP'))?.value;
}

/** The used first name (CL), when the document gives one. */
export function usedGivenName(name: PersonName): string | undefined {
  return name.parts.find((p) => p.kind === 'given' && p.qualifier === 'CL')?.value;
}

/** The first name to address the person by: the used first name (CL), else the first birth
 *  first name (BR), else the first given part. */
export function addressedGivenName(name: PersonName): string | undefined {
  const given = name.parts.filter((p) => p.kind === 'given');
  return (given.find((p) => p.qualifier === 'CL') ?? given.find((p) => p.qualifier === 'BR') ?? given[0])?.value;
}

/** Given names in order, without duplicates (the first one is often repeated with qualifier BR). */
export function givenNames(name: PersonName): string[] {
  return [...new Set(parts(name, 'given').flatMap((g) => g.split(/\s+/).filter(Boolean)))];
}

/** The first given name at birth: the given part qualified BR. */
export function firstGivenName(name: PersonName): string | undefined {
  return name.parts.find((p) => p.kind === 'given' && p.qualifier === 'BR')?.value;
}

/** A readable name, as src/model/common.rs `PersonName::display` writes it: prefix, the
 *  first name used, used name in capitals, "(né·e BIRTH)" when the birth name differs. */
export function personName(name: PersonName | undefined, locale: Locale = 'fr'): string {
  if (!name) return '';
  const words: string[] = [...parts(name, 'prefix')];
  const given = addressedGivenName(name);
  if (given) words.push(given);
  const birth = birthName(name);
  const used = usedName(name);
  if (used && birth && used !== birth) {
    words.push(used.toUpperCase(), `(${locale === 'fr' ? 'né·e' : 'born'} ${birth.toUpperCase()})`);
  } else if (used ?? birth) {
    words.push((used ?? birth ?? '').toUpperCase());
  }
  words.push(...parts(name, 'suffix'), ...parts(name, 'free'));
  const text = words.join(' ').trim();
  if (text) return text;
  return name.null_flavor ? translate(locale, 'nullFlavor', { flavor: name.null_flavor }) : '';
}

/** A timestamp at the precision it was written, in Paris time as `display` gives it: day
 *  first in French (01/04/2021 18:10), year first in English (2021-04-01 18:10), so that
 *  01/04 never reads as January 4th and both languages show the same clock time. */
export function formatTimestamp(ts: Timestamp | undefined, locale: Locale): string {
  return ts ? localDisplay(ts.display, locale) : '';
}

/** A timestamp's French `display` in the reader's language (see `formatTimestamp`). */
export function localDisplay(display: string, locale: Locale): string {
  if (locale === 'fr') return display;
  const [date = '', ...rest] = display.split(' ');
  return [date.split('/').reverse().join('-'), ...rest].join(' ').replace(',', '.');
}

const COARSE: ReadonlySet<Timestamp['precision']> = new Set(['year', 'month']);

/** An interval in words, as src/model/time.rs `Interval::display` writes it in French:
 *  "du 01/04/2021 au 03/04/2021", "le 01/04/2021 de 08:00 à 10:30", "de 2020 à 2021"... */
export function formatInterval(interval: Interval | undefined, locale: Locale): string {
  if (!interval) return '';
  const f = (ts: Timestamp | undefined) => formatTimestamp(ts, locale);
  if (interval.value) return f(interval.value);
  const { low, high, center } = interval;
  const coarse = (ts: Timestamp) => COARSE.has(ts.precision);
  if (low && high) {
    const [from, to] = [f(low), f(high)];
    if (from === to) return from;
    const [dayFrom, timeFrom] = from.split(' ');
    const [dayTo, timeTo] = to.split(' ');
    if (timeFrom && timeTo && dayFrom === dayTo) {
      return translate(locale, 'interval.sameDay', { day: dayFrom ?? '', from: timeFrom, to: timeTo });
    }
    return translate(locale, coarse(low) ? 'interval.fromTo.coarse' : 'interval.fromTo', { low: from, high: to });
  }
  if (low) return translate(locale, coarse(low) ? 'interval.from.coarse' : 'interval.from', { low: f(low) });
  if (high) return translate(locale, coarse(high) ? 'interval.to.coarse' : 'interval.to', { high: f(high) });
  if (center) {
    return translate(locale, coarse(center) ? 'interval.around.coarse' : 'interval.around', { center: f(center) });
  }
  return '';
}

/** A size in bytes, with one decimal above a kilobyte: "1,5 Mo", "1.5 MB". */
export function formatSize(bytes: number, locale: Locale): string {
  const units = ['size.bytes', 'size.kilo', 'size.mega', 'size.giga'] as const;
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const digits = unit === 0 ? 0 : 1;
  const n = new Intl.NumberFormat(locale === 'fr' ? 'fr-FR' : 'en-GB', {
    maximumFractionDigits: digits,
    minimumFractionDigits: 0,
  }).format(value);
  return translate(locale, units[unit] ?? 'size.bytes', { n });
}

/** An address on one line: street lines, postal code and city, country. */
export function addressText(address: Address | undefined): string {
  if (!address) return '';
  const city = [address.postal_code, address.city].filter(Boolean).join(' ');
  return [...(address.lines ?? []), city, address.country ?? ''].filter(Boolean).join(', ');
}

/** A telecom with its kind: "tél. 01 02…", "MSSanté jean@x.mssante.fr". */
export function telecomText(telecom: Telecom, locale: Locale): string {
  const prefix: Record<Telecom['kind'], string> = {
    phone: locale === 'fr' ? 'tél.' : 'tel.',
    fax: 'fax',
    email: locale === 'fr' ? 'courriel' : 'e-mail',
    mssante: translate(locale, 'telecom.mssante'),
    url: 'web',
    other: '',
  };
  return [prefix[telecom.kind], telecom.value].filter(Boolean).join(' ');
}

/** The list facts of a document read from its report: the same as src/session.rs `Overview::of`. */
export function overviewOf(report: Report): Overview {
  const header = report.document?.header;
  const nonEmpty = (s: string | undefined) => (s && s.trim() ? s : undefined);
  const overview: Overview = {
    kind: report.kind,
    errors: report.findings.filter((f) => f.severity === 'error').length,
  };
  const typeLabel = nonEmpty(codeText(header?.code));
  if (typeLabel) overview.type_label = typeLabel;
  const title = nonEmpty(header?.title?.text);
  if (title) overview.title = title;
  if (header?.effective_time) {
    overview.date = header.effective_time.display;
    overview.date_iso = header.effective_time.iso;
  }
  const patient = nonEmpty(personName(header?.patients[0]?.names[0]));
  if (patient) overview.patient = patient;
  return overview;
}
