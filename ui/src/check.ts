// The logic of the Problems panel and the source view, kept out of the components so that it
// is unit-tested: issues grouped by layer, filtered and sorted; a layer's status; byte offsets
// (what the core's spans count) turned into positions in the JavaScript string (UTF-16 code
// units, what CodeMirror counts); the innermost rendered element holding a span.

import type { Locale } from './i18n';
import type { CheckLayer, CheckReport, Issue, LayerRun, Related, Severity, Span } from './types';

/** The layers in the order they run (and are shown). */
export const LAYERS: readonly CheckLayer[] = ['xml', 'cda', 'xsd', 'kit', 'builtin', 'svrl'];

/** Most serious first. */
export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info'];

const RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/** The issue's message in `locale`; French when the rule has no English (the kit's rules). */
export function issueMessage(issue: Issue, locale: Locale): string {
  return (locale === 'en' && issue.message.en) || issue.message.fr;
}

/** What a related place is to its issue, in `locale` (French when the rule has no English). */
export function relatedMessage(related: Related, locale: Locale): string {
  return (locale === 'en' && related.message.en) || related.message.fr;
}

/** An issue's hint in `locale` (French when the rule has no English); `null` without one. */
export function issueHint(issue: Issue, locale: Locale): string | null {
  if (!issue.hint) return null;
  return (locale === 'en' && issue.hint.en) || issue.hint.fr;
}

/** Why a layer did not run, in `locale` (French when the core has no English); `null`
 *  when it ran. */
export function skipReason(run: LayerRun, locale: Locale): string | null {
  if (run.ran) return null;
  const reason = run.skipped;
  if (!reason) return '';
  if (typeof reason === 'string') return reason;
  return (locale === 'en' && reason.en) || reason.fr;
}

/** What a layer noted about how it ran (the kit's volet, kit files missing), in `locale`. */
export function layerNotes(run: LayerRun | undefined, locale: Locale): string[] {
  return (run?.notes ?? []).map((note) => (locale === 'en' && note.en) || note.fr);
}

/** Errors before warnings before notes; then in source order; then by rule. */
export function compareIssues(a: Issue, b: Issue): number {
  return (
    RANK[a.severity] - RANK[b.severity] ||
    (a.position?.line ?? Infinity) - (b.position?.line ?? Infinity) ||
    (a.position?.column ?? 0) - (b.position?.column ?? 0) ||
    (a.span?.start ?? 0) - (b.span?.start ?? 0) ||
    a.rule.localeCompare(b.rule)
  );
}

/** The most serious severity among `issues`, `null` when there are none. */
export function worstSeverity(issues: readonly Issue[]): Severity | null {
  let worst: Severity | null = null;
  for (const issue of issues) {
    if (worst === null || RANK[issue.severity] < RANK[worst]) worst = issue.severity;
  }
  return worst;
}

export function severityCounts(issues: readonly Issue[]): Record<Severity, number> {
  const counts: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  for (const issue of issues) counts[issue.severity] += 1;
  return counts;
}

/** What the panel shows: the severities and layers whose issues are listed. */
export interface ProblemFilter {
  severities: Severity[];
  layers: CheckLayer[];
}

export function showAll(): ProblemFilter {
  return { severities: [...SEVERITIES], layers: [...LAYERS] };
}

export function matches(issue: Issue, filter: ProblemFilter): boolean {
  return filter.severities.includes(issue.severity) && filter.layers.includes(issue.layer);
}

/** Shows or hides one value of a filter list, keeping the canonical order. */
export function toggle<T>(shown: readonly T[], value: T, order: readonly T[]): T[] {
  const next = shown.includes(value) ? shown.filter((v) => v !== value) : [...shown, value];
  return order.filter((v) => next.includes(v));
}

/** One layer in the panel: how it went, and its issues that pass the filter. */
export interface LayerGroup {
  layer: CheckLayer;
  /** How the layer went; `null` when the report lists issues of a layer it did not report
   *  (imported ones). */
  run: LayerRun | null;
  /** The issues shown, sorted. */
  issues: Issue[];
  /** Every issue of the layer, shown or not. */
  total: number;
}

/** Every layer the check reported (run or skipped) and every layer with issues, in the order
 *  they run; each with its issues that pass `filter`, sorted. A layer filtered out keeps its
 *  group (its status still matters) with no issues. */
export function groupIssues(report: CheckReport, filter: ProblemFilter): LayerGroup[] {
  const byLayer = new Map<CheckLayer, Issue[]>();
  for (const issue of report.issues) {
    const list = byLayer.get(issue.layer) ?? [];
    list.push(issue);
    byLayer.set(issue.layer, list);
  }
  const runs = new Map(report.layers.map((run) => [run.layer, run]));
  return LAYERS.filter((layer) => runs.has(layer) || byLayer.has(layer)).map((layer) => {
    const all = byLayer.get(layer) ?? [];
    return {
      layer,
      run: runs.get(layer) ?? null,
      issues: all.filter((issue) => matches(issue, filter)).sort(compareIssues),
      total: all.length,
    };
  });
}

