// The clinical summary's model: what each item of a `ClinicalSummary` shows — its coded
// subject, status in words, date, the facts written about it and a treatment's dose, timing
// and route — as src/clinical/present.rs writes them for `vigie clinical`. Pure functions,
// tested in clinical.test.ts.

import { formatInterval } from './format';
import { MESSAGES, translate, type Key, type Locale } from './i18n';
import type {
  ClinicalAdministration,
  ClinicalAmount,
  ClinicalCategory,
  ClinicalCoded,
  ClinicalDetail,
  ClinicalItem,
  ClinicalSection,
  ClinicalStep,
  ClinicalTiming,
  LabValue,
} from './types';

/** A heading and its text: `Sévérité` → `modéré`; with the narrative's words when they say
 *  something else than the code (`Inactif`, the document writing `Intermittent`). */
export interface Fact {
  name: string;
  text: string;
  narrative?: string;
}

/** A text reduced to its letters and digits, lower case, accents unfolded: how two texts are
 *  compared to tell whether they say the same (as `present::fold` in Rust). */
export function fold(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/œ/g, 'oe')
    .replace(/æ/g, 'ae')
    .toLocaleLowerCase('fr')
    .replace(/[^\p{L}\p{N}]/gu, '');
}

/** Whether the narrative's words say something other than a code's label: neither holds the
 *  other once case, accents and punctuation are set aside, nor do they share most of their
 *  start ("Inactif" and "Intermittent" differ; "Nausée" and "nausées", "Actif" and "Active"
 *  do not). As `present::differs`. */
export function differs(label: string, text: string): boolean {
  const [a, b] = [fold(label), fold(text)];
  if (!a || !b || a.includes(b) || b.includes(a)) return false;
  const shorter = Math.min([...a].length, [...b].length);
  let common = 0;
  const [ca, cb] = [[...a], [...b]];
  while (common < shorter && ca[common] === cb[common]) common += 1;
  return common * 5 < shorter * 4 || common < 4;
}

/** Whether a text is only a yes or a no (a form's box). */
function yesOrNo(text: string): boolean {
  return ['oui', 'non', 'yes', 'no'].includes(fold(text));
}

/** The narrative's words a code references, when they say something else than its label. */
export function narrativeOf(coded: ClinicalCoded | undefined): string | undefined {
  const shown = coded?.label ?? coded?.code;
  const text = coded?.reference_text;
  return shown && text && differs(shown, text) ? text : undefined;
}

/** The narrative's words for the item's subject when they say something other than its
 *  label (IPS-FR: "Autre problème (texte libre)" written for CIM-10 R69). */
export function narrativeBeside(item: ClinicalItem): string | undefined {
  const text = subjectOf(item)?.reference_text;
  if (!text || !item.label || yesOrNo(text)) return undefined;
  return differs(item.label, text) ? text : undefined;
}

/** What separates a name from its value: a no-break space and a colon in French, a colon in
 *  English. */
export function colon(locale: Locale): string {
  return locale === 'fr' ? '\u00a0: ' : ': ';
}

/** The category's heading. */
export function categoryTitle(category: ClinicalCategory, locale: Locale): string {
  return translate(locale, `clinical.category.${category}`);
}

/** Whether a section's own title is worth showing under its category's heading: always when
 *  the category has several sections, else when it says something else. */
export function showsSectionTitle(section: ClinicalSection, siblings: number, locale: Locale): boolean {
  const title = section.title?.trim();
  if (!title) return false;
  if (siblings > 1) return true;
  const fold = (text: string) => text.toLocaleLowerCase('fr').normalize('NFD').replace(/\p{M}/gu, '');
  return fold(title) !== fold(categoryTitle(section.category, locale));
}

/** The code's label, else the code itself. */
export function codedText(coded: ClinicalCoded | undefined): string {
  return coded?.label ?? coded?.code ?? '';
}

/** `CIM-10 E06.3`: the system's name (else its OID) and the code; empty without a code. */
export function codeReference(coded: ClinicalCoded | undefined): string {
  if (!coded?.code) return '';
  const system = coded.system_name ?? coded.system;
  return system ? `${system} ${coded.code}` : coded.code;
}

/** The coded subject the label names: the agent, the product or the concept. */
export function subjectOf(item: ClinicalItem): ClinicalCoded | undefined {
  const product = item.administration?.product;
  switch (item.label_source) {
    case 'substance':
      return item.substance;
    case 'product':
      return product;
    default:
      return item.code ?? item.substance ?? product;
  }
}

/** What the item is called, and a note when that is not a coded concept. */
export function itemLabel(item: ClinicalItem, locale: Locale): { text: string; note?: string } {
  const text = item.label ?? translate(locale, 'clinical.noLabel');
  if (item.label_source === 'narrative') return { text, note: translate(locale, 'clinical.label.narrative') };
  if (item.label_source === 'kind' || !item.label) return { text, note: translate(locale, 'clinical.label.kind') };
  return { text };
}

