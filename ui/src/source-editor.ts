// The XML source in CodeMirror 6, read-only: syntax highlighting, line numbers, folding,
// search (Ctrl+F), a gutter marking the lines with problems, and `goTo` which highlights an
// element's span, shows the problem under its first line and scrolls it into view.
//
// Positions: the line separator is "\n" only, as the core counts lines (src/xml/span.rs), so
// CodeMirror's line numbers are Vigie's and its positions are plain string indices; the
// core's byte offsets are turned into those by `ByteOffsets`.
//
// CSP: CodeMirror writes its styles into a <style> element and sets style attributes. Both
// CSPs (vigie serve's header, the app's tauri.conf.json) allow inline styles and nothing
// else beyond 'self' (no inline script, no eval: CodeMirror needs neither), so no nonce is
// needed (`EditorView.cspNonce` would be the way if style-src ever drops 'unsafe-inline').

import { xml } from '@codemirror/lang-xml';
import {
  codeFolding,
  foldAll,
  foldGutter,
  foldKeymap,
  foldedRanges,
  HighlightStyle,
  syntaxHighlighting,
  unfoldAll,
  unfoldEffect,
} from '@codemirror/language';
import { highlightSelectionMatches, openSearchPanel, search, searchKeymap } from '@codemirror/search';
import { Compartment, EditorSelection, EditorState, RangeSet, StateEffect, StateField, type Range } from '@codemirror/state';
import {
  Decoration,
  drawSelection,
  EditorView,
  gutter,
  GutterMarker,
  highlightActiveLine,
  highlightSpecialChars,
  keymap,
  lineNumbers,
  ViewPlugin,
  WidgetType,
  type DecorationSet,
  type ViewUpdate,
} from '@codemirror/view';
import { tags } from '@lezer/highlight';

import { ByteOffsets, worstSeverity } from './check';
import type { Issue, Position, Severity, Span } from './types';

/** The words the editor shows, in the UI's language. */
export interface EditorWords {
  /** CodeMirror's own phrases (search panel, folding), by their English text. */
  phrases: Record<string, string>;
  severity: Record<Severity, string>;
  /** The accessible name of the source. */
  label: string;
}

/** A place in the source: an element's span, else a line:column (an issue is one). */
export interface SourcePlace {
  span?: Span | null;
  position?: Position | null;
}

/** Where a problem lies in the editor, as string indices. */
export interface EditorTarget {
  from: number;
  to: number;
  /** Shown under the target's first line: severity, message, rule. */
  issue?: Issue;
  message?: string;
}

const ICONS: Record<Severity, string> = {
  error: 'M6 6l12 12M18 6L6 18',
  warning: 'M12 3l10 18H2zM12 10v5M12 18v.5',
  info: 'M12 2a10 10 0 1 0 0 20a10 10 0 1 0 0-20zM12 11v6M12 7v.5',
};

/** The same line icons as Icon.svelte, drawn for CodeMirror's DOM. */
function icon(severity: Severity): SVGSVGElement {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('width', '13');
  svg.setAttribute('height', '13');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('class', `cm-issue-icon ${severity}`);
  const path = document.createElementNS(ns, 'path');
  path.setAttribute('d', ICONS[severity]);
  svg.append(path);
  return svg;
}

/** A line's problems in the gutter: the worst one's icon (its shape says the severity, not
 *  only its colour), the count, and every message in the tooltip. */
class IssueMarker extends GutterMarker {
  constructor(
    readonly severity: Severity,
    readonly count: number,
    readonly title: string,
  ) {
    super();
  }
  override eq(other: GutterMarker): boolean {
    return other instanceof IssueMarker && other.title === this.title && other.count === this.count;
  }
  override toDOM(): Node {
    const marker = document.createElement('span');
    marker.className = `cm-issue-marker ${this.severity}`;
    marker.title = this.title;
    marker.append(icon(this.severity));
    if (this.count > 1) {
      const count = document.createElement('span');
      count.className = 'cm-issue-count';
      count.textContent = String(this.count);
      marker.append(count);
    }
    return marker;
  }
}

/** The problem under the highlighted element's first line. */
class MessageWidget extends WidgetType {
  constructor(
    readonly severity: Severity,
    readonly word: string,
    readonly message: string,
    readonly rule: string,
  ) {
    super();
  }
  override eq(other: WidgetType): boolean {
    return other instanceof MessageWidget && other.message === this.message && other.rule === this.rule;
  }
  override toDOM(): HTMLElement {
    const box = document.createElement('div');
    box.className = `cm-issue-message ${this.severity}`;
    box.setAttribute('role', 'note');
    const word = document.createElement('strong');
    word.textContent = this.word;
    const text = document.createElement('span');
    text.textContent = this.message;
    const rule = document.createElement('code');
    rule.textContent = this.rule;
    box.append(icon(this.severity), word, text, rule);
    return box;
  }
}

