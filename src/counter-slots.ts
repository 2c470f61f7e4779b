// The layout of a worker's counters and histograms, shared by the coordinator and workers:
// profile slots, histogram names, scalar counters, close-code / status / error slots and the
// index arithmetic over them. Re-exported by protocol.ts, the one contract between the two.

/** Client behaviours; the index of a profile is its slot in every per-profile table. */
export const PROFILES = ['fast', 'slow', 'sleepy', 'storm', 'idle'] as const;
export type ProfileName = (typeof PROFILES)[number];

/** Histograms every worker keeps, one per profile. Values are integer µs. */
export const HISTOGRAMS = [
  'rtt', // from the intended send time (coordinated omission corrected)
  'rttRaw', // from the actual send time
  'connect', // attempt start -> open
  'sendLateness', // actual send - intended send: the generator's own lateness
  'lag', // push receive time - server ts (clock offset removed where known)
  'lifetime', // connection open -> close, only for closes the client did not start (idle-cut evidence)
  'reconnect', // drop -> reopened (storms and unexpected closes)
  'liveness', // sleepy: went silent -> server closed us
  'ttfb', // streams: request start -> response head
  'firstEvent', // streams: request start -> first event
  'eventGap', // streams and pushes: gap between consecutive events of one connection
  'heartbeatGap', // streams: gap between heartbeat comments (or pings seen) of one connection
  'lagAhead', // pushes whose ts is later than their receive time: by how much (server clock ahead)
  'silence', // closes not started by a reading client: last frame/event from the server -> close
] as const;
export type HistogramName = (typeof HISTOGRAMS)[number];

/** Scalar counters, one set per profile. All are monotonic except OPEN_NOW (a gauge kept as +1/-1). */
export const COUNTER = {
  CONN_ATTEMPTED: 0,
  CONN_OPENED: 1,
  CONN_FAILED: 2,
  CONN_CLOSED: 3,
  OPEN_NOW: 4,
  MSGS_SENT: 5,
  MSGS_RECEIVED: 6,
  BYTES_SENT: 7,
  BYTES_RECEIVED: 8,
  RTT_SAMPLES: 9,
  RTT_FAILED: 10,
  HIST_CLAMPED: 11,
  PUSH_RECEIVED: 12,
  SEQ_GAPS: 13,
  SEQ_REORDERS: 14,
  SEQ_DUPLICATES: 15,
  RECONNECTS: 16,
  RECONNECT_GIVEUPS: 17,
  BYTES_EXPECTED: 18,
  SESSIONS_ENDED: 19,
  SLEEPS: 20,
  WOKE_OPEN: 21,
  WOKE_CLOSED: 22,
  VANISHED: 23,
  SERVER_CLOSED_ASLEEP: 24,
  PARSE_ERRORS: 25,
  SENDS_SKIPPED: 26,
  HEARTBEATS: 27,
  /** Events that arrived in the same read as the previous event of their connection. */
  EVENTS_CLUMPED: 28,
  VANISHED_REAPED: 29,
  STORMS: 30,
  /** Bytes a paused reader read at full speed at the end of the run: what kernel and server held. */
  BYTES_DRAINED: 31,
  /** Closes not started by the client where a ping or heartbeat arrived after the last data message. */
  CUT_AFTER_PING: 32,
  /** Closes not started by the client with no ping or heartbeat after the last data message. */
  CUT_NO_PING: 33,
  /** Closes not started by the client while it was not reading (paused, asleep): silence unknown. */
  SILENCE_UNKNOWN: 34,
  /** The server broke the protocol (reserved opcode, invalid UTF-8, invalid close code, oversized message). */
  PROTOCOL_ERRORS: 35,
  /** A scenario function threw (or returned something unusable); the client carried on. */
  SCENARIO_ERRORS: 36,
  /** A scenario's handshake step was rejected or timed out; the client closed and reconnects by policy. */
  SCENARIO_HANDSHAKE_FAILED: 37,
} as const;
export type CounterName = keyof typeof COUNTER;
export const SCALAR_COUNT = 38;

/** Close codes with a slot of their own; anything else lands in the matching "other" slot. */
export const CLOSE_CODES = [1000, 1001, 1002, 1003, 1005, 1006, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 1015] as const;
/** Slots after CLOSE_CODES: 3000-3999, 4000-4999, anything else. */
export const CLOSE_OTHER_LABELS = ['3xxx', '4xxx', 'other'] as const;
export const CLOSE_SLOTS = CLOSE_CODES.length + CLOSE_OTHER_LABELS.length;
/** Who ended a connection: we sent the close (or reset), the server sent it, or nobody (abnormal). */
export const CLOSED_BY = ['client', 'server', 'abnormal'] as const;
export type ClosedBy = (typeof CLOSED_BY)[number];

/** Handshake / response statuses with a slot; 101 and 200 are successes. */
export const HTTP_STATUSES = [101, 200, 204, 301, 302, 400, 401, 403, 404, 405, 409, 426, 429, 500, 502, 503, 504] as const;
export const HTTP_OTHER_LABELS = ['other2xx', 'other3xx', 'other4xx', 'other5xx', 'other'] as const;
export const STATUS_SLOTS = HTTP_STATUSES.length + HTTP_OTHER_LABELS.length;

/** Socket and handshake error codes with a slot; anything else is "other". */
export const ERROR_CODES = [
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EADDRNOTAVAIL',
  'EADDRINUSE',
  'EHOSTUNREACH',
  'EMFILE',
  'ENOTFOUND',
  'HANDSHAKE_TIMEOUT',
  'UNEXPECTED_RESPONSE',
  'PROTOCOL',
  'SCENARIO_HANDSHAKE',
  'other',
] as const;
export const ERROR_SLOTS = ERROR_CODES.length;

/** Offsets of each counter group inside one profile's block. */
export const BLOCK = {
  SCALARS: 0,
  CLOSES: SCALAR_COUNT,
  STATUSES: SCALAR_COUNT + CLOSE_SLOTS * CLOSED_BY.length,
  ERRORS: SCALAR_COUNT + CLOSE_SLOTS * CLOSED_BY.length + STATUS_SLOTS,
  LENGTH: SCALAR_COUNT + CLOSE_SLOTS * CLOSED_BY.length + STATUS_SLOTS + ERROR_SLOTS,
} as const;
/** Length of a worker's whole counter array: one block per profile. */
export const COUNTERS_LENGTH = BLOCK.LENGTH * PROFILES.length;

/** Index of scalar `slot` for profile index `p`. */
export function scalarIndex(p: number, slot: number): number {
  return p * BLOCK.LENGTH + slot;
}
/** Index of close slot `closeSlot` closed by `by` (index in CLOSED_BY) for profile `p`. */
export function closeIndex(p: number, closeSlot: number, by: number): number {
  return p * BLOCK.LENGTH + BLOCK.CLOSES + by * CLOSE_SLOTS + closeSlot;
}
/** Index of status slot for profile `p`. */
export function statusIndex(p: number, statusSlot: number): number {
  return p * BLOCK.LENGTH + BLOCK.STATUSES + statusSlot;
}
/** Index of error slot for profile `p`. */
export function errorIndex(p: number, errorSlot: number): number {
  return p * BLOCK.LENGTH + BLOCK.ERRORS + errorSlot;
}