/** A status or mood code in words when Vigie knows it, else as written. */
function known(prefix: 'clinical.statusCode' | 'clinical.mood', code: string, locale: Locale): string {
  const key = `${prefix}.${code}`;
  return key in MESSAGES.fr ? translate(locale, key as Key) : code;
}

/** The status to show: the clinical status (coded), else the concern's status, else the
 *  item's `statusCode` unless `completed` — which says the statement is written, not that
 *  the problem or treatment is over. */
export function itemStatus(item: ClinicalItem, locale: Locale): string | null {
  return statusFact(item, locale)?.text ?? null;
}

/** The status as a fact, with the narrative's words for a coded clinical status. */
function statusFact(item: ClinicalItem, locale: Locale): Fact | null {
  const name = translate(locale, 'clinical.status');
  const clinical = codedText(item.clinical_status);
  if (clinical) return { name, text: clinical, narrative: narrativeOf(item.clinical_status) };
  const status = statusWords(item, locale);
  return status ? { name, text: status } : null;
}

function statusWords(item: ClinicalItem, locale: Locale): string | null {
  if (item.concern?.status) return known('clinical.statusCode', item.concern.status, locale);
  if (item.status && item.status !== 'completed') return known('clinical.statusCode', item.status, locale);
  return null;
}

/** A value in words: booleans as yes or no. */
export function valueText(value: LabValue | undefined, locale: Locale): string {
  if (!value) return '';
  if (value.kind === 'boolean' && (value.display === 'true' || value.display === 'false')) {
    return translate(locale, value.display === 'true' ? 'clinical.yes' : 'clinical.no');
  }
  return value.display;
}

/** The date of an item (or `''`). */
export function itemDate(item: ClinicalItem, locale: Locale): string {
  return formatInterval(item.effective_time, locale);
}

/** The facts written about an item, in reading order: relative, kind, planned, status,
 *  severity, criticality, certainty, sites. */
export function itemFacts(item: ClinicalItem, locale: Locale): Fact[] {
  const facts: Fact[] = [];
  const t = (key: Key) => translate(locale, key);
  const push = (name: string, text: string, narrative?: string) => {
    if (text) facts.push(narrative ? { name, text, narrative } : { name, text });
  };
  const coded = (name: string, c: ClinicalCoded | undefined) => push(name, codedText(c), narrativeOf(c));
  push(t('clinical.text'), narrativeBeside(item) ?? '');
  push(t('clinical.relative'), codedText(item.relative));
  // the kind (diagnosis, drug allergy) and the mood (planned) read as words of their own; a
  // kind is worth its label only (`SURG` alone says little)
  if (item.label_source !== 'kind') push('', item.kind?.label ?? '');
  if (item.mood) push('', known('clinical.mood', item.mood, locale));
  const status = statusFact(item, locale);
  if (status) facts.push(status);
  coded(t('clinical.severity'), item.severity);
  coded(t('clinical.criticality'), item.criticality);
  coded(t('clinical.certainty'), item.certainty);
  for (const site of item.target_sites ?? []) push(t('clinical.site'), codedText(site));
  return facts;
}

/** The UCUM annotations posologies write for a unit of presentation (as `DOSE_UNITS` in
 *  src/clinical/present.rs); `{count}` counts units and says nothing more. */
const DOSE_UNITS: Record<string, string | null> = {
  '{tablet}': 'tablet',
  '{Tablet}': 'tablet',
  '{tbl}': 'tablet',
  '{cp}': 'tablet',
  '{comprime}': 'tablet',
  '{capsule}': 'capsule',
  '{Capsule}': 'capsule',
  '{caps}': 'capsule',
  '{gelule}': 'capsule',
  '{drop}': 'drop',
  '{drp}': 'drop',
  '{goutte}': 'drop',
  '{puff}': 'puff',
  '{bouffee}': 'puff',
  '{sachet}': 'sachet',
  '{sach}': 'sachet',
  '{ampoule}': 'ampoule',
  '{amp}': 'ampoule',
  '{suppository}': 'suppository',
  '{suppo}': 'suppository',
  '{application}': 'application',
  '{dose}': 'dose',
  '{count}': null,
};

/** A dose as written (`2 {tablet}`, `1–2 {tbl}`) with its unit of presentation in words:
 *  `2 comprimés`; other units stay as written (`500 mg`). */
export function doseWords(display: string, locale: Locale): string {
  const at = display.lastIndexOf(' ');
  if (at < 0) return display;
  const [number, unit] = [display.slice(0, at), display.slice(at + 1)];
  if (!(unit in DOSE_UNITS)) return display;
  const word = DOSE_UNITS[unit];
  if (!word) return number;
  const plural = number
    .split(/[–\-\s≥≤]/)
    .map((n) => Number.parseFloat(n.replace(',', '.')))
    .some((n) => n > 1);
  return `${number} ${translate(locale, `clinical.unit.${word}.${plural ? 'other' : 'one'}` as Key)}`;
}