const setMarkers = StateEffect.define<RangeSet<GutterMarker>>();
const markersField = StateField.define<RangeSet<GutterMarker>>({
  create: () => RangeSet.empty,
  update: (markers, tr) => tr.effects.reduce((m, e) => (e.is(setMarkers) ? e.value : m), markers),
});

const setHighlight = StateEffect.define<DecorationSet>();
const highlightField = StateField.define<DecorationSet>({
  create: () => Decoration.none,
  update: (set, tr) => tr.effects.reduce((s, e) => (e.is(setHighlight) ? e.value : s), set),
  provide: (field) => EditorView.decorations.from(field),
});

/**
 * The content is as wide as its longest line: the problem under a line is kept within the
 * visible width, pinned beside the gutters when the source is scrolled sideways, through two
 * CSS variables this plugin keeps current (`--visible-width`, `--gutters-width`).
 */
const visibleWidth = ViewPlugin.fromClass(
  class {
    constructor(view: EditorView) {
      this.measure(view);
    }
    update(update: ViewUpdate) {
      if (update.geometryChanged) this.measure(update.view);
    }
    measure(view: EditorView) {
      view.requestMeasure({
        read: () => ({
          gutters: view.dom.querySelector<HTMLElement>('.cm-gutters')?.offsetWidth ?? 0,
          width: view.scrollDOM.clientWidth,
        }),
        write: ({ gutters, width }) => {
          view.dom.style.setProperty('--gutters-width', `${gutters}px`);
          view.dom.style.setProperty('--visible-width', `${Math.max(240, width - gutters - 32)}px`);
        },
      });
    }
  },
);

/** Syntax colours from CSS variables (SourceView.svelte), so that the dark theme follows. */
const highlightStyle = HighlightStyle.define([
  { tag: tags.tagName, color: 'var(--syn-tag)' },
  { tag: tags.angleBracket, color: 'var(--syn-bracket)' },
  { tag: tags.attributeName, color: 'var(--syn-attr)' },
  { tag: tags.attributeValue, color: 'var(--syn-value)' },
  { tag: tags.character, color: 'var(--syn-entity)' },
  { tag: [tags.blockComment, tags.comment], color: 'var(--syn-comment)', fontStyle: 'italic' },
  { tag: [tags.processingInstruction, tags.documentMeta], color: 'var(--syn-meta)' },
  { tag: tags.invalid, color: 'var(--bad)', textDecoration: 'underline wavy' },
]);

/** Invisible characters worth seeing in a debugger (zero-width spaces, BOM, controls), but
 *  not the "\r" of CRLF line ends, which stays at the end of each line. */
const SPECIAL_CHARS =
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u00ad\u061c\u200b\u200e\u200f\u2028\u2029\u202d\u202e\u2066\u2067\u2069\ufeff\ufff9-\ufffc]/g;

/** The source editor over one document's text. */
export class SourceEditor {
  readonly view: EditorView;
  private readonly offsets: ByteOffsets;
  private readonly phrases = new Compartment();
  private readonly wrapping = new Compartment();
  /** Whether long lines wrap. */
  wrapped = false;
  private words: EditorWords;

  constructor(
    parent: HTMLElement,
    text: string,
    words: EditorWords,
    /** The problems of a line whose gutter marker was clicked. */
    private readonly onmarker: (line: number) => void,
  ) {
    this.offsets = new ByteOffsets(text);
    this.words = words;
    this.view = new EditorView({
      parent,
      state: EditorState.create({
        doc: text,
        extensions: [
          EditorState.lineSeparator.of('\n'),
          EditorState.readOnly.of(true),
          this.phrases.of(EditorState.phrases.of(words.phrases)),
          this.wrapping.of([]),
          EditorView.contentAttributes.of({ 'aria-label': words.label, 'aria-readonly': 'true' }),
          markersField,
          highlightField,
          visibleWidth,
          lineNumbers(),
          gutter({
            class: 'cm-issue-gutter',
            markers: (view) => view.state.field(markersField),
            domEventHandlers: {
              mousedown: (view, line) => {
                this.onmarker(view.state.doc.lineAt(line.from).number);
                return false;
              },
            },
          }),
          foldGutter(),
          codeFolding(),
          highlightSpecialChars({ specialChars: SPECIAL_CHARS }),
          drawSelection(),
          highlightActiveLine(),
          syntaxHighlighting(highlightStyle),
          xml({ autoCloseTags: false }),
          search({ top: true }),
          highlightSelectionMatches(),
          keymap.of([...searchKeymap, ...foldKeymap]),
        ],
      }),
    });
  }

