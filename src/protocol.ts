// The only contract between the coordinator and its workers: task payload and messages; the
// counter and histogram layout lives in counter-slots.ts and is re-exported here. Nothing here may
// import from cli/ or reporters/.
import type { MessagePort } from 'node:worker_threads';
import type { HistogramName, ProfileName } from './counter-slots.js';
export * from './counter-slots.js';

/** Wire protocols a client can speak. */
export const DRIVERS = ['ws', 'sse', 'ndjson'] as const;
export type DriverName = (typeof DRIVERS)[number];

/**
 * What each wire protocol can do; profiles read these (through their transport), never the
 * protocol's name. On a transport that cannot send, fast and storm only read; sleepy stops
 * reading where there is no ping to leave unanswered; idle cannot keep alive (--idle-send-every).
 */
export const DRIVER_CAPS: Record<DriverName, { readonly canSend: boolean; readonly canPing: boolean }> = {
  ws: { canSend: true, canPing: true },
  sse: { canSend: false, canPing: false },
  ndjson: { canSend: false, canPing: false },
};

/** How a WebSocket client measures round trips. */
/** How a WebSocket client measures round trips: ping frames, echoed messages, or a scenario's replies. */
export type RttMode = 'ping' | 'echo' | 'reply';

/** Reconnect policies (storm profile and every unexpected close). */
export type ReconnectPolicy = 'none' | 'immediate' | 'fixed' | 'exp' | 'exp-jitter';

/** Bytes at the start of every message a fast client sends: seq, client id and timestamps. */
export const MESSAGE_HEADER_BYTES = 24;

/** Integer microseconds; every histogram holds this unit. */
export type Micros = number;
/** Milliseconds, possibly fractional. */
export type Millis = number;

/** Per-profile knobs; every field has a default in cli/options.ts. */
export interface ProfileOptions {
  /** fast: messages per second per client. */
  ratePerSec: number;
  /** fast: payload bytes per message (at least the 20-byte header). */
  payloadBytes: number;
  /** slow: bytes per second the client reads. */
  slowReadBytesPerSec: number;
  /** slow/sleepy: server push asked for with a subscribe message (msgs/s, bytes). */
  pushRate: number;
  pushBytes: number;
  /** sleepy: awake and asleep spans, jittered by ±jitterPct. */
  awakeMs: Millis;
  asleepMs: Millis;
  sleepJitterPct: number;
  /** sleepy: percent of sleepy clients that never wake (vanish without a close frame). */
  vanishPct: number;
  /** storm: offsets from run start at which every storm client drops at once. */
  stormAtMs: Millis[];
  /** storm: repeat the drop every this many ms after the last stormAtMs (0 = no repeat). */
  stormEveryMs: Millis;
  reconnect: ReconnectPolicy;
  reconnectBaseMs: Millis;
  reconnectCapMs: Millis;
  reconnectMaxTries: number;
  /** fast: stop sending after this many messages per client (0 or absent = no budget). */
  messagesPerClient?: number;
  /** idle: send one message this often (0 = never; the idle client only reads and answers pings). */
  idleSendEveryMs: Millis;
}

/** What one worker needs to run its shard of the population. */
export interface WorkerPlan {
  workerIndex: number;
  workerCount: number;
  /** Total simulated clients in the run; this worker owns ids where id % workerCount === workerIndex. */
  clientCount: number;
  /**
   * Shards (--shard i/n) own ids firstId, firstId + idStride, …; absent in an unsharded run, where
   * they are workerIndex and workerCount. Every client is seeded by (seed, id) whatever the stride.
   */
  firstId?: number;
  idStride?: number;
  /**
   * Clients (lowest ids) started at t=0 over rampUpMs; the rest wait for a `set-clients` message
   * (capacity staircase). Absent: all of clientCount.
   */
  startClients?: number;
  /** Percent per profile, in PROFILES order, summing to 100. */
  mix: number[];
  seed: number;
  url: string;
  driver: DriverName;
  headers: Record<string, string>;
  rttMode: RttMode;
  /** Wall-clock ms (Date epoch) at which t=0 of the run falls; set by the start message. */
  startAtEpochMs: number;
  rampUpMs: Millis;
  /** Wall-clock length of the load phase, measured from startAtEpochMs. */
  durationMs: Millis;
  /** A request without an answer after this long is recorded as failed at this latency. */
  timeoutMs: Millis;
  /** Handshake (or HTTP response head) deadline. */
  connectTimeoutMs: Millis;
  /** Open-loop sessions end normally after a drawn length in [min, max] ms (0 = never). */
  sessionMinMs: Millis;
  sessionMaxMs: Millis;
  /** Local addresses to spread connections over (empty = let the kernel choose). */
  localAddresses: string[];
  /** Send every attempt's start time back (tests of reconnect spreading); off in normal runs. */
  recordAttempts: boolean;
  /**
   * Text sent once per connection by slow and sleepy clients to ask for pushes (the lab's subscribe);
   * null = send nothing and read what the server pushes on its own (foreign servers).
   */
  subscribeMessage: string | null;
  /** Largest incoming message, SSE event or NDJSON line; a bigger one is a protocol error (1009). */
  maxMessageBytes: number;
  /** Skip TLS certificate checks (wss://, https://). */
  tlsInsecure: boolean;
  /** Extra trusted CA certificates (PEM) for TLS; null = the system's. */
  caPem: string | null;
  /**
   * Absolute path of the scenario module every worker loads (scenarios/load.ts), or null. Its
   * functions run on the hot path through workers/client/scenario-hooks.ts.
   */
  scenarioFile: string | null;
  profile: ProfileOptions;
}