/** `1 comprimé (1 cp)`: the structured amount, and the narrative's words when they are
 *  written otherwise. */
export function amountText(amount: ClinicalAmount | undefined, locale: Locale = 'fr'): string {
  if (!amount) return '';
  const shown = doseWords(amount.display, locale);
  const words = amount.text?.trim();
  return words && fold(words) !== fold(shown) ? `${shown} (${words})` : shown;
}

/** A PIVL_TS period (`1 d`, `6 h`) as a posology says it: `1 fois par jour`, `toutes les
 *  6 h`; a unit Vigie does not know reads `période 3 x`. As `present::period_words`. */
export function periodWords(period: string, locale: Locale): string {
  const [value, unit, ...rest] = period.trim().split(/\s+/);
  if (value && unit && !rest.length && ['min', 'h', 'd', 'wk', 'mo', 'a'].includes(unit)) {
    const form = value === '1' ? 'one' : 'other';
    return translate(locale, `clinical.every.${unit}.${form}` as Key, { n: value });
  }
  return translate(locale, 'clinical.period', { period });
}

/** When a treatment is taken, in words: `toutes les 8 h (3 fois/j)`. */
export function timingText(timing: ClinicalTiming, locale: Locale): string {
  let structured = '';
  if (timing.period) structured = periodWords(timing.period, locale);
  else if (timing.event) structured = codedText(timing.event);
  else {
    const interval = formatInterval(timing.interval, locale);
    const width = timing.width ? translate(locale, 'clinical.width', { width: timing.width }) : '';
    structured = [interval, width].filter(Boolean).join(' ');
  }
  if (!structured) return timing.text ?? '';
  return timing.text && fold(timing.text) !== fold(structured) ? `${structured} (${timing.text})` : structured;
}

/** A treatment's or vaccination's particulars, each a fact. */
export function administrationFacts(a: ClinicalAdministration | undefined, locale: Locale): Fact[] {
  if (!a) return [];
  const t = (key: Key) => translate(locale, key);
  const facts: Fact[] = [];
  const push = (name: string, text: string) => {
    if (text) facts.push({ name, text });
  };
  push(t('clinical.dose'), amountText(a.dose, locale));
  push(t('clinical.rate'), amountText(a.rate, locale));
  push(t('clinical.maxDose'), amountText(a.max_dose, locale));
  for (const timing of a.timing ?? []) push('', timingText(timing, locale));
  push(t('clinical.route'), codedText(a.route));
  push(t('clinical.site'), codedText(a.approach_site));
  push(t('clinical.doseNumber'), a.dose_number ?? '');
  push(t('clinical.lot'), a.lot_number ?? '');
  return facts;
}

/** One step of a progressive dosage in words. */
export function stepText(step: ClinicalStep, locale: Locale): string {
  const parts = [formatInterval(step.effective_time, locale)];
  if (step.dose) parts.push(`${translate(locale, 'clinical.dose')} ${amountText(step.dose, locale)}`);
  if (step.rate) parts.push(`${translate(locale, 'clinical.rate')} ${amountText(step.rate, locale)}`);
  for (const timing of step.timing ?? []) parts.push(timingText(timing, locale));
  return parts.filter(Boolean).join(' · ');
}

/** An observation written about an item: `Statut clinique du patient : en forme`. */
export function detailText(detail: ClinicalDetail, locale: Locale): string {
  const fact = detailFact(detail, locale);
  return fact ? factText(fact, locale) : '';
}

/** An observation written about an item as a fact: its value, and the narrative's words when
 *  they say something else (`Imputabilité : certain(e)`, the document writing `probable`). */
export function detailFact(detail: ClinicalDetail, locale: Locale): Fact | null {
  const name = codedText(detail.code);
  const value = valueText(detail.value, locale);
  const text = detail.text ?? '';
  if (value) return { name, text: value, ...(text && differs(value, text) ? { narrative: text } : {}) };
  if (name && text) return { name, text };
  return name || text ? { name: '', text: name || text } : null;
}

/** A fact as one string: `Sévérité : modéré`, or the text alone when it has no name; the
 *  narrative's words after it: `Statut : Inactif (texte : Intermittent)`. */
export function factText(fact: Fact, locale: Locale): string {
  const text = fact.narrative
    ? `${fact.text} (${translate(locale, 'labelled', { label: translate(locale, 'clinical.text'), value: fact.narrative })})`
    : fact.text;
  return fact.name ? translate(locale, 'labelled', { label: fact.name, value: text }) : text;
}