/** The layers that did not run, in order. */
export function skippedLayers(report: CheckReport): LayerRun[] {
  return LAYERS.flatMap((layer) => report.layers.filter((run) => run.layer === layer && !run.ran));
}

/** A layer's time for people: "< 1 ms", "12 ms", "1,2 s". */
export function formatMillis(millis: number, locale: Locale): string {
  if (millis < 1) return '< 1 ms';
  if (millis < 1000) return `${Math.round(millis)} ms`;
  const seconds = new Intl.NumberFormat(locale === 'fr' ? 'fr-FR' : 'en-GB', { maximumFractionDigits: 1 });
  return `${seconds.format(millis / 1000)} s`;
}

/** The rule source in a few words: a built-in rule's page name, a kit file, a schema. */
export function sourceLabel(issue: Issue): string {
  const source = issue.source;
  const base = (path: string) => path.split(/[\\/]/).pop() || path;
  switch (source.kind) {
    case 'builtin':
      return base(source.page);
    case 'kit':
      return source.pattern ? `${source.file} · ${source.pattern}` : source.file;
    case 'xsd':
      return base(source.schema);
    case 'svrl':
      return base(source.file);
  }
}

/**
 * Byte offsets into the UTF-8 source (what every span counts) as indices into the same text
 * held as a JavaScript string (UTF-16 code units: what CodeMirror counts when its line
 * separator is "\n"). One pass over the text records a checkpoint (string index, byte
 * offset) at the first character boundary after every `STEP` code units; a lookup walks at
 * most a step from the nearest one. A document that is all ASCII needs no table at all.
 */
export class ByteOffsets {
  private static readonly STEP = 4096;
  private indices: Uint32Array | null = null;
  private bytes: Float64Array | null = null;
  private ascii: boolean | null = null;

  constructor(private readonly text: string) {}

  /** The string index at UTF-8 byte offset `byte` (clamped to the text). */
  toIndex(byte: number): number {
    if (byte <= 0) return 0;
    this.build();
    if (this.ascii) return Math.min(byte, this.text.length);
    const indices = this.indices as Uint32Array;
    const bytes = this.bytes as Float64Array;
    // The last checkpoint at or before `byte`.
    let low = 0;
    let high = bytes.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if ((bytes[mid] ?? Infinity) <= byte) low = mid;
      else high = mid - 1;
    }
    let index = indices[low] ?? 0;
    let at = bytes[low] ?? 0;
    const text = this.text;
    while (index < text.length && at < byte) {
      const width = utf8Width(text.charCodeAt(index));
      at += width;
      index += width === 4 ? 2 : 1;
    }
    return index;
  }

  private build() {
    if (this.ascii !== null) return;
    const text = this.text;
    this.ascii = !/[^\u0000-\u007f]/.test(text);
    if (this.ascii) return;
    const step = ByteOffsets.STEP;
    const count = Math.floor(text.length / step) + 1;
    const indices = new Uint32Array(count);
    const bytes = new Float64Array(count);
    let k = 1;
    let at = 0;
    let index = 0;
    while (index < text.length) {
      const width = utf8Width(text.charCodeAt(index));
      at += width;
      index += width === 4 ? 2 : 1;
      if (k < count && index >= k * step) {
        indices[k] = index;
        bytes[k] = at;
        k += 1;
      }
    }
    this.indices = indices.subarray(0, k);
    this.bytes = bytes.subarray(0, k);
  }
}

/** UTF-8 bytes of the character starting with code unit `code` (4 for a surrogate pair). */
function utf8Width(code: number): number {
  if (code < 0x80) return 1;
  if (code < 0x800) return 2;
  if (code >= 0xd800 && code <= 0xdbff) return 4;
  return 3;
}

/** Reads a `data-span="start-end"` attribute. */
export function parseSpan(value: string | null | undefined): Span | null {
  const match = value?.match(/^(\d+)-(\d+)$/);
  if (!match) return null;
  const start = Number(match[1]);
  const end = Number(match[2]);
  return end >= start ? { start, end } : null;
}

/** Writes a span as a `data-span` attribute. */
export function spanAttribute(span: Span | null | undefined): string | undefined {
  return span ? `${span.start}-${span.end}` : undefined;
}

/** Of the candidates whose span holds `offset`, the innermost (shortest); `null` if none. */
export function innermost<T>(candidates: readonly T[], spanOf: (c: T) => Span | null, offset: number): T | null {
  let best: T | null = null;
  let bestLength = Infinity;
  for (const candidate of candidates) {
    const span = spanOf(candidate);
    if (!span || offset < span.start || offset >= Math.max(span.end, span.start + 1)) continue;
    const length = span.end - span.start;
    if (length < bestLength) {
      best = candidate;
      bestLength = length;
    }
  }
  return best;
}
