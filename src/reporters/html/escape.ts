// HTML escaping by default: the html`` tag escapes every interpolated value unless it is SafeHtml,
// so a server string (close reason, error text, header) can never become markup by accident.

import { stripControl } from '../safe-text.js';

/** Markup that is already safe to insert; only html`` and raw() make one. */
export class SafeHtml {
  readonly value: string;
  constructor(value: string) {
    this.value = value;
  }
  toString(): string {
    return this.value;
  }
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text with &, <, >, " and ' replaced by entities: safe in element content and quoted attributes. */
export function escapeHtml(text: string): string {
  return stripControl(text, true).replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/** Marks trusted markup (built by this module's own code, never from run data) as safe. */
export function raw(markup: string): SafeHtml {
  return new SafeHtml(markup);
}

function piece(v: unknown): string {
  if (v instanceof SafeHtml) return v.value;
  if (Array.isArray(v)) return v.map(piece).join('');
  if (v === null || v === undefined || v === false) return '';
  return escapeHtml(String(v));
}

/** Template tag: literal parts are trusted, every interpolation is escaped unless SafeHtml. */
export function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  let out = strings[0]!;
  for (let i = 0; i < values.length; i++) out += piece(values[i]) + strings[i + 1]!;
  return new SafeHtml(out);
}
