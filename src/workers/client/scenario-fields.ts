// A scenario's field specs ("data.seq" or a function), compiled once per worker into readers
// that walk a parsed message without allocating; and the one way a scenario's Outgoing value
// becomes text on the wire.
import type { FieldSpec, Incoming, Outgoing } from '../../scenarios/define.js';

/** Reads one field of a parsed message; undefined when absent. May throw (a user function). */
export type FieldReader = (msg: Incoming) => unknown;

/** Compiles a dotted path or passes a function through; null when the field is not declared. */
export function compileField(spec: FieldSpec<unknown> | undefined): FieldReader | null {
  if (spec === undefined) return null;
  if (typeof spec === 'function') return spec as FieldReader;
  const parts = spec.replace(/^\$\.?/, '').split('.');
  if (parts.length === 1) {
    const key = parts[0]!;
    return (msg) => (typeof msg === 'object' && msg !== null ? (msg as Record<string, unknown>)[key] : undefined);
  }
  return (msg) => {
    let v: unknown = msg;
    for (let i = 0; i < parts.length; i++) {
      if (typeof v !== 'object' || v === null) return undefined;
      v = (v as Record<string, unknown>)[parts[i]!];
    }
    return v;
  };
}

/** The text to send for an Outgoing value: strings as they are, anything else as JSON. */
export function outgoingText(out: Outgoing): string {
  return typeof out === 'string' ? out : JSON.stringify(out);
}

/** A finite number from a field value (numbers, numeric strings), or NaN. */
export function asNumber(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v !== '') return Number(v);
  return Number.NaN;
}