  /** The editor's words in another language. */
  setWords(words: EditorWords) {
    this.words = words;
    this.view.dispatch({ effects: this.phrases.reconfigure(EditorState.phrases.of(words.phrases)) });
  }

  /** The string indices of an issue's (or any place's) element: its span, else its line:column. */
  range(issue: SourcePlace): { from: number; to: number } | null {
    const doc = this.view.state.doc;
    if (issue.span) {
      const from = Math.min(this.offsets.toIndex(issue.span.start), doc.length);
      const to = Math.max(from, Math.min(this.offsets.toIndex(issue.span.end), doc.length));
      return { from, to };
    }
    if (issue.position && issue.position.line >= 1 && issue.position.line <= doc.lines) {
      const line = doc.line(issue.position.line);
      const from = Math.min(line.from + Math.max(0, issue.position.column - 1), line.to);
      return { from, to: from };
    }
    return null;
  }

  /** The 1-based line an issue lies on, `null` when it has no location. */
  lineOf(issue: Issue): number | null {
    const range = this.range(issue);
    return range ? this.view.state.doc.lineAt(range.from).number : null;
  }

  /** Marks the lines with problems in the gutter. */
  setIssues(issues: readonly Issue[], message: (issue: Issue) => string) {
    const byLine = new Map<number, Issue[]>();
    for (const issue of issues) {
      const line = this.lineOf(issue);
      if (line === null) continue;
      const list = byLine.get(line) ?? [];
      list.push(issue);
      byLine.set(line, list);
    }
    const doc = this.view.state.doc;
    const ranges: Range<GutterMarker>[] = [];
    for (const [line, list] of byLine) {
      const severity = worstSeverity(list) ?? 'info';
      const title = list.map((i) => `${this.words.severity[i.severity]} : ${message(i)} (${i.rule})`).join('\n');
      ranges.push(new IssueMarker(severity, list.length, title).range(doc.line(line).from));
    }
    this.view.dispatch({ effects: setMarkers.of(RangeSet.of(ranges, true)) });
  }

  /**
   * Highlights `target` — its start tag strongly, the rest of the element lightly, its first
   * line marked with the problem shown under it —, puts the cursor at its start, unfolds it
   * if it was folded and scrolls it to the middle of the view.
   */
  goTo(target: EditorTarget, focus = false) {
    const state = this.view.state;
    const doc = state.doc;
    const from = Math.max(0, Math.min(target.from, doc.length));
    const to = Math.max(from, Math.min(target.to, doc.length));
    const line = doc.lineAt(from);
    // The start tag: up to the first ">" within the element (or its first line).
    const tagEnd = Math.min(to > from ? to : line.to, from + 2000);
    const closing = doc.sliceString(from, tagEnd).indexOf('>');
    const headEnd = closing >= 0 ? from + closing + 1 : Math.max(tagEnd, from);

    const decorations: Range<Decoration>[] = [
      Decoration.line({ class: 'cm-issue-line', attributes: { 'data-issue-line': String(line.number) } }).range(
        line.from,
      ),
    ];
    if (to > headEnd) decorations.push(Decoration.mark({ class: 'cm-issue-span' }).range(headEnd, to));
    if (headEnd > from) decorations.push(Decoration.mark({ class: 'cm-issue-target' }).range(from, headEnd));
    if (target.issue && target.message) {
      const widget = new MessageWidget(
        target.issue.severity,
        this.words.severity[target.issue.severity],
        target.message,
        target.issue.rule,
      );
      decorations.push(Decoration.widget({ widget, block: true, side: 1 }).range(line.to));
    }

    const effects: StateEffect<unknown>[] = [
      setHighlight.of(Decoration.set(decorations, true)),
      EditorView.scrollIntoView(from, { y: 'center' }),
    ];
    foldedRanges(state).between(from, from, (a, b) => {
      effects.push(unfoldEffect.of({ from: a, to: b }));
    });
    this.view.dispatch({ selection: EditorSelection.cursor(from), effects });
    if (focus) this.view.focus();
  }

  /** Wraps long lines, or not. */
  setWrapped(wrapped: boolean) {
    this.wrapped = wrapped;
    this.view.dispatch({ effects: this.wrapping.reconfigure(wrapped ? EditorView.lineWrapping : []) });
  }

  openSearch() {
    openSearchPanel(this.view);
  }

  foldAll() {
    foldAll(this.view);
  }

  unfoldAll() {
    unfoldAll(this.view);
  }

  destroy() {
    this.view.destroy();
  }
}
