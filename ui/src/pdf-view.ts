// The PDF viewer's arithmetic (`PdfViewer.svelte`): zoom steps, fitting a page to the width
// of the view, which page is current; and which of a document's attachments is its PDF copy.
// Pure, so that it is tested without pdf.js or a DOM.

import type { Attachment } from './types';

/** The zoom levels the − and + buttons step through, as CSS pixels per PDF point ×
 *  (72 / 96): `1` shows a page at its printed size. */
export const ZOOM_STEPS: readonly number[] = [0.25, 0.33, 0.5, 0.67, 0.75, 0.8, 0.9, 1, 1.1, 1.25, 1.5, 1.75, 2, 2.5, 3, 4];

export const MIN_ZOOM = ZOOM_STEPS[0] ?? 0.25;
export const MAX_ZOOM = ZOOM_STEPS[ZOOM_STEPS.length - 1] ?? 4;

/** CSS pixels per PDF point at zoom 1 (a PDF point is 1/72 in, a CSS pixel 1/96 in). */
export const CSS_PER_POINT = 96 / 72;

/** Keeps a zoom within what the viewer offers. */
export function clampZoom(zoom: number): number {
  if (!Number.isFinite(zoom)) return 1;
  return Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, zoom));
}

/** The next step above `zoom` (a fitted zoom between two steps goes to the upper one). */
export function zoomIn(zoom: number): number {
  return ZOOM_STEPS.find((step) => step > zoom + 1e-6) ?? MAX_ZOOM;
}

/** The next step below `zoom`. */
export function zoomOut(zoom: number): number {
  return [...ZOOM_STEPS].reverse().find((step) => step < zoom - 1e-6) ?? MIN_ZOOM;
}

/** The zoom at which a page `pageWidth` points wide fills `viewWidth` CSS pixels, less
 *  `margin` on the two sides together; zoom 1 when either is unknown. */
export function fitWidth(viewWidth: number, pageWidth: number, margin = 32): number {
  if (!(viewWidth > margin) || !(pageWidth > 0)) return 1;
  return clampZoom((viewWidth - margin) / (pageWidth * CSS_PER_POINT));
}

/** A page number within 1..count; the first page for what is not a number. */
export function clampPage(page: number, count: number): number {
  if (count < 1) return 1;
  if (!Number.isFinite(page)) return 1;
  return Math.min(count, Math.max(1, Math.round(page)));
}

/** The current page of a scrolled view: the last page whose top is above the view's middle
 *  (`tops`: each page's top, in the view's scroll coordinates, in order). */
export function pageAt(tops: readonly number[], scrollTop: number, viewHeight: number): number {
  const line = scrollTop + viewHeight / 2;
  let current = 1;
  tops.forEach((top, index) => {
    if (top <= line) current = index + 1;
  });
  return current;
}

/** A zoom as people read it: `125 %`. */
export function zoomPercent(zoom: number): string {
  return `${Math.round(zoom * 100)} %`;
}

/** Whether a declared media type is PDF (`application/pdf`, parameters and case aside). */
export function isPdfType(mediaType: string | undefined): boolean {
  return (mediaType ?? '').split(';')[0]?.trim().toLowerCase() === 'application/pdf';
}

/** The index of the document's PDF copy — the PDF of the French "copie PDF" section (CI-SIS
 *  template 1.2.250.1.213.1.1.2.243), with content — to compare with its structured text;
 *  `null` when it has none. */
export function pdfCopyIndex(attachments: readonly Attachment[]): number | null {
  const index = attachments.findIndex((a) => a.kind === 'pdf-copy' && isPdfType(a.media_type) && a.encoded_size > 0);
  return index < 0 ? null : index;
}
