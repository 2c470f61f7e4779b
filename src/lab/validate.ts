// Fills lab options from the defaults and checks every value, naming the CLI flag in the error,
// so `startLab()` and `soakstorm lab` reject the same mistakes with the same one-line message.
import {
  DEFAULT_LAB_OPTIONS,
  LabOptionError,
  REJECT_STATUSES,
  SLOW_CLOSE_CODES,
  type CloseCodeWeight,
  type LabOptions,
} from './options.js';

const MAX_PUSH_BYTES = 16 * 1024 * 1024;
const MAX_PUSH_RATE = 100_000;

function fail(flag: string, rule: string, got: unknown, fix: string): never {
  throw new LabOptionError(`${flag} must be ${rule} (got "${String(got)}"). ${fix}.`);
}

function wholeNumber(flag: string, value: number, max = Number.MAX_SAFE_INTEGER): void {
  if (!Number.isInteger(value) || value < 0 || value > max) {
    fail(flag, `a whole number from 0 to ${max}`, value, `Pass for example ${flag} 0 to turn it off`);
  }
}

function fraction(flag: string, value: number): void {
  if (!Number.isFinite(value) || value < 0 || value > 1) {
    fail(flag, 'a fraction from 0 to 1', value, `Pass for example ${flag} 0.01 for 1%`);
  }
}

/** True for codes a server may put in a close frame (RFC 6455 §7.4.1: not 1004-1006, 1015). */
export function isSendableCloseCode(code: number): boolean {
  return (
    (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999)
  );
}

function checkCloseCodes(mix: readonly CloseCodeWeight[]): void {
  if (mix.length === 0) fail('--close-codes', 'a non-empty list', '', 'Pass for example 1000:60,1011:40');
  for (const { code, weight } of mix) {
    if (!isSendableCloseCode(code)) {
      fail('--close-codes', 'sendable close codes (1000-1003, 1007-1014, 3000-4999)', code, 'Remove that code');
    }
    if (!Number.isFinite(weight) || weight <= 0) fail('--close-codes', 'positive weights', weight, 'Use code:weight');
  }
}

/** Returns complete, checked options: defaults overlaid by `partial`; throws LabOptionError. */
export function resolveLabOptions(partial: Partial<LabOptions> = {}): LabOptions {
  const defined = Object.fromEntries(Object.entries(partial).filter(([, v]) => v !== undefined));
  const o: LabOptions = { ...DEFAULT_LAB_OPTIONS, ...defined };
  if (typeof o.host !== 'string' || o.host === '') fail('--host', 'an address', o.host, 'Pass --host 127.0.0.1');
  wholeNumber('--port', o.port, 65535);
  if (!Number.isFinite(o.seed)) fail('--seed', 'a number', o.seed, 'Pass --seed 1');
  wholeNumber('--leak-per-connection', o.leakBytesPerConnection);
  wholeNumber('--leak-per-message', o.leakBytesPerMessage);
  if (o.leakKind !== 'external' && o.leakKind !== 'heap') {
    fail('--leak-kind', 'external or heap', o.leakKind, 'Pass --leak-kind external');
  }
  if (o.slowPolicy !== 'buffer' && o.slowPolicy !== 'drop' && o.slowPolicy !== 'disconnect') {
    fail('--slow-policy', 'buffer, drop or disconnect', o.slowPolicy, 'Pass --slow-policy drop');
  }
  wholeNumber('--max-buffered', o.maxBufferedBytes);
  if (!(SLOW_CLOSE_CODES as readonly number[]).includes(o.slowCloseCode)) {
    fail('--slow-close-code', '1008 or 1013', o.slowCloseCode, 'Pass --slow-close-code 1013');
  }
  wholeNumber('--age-cut', o.ageCutMs);
  wholeNumber('--idle-timeout', o.idleTimeoutMs);
  wholeNumber('--heartbeat', o.heartbeatMs);
  fraction('--drop-rate', o.dropRate);
  wholeNumber('--crash-after', o.crashAfterMs);
  wholeNumber('--restart-after', o.restartAfterMs);
  if (o.crashMode !== 'close' && o.crashMode !== 'exit') fail('crashMode', 'close or exit', o.crashMode, 'Fix it');
  fraction('--reject-rate', o.rejectRate);
  if (!(REJECT_STATUSES as readonly number[]).includes(o.rejectStatus)) {
    fail('--reject-status', 'one of 401, 403, 426, 503', o.rejectStatus, 'Pass --reject-status 401');
  }
  wholeNumber('--max-connections', o.maxConnections);
  wholeNumber('--close-after', o.closeAfterMs);
  checkCloseCodes(o.closeCodes);
  wholeNumber('--burst', o.burstMs);
  if (!Number.isFinite(o.pushRate) || o.pushRate <= 0 || o.pushRate > MAX_PUSH_RATE) {
    fail('--push-rate', `a rate above 0 and at most ${MAX_PUSH_RATE} msgs/s`, o.pushRate, 'Pass --push-rate 10');
  }
  wholeNumber('--push-size', o.pushBytes, MAX_PUSH_BYTES);
  wholeNumber('--sse-retry', o.sseRetryMs);
  if (!Number.isFinite(o.cpuMicrosPerConnection) || o.cpuMicrosPerConnection < 0 || o.cpuMicrosPerConnection > 1000) {
    fail('--cpu-per-connection', 'µs from 0 to 1000', o.cpuMicrosPerConnection, 'Pass --cpu-per-connection 0.5');
  }
  if (!Number.isInteger(o.tickMs) || o.tickMs < 1 || o.tickMs > 1000) {
    fail('tickMs', 'a whole number of ms from 1 to 1000', o.tickMs, 'Leave it at 10');
  }
  return o;
}

/** Checks a push request's rate and size (query or subscribe message); returns an error text or null. */
export function checkPushRequest(rate: number, sizeBytes: number): string | null {
  if (!Number.isFinite(rate) || rate <= 0 || rate > MAX_PUSH_RATE) {
    return `rate must be above 0 and at most ${MAX_PUSH_RATE} (got ${rate})`;
  }
  if (!Number.isInteger(sizeBytes) || sizeBytes < 0 || sizeBytes > MAX_PUSH_BYTES) {
    return `size must be a whole number of bytes from 0 to ${MAX_PUSH_BYTES} (got ${sizeBytes})`;
  }
  return null;
}
