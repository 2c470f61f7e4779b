// Close codes, HTTP statuses and error codes -> counter slots and back to labels.
// Lookup is by small tables so the hot path never builds object keys (autocannon statusCodes).
import { CLOSE_CODES, CLOSE_OTHER_LABELS, ERROR_CODES, HTTP_OTHER_LABELS, HTTP_STATUSES } from '../protocol.js';

const CLOSE_BASE = 1000;
const closeSlotTable = new Int16Array(16).fill(-1);
for (let i = 0; i < CLOSE_CODES.length; i++) closeSlotTable[CLOSE_CODES[i]! - CLOSE_BASE] = i;

/** Slot of a WebSocket close code (RFC 6455 §7.4): named codes, then 3xxx, 4xxx, other. */
export function closeSlot(code: number): number {
  const off = code - CLOSE_BASE;
  if (off >= 0 && off < 16 && closeSlotTable[off]! >= 0) return closeSlotTable[off]!;
  if (code >= 3000 && code <= 3999) return CLOSE_CODES.length;
  if (code >= 4000 && code <= 4999) return CLOSE_CODES.length + 1;
  return CLOSE_CODES.length + 2;
}

/** Label of a close slot: the code itself, or '3xxx' / '4xxx' / 'other'. */
export function closeSlotLabel(slot: number): string {
  return slot < CLOSE_CODES.length ? String(CLOSE_CODES[slot]) : CLOSE_OTHER_LABELS[slot - CLOSE_CODES.length]!;
}

const statusSlotTable = new Int16Array(600).fill(-1);
for (let i = 0; i < HTTP_STATUSES.length; i++) statusSlotTable[HTTP_STATUSES[i]!] = i;

/** Slot of an HTTP status: named statuses, then other2xx…other5xx, other. */
export function statusSlot(status: number): number {
  if (status >= 0 && status < 600 && statusSlotTable[status]! >= 0) return statusSlotTable[status]!;
  const base = HTTP_STATUSES.length;
  if (status >= 200 && status < 300) return base;
  if (status >= 300 && status < 400) return base + 1;
  if (status >= 400 && status < 500) return base + 2;
  if (status >= 500 && status < 600) return base + 3;
  return base + 4;
}

/** Label of a status slot. */
export function statusSlotLabel(slot: number): string {
  return slot < HTTP_STATUSES.length ? String(HTTP_STATUSES[slot]) : HTTP_OTHER_LABELS[slot - HTTP_STATUSES.length]!;
}

const errorSlotMap: Map<string, number> = new Map(ERROR_CODES.map((c, i) => [c, i]));

/** Slot of an error code such as ECONNREFUSED; unknown codes go to 'other'. */
export function errorSlot(code: string | undefined): number {
  return (code !== undefined ? errorSlotMap.get(code) : undefined) ?? ERROR_CODES.length - 1;
}

/** Label of an error slot. */
export function errorSlotLabel(slot: number): string {
  return ERROR_CODES[slot]!;
}