/** Payload of the one long piscina task each worker runs. */
export interface WorkerTask {
  plan: WorkerPlan;
  port: MessagePort;
  /** Float64 counters, written only by this worker; layout COUNTERS_LENGTH. */
  counters: SharedArrayBuffer;
}


/** Per profile × histogram, compressed base64 (hdr-histogram-js); '' when empty. */
export type EncodedHistograms = Record<HistogramName, string[]>;

/** Small samples of strings the server sent (close reasons, error texts); capped per interval. */
export interface TextSample {
  kind: 'close-reason' | 'error' | 'parse-error' | 'scenario-error';
  profile: ProfileName;
  text: string;
  count: number;
}

/** Push figures of one topic/stream (a scenario's push.topic), summed over clients; a delta per interval. */
export interface TopicTally {
  topic: string;
  received: number;
  gaps: number;
  reorders: number;
  duplicates: number;
  lagCount: number;
  lagSumMs: number;
  lagMaxMs: number;
}

/** Discrete events worth putting on the timeline (storm drops, give-ups). */
export interface RunEvent {
  atMs: Millis;
  kind: 'storm' | 'reconnect-giveup' | 'saturated';
  profile: ProfileName;
  detail: string;
}

// ---- coordinator -> worker ----

/** Stop sending, wait up to drainMs for answers, close every client, then return WorkerFinal. */
export interface StopMessage {
  type: 'stop';
  reason: 'duration' | 'signal' | 'abort' | 'unreachable';
  drainMs: Millis;
}
/** Sent once every worker is ready: t=0 of the run, shared by all workers. */
export interface StartMessage {
  type: 'start';
  startAtEpochMs: number;
}
/**
 * Capacity staircase: start clients with ids up to `clients` (exclusive, capped at the plan's
 * clientCount) spread over `rampMs` from receipt; clients already started keep their connections.
 * Never lowers the population.
 */
export interface SetClientsMessage {
  type: 'set-clients';
  clients: number;
  rampMs: Millis;
}
export type CoordinatorMessage = StartMessage | StopMessage | SetClientsMessage;

// ---- worker -> coordinator ----

export interface ReadyMessage {
  type: 'ready';
  workerIndex: number;
  clients: number;
}

/** One per worker per second: everything recorded since the previous interval. */
export interface IntervalMessage {
  type: 'interval';
  workerIndex: number;
  seq: number;
  /** Wall-clock (epoch ms) bounds of the interval. */
  t0Ms: number;
  t1Ms: number;
  histograms: EncodedHistograms;
  /** Deltas since the previous interval, COUNTERS_LENGTH long (transferred). */
  counters: Float64Array;
  eventLoopP99Ms: number;
  eventLoopMaxMs: number;
  /** Share of the interval this worker's event loop was busy (0..1). */
  utilization: number;
  samples: TextSample[];
  events: RunEvent[];
  /** Epoch ms at which each reconnect attempt was started, only when plan asks for it (tests). */
  attemptTimesMs?: number[];
  /** A scenario's per-topic push figures since the previous interval (topics that changed only). */
  topics?: TopicTally[];
}

export interface FatalMessage {
  type: 'fatal';
  workerIndex: number;
  error: { name: string; message: string; code: string };
}

export type WorkerMessage = ReadyMessage | IntervalMessage | FatalMessage;

/**
 * What the worker's task resolves with. The last interval travels over the port like every
 * other (a port keeps order; the task result is a different channel and may overtake it), so
 * the coordinator waits for interval `lastSeq` before it closes the port.
 */
export interface WorkerFinal {
  workerIndex: number;
  lastSeq: number;
  /** Cumulative counters over the whole run, for cross-checking the merged deltas. */
  totals: Float64Array;
}
