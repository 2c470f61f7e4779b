// ws error events -> error slots: ws reports a non-101 handshake and its own timeouts only in
// the message text, so the classification lives here, tested against real ws errors.
import { errorSlot } from '../../metrics/close-codes.js';

const UNEXPECTED_RESPONSE = 'Unexpected server response: ';
const HANDSHAKE_TIMEOUT = 'Opening handshake has timed out';
/** ws abortHandshake messages for a 101 that breaks RFC 6455 §4.1 (no error code is set). */
const BAD_HANDSHAKE = /^(Invalid (Upgrade|Sec-WebSocket-Accept|Sec-WebSocket-Extensions) header|Server sent |Server indicated an extension|Maximum redirects exceeded)/;

/** Slot of a handshake answered with a non-101 status. */
export const UNEXPECTED_RESPONSE_SLOT = errorSlot('UNEXPECTED_RESPONSE');

/** Error slot for an error ws emitted: socket codes, handshake status, handshake timeout, protocol. */
export function classifyWsError(err: Error & { code?: string }): number {
  if (err.message.startsWith(UNEXPECTED_RESPONSE)) return UNEXPECTED_RESPONSE_SLOT;
  if (err.message === HANDSHAKE_TIMEOUT) return errorSlot('HANDSHAKE_TIMEOUT');
  if (err.code !== undefined && err.code.startsWith('WS_ERR_')) return errorSlot('PROTOCOL');
  if (err.code === undefined && BAD_HANDSHAKE.test(err.message)) return errorSlot('PROTOCOL');
  return errorSlot(err.code);
}

/** The HTTP status in ws's "Unexpected server response: 401" (0 if absent). */
export function handshakeStatus(message: string): number {
  return Number(message.slice(UNEXPECTED_RESPONSE.length)) || 0;
}

/**
 * The close code ws sends when the server broke the protocol (1002 reserved opcode or bad close
 * code, 1007 invalid UTF-8, 1009 message over maxPayload), read from the error's status symbol;
 * 0 for any other error.
 */
export function protocolCloseCode(err: Error & { code?: string }): number {
  if (err.code === undefined || !err.code.startsWith('WS_ERR_')) return 0;
  for (const sym of Object.getOwnPropertySymbols(err)) {
    if (sym.description === 'status-code') {
      const code = (err as unknown as Record<symbol, unknown>)[sym];
      if (typeof code === 'number') return code;
    }
  }
  return err.code === 'WS_ERR_INVALID_UTF8' ? 1007 : err.code.includes('LENGTH') ? 1009 : 1002;
}
