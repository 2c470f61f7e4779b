// What a scenario file exports: `export default defineScenario({...})`. The types are the
// documentation editors show; scenarios/validate.ts checks the same shape at load time, so a
// JavaScript scenario gets the same one-line errors a TypeScript one gets from its editor.
// Every function here runs on a worker's hot path (workers/client/scenario-hooks.ts): keep them
// small; a throw is counted (scenario_errors) and the client carries on.
import type { ProfileName } from '../protocol.js';

/** One simulated client as a scenario function sees it (one object per client for the whole run). */
export interface ScenarioClient {
  /** Client id, 0..clients-1; stable across reconnects and runs with the same seed. */
  readonly id: number;
  /** The client's profile (fast, slow, sleepy, storm, idle). */
  readonly profile: ProfileName;
  /** The client's row of the scenario's data file (row id % rows), or {} without one. */
  readonly data: Readonly<Record<string, string>>;
  /** Free per-client storage for the scenario (e.g. the last event id it saw). */
  readonly state: Record<string, unknown>;
}

/** An incoming message: the parsed JSON value (format 'json', default) or the text (format 'text'). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Incoming = any;

/** Something to send: a string goes as is; any other value is sent as its JSON text. */
export type Outgoing = string | Record<string, unknown> | unknown[];

/** A field of a pushed message: a dotted JSON path ("data.seq") or a function of the message. */
export type FieldSpec<T> = string | ((msg: Incoming) => T | undefined);

/** A value per client, or one for everyone. */
export type PerClient<T> = T | ((client: ScenarioClient) => T);

/** Options a scenario can set; the keys are the run command's camelCase flag names (as in --config). Flags win. */
export interface ScenarioOptions {
  clients?: number;
  duration?: string;
  rampUp?: string;
  workers?: number;
  rate?: number;
  /** Profile mix: "fast=60,sleepy=40" or { fast: 60, sleepy: 40 }. */
  mix?: string | Partial<Record<ProfileName, number>>;
  rtt?: 'echo' | 'ping' | 'reply';
  seed?: number;
  timeout?: string;
  connectTimeout?: string;
  drain?: string;
  sessionLength?: string;
  reconnect?: 'none' | 'immediate' | 'fixed' | 'exp' | 'exp-jitter';
  reconnectBase?: string;
  reconnectCap?: string;
  reconnectMaxTries?: number;
  slowReadRate?: string;
  awake?: string;
  asleep?: string;
  sleepJitter?: number;
  vanish?: number;
  stormAt?: string;
  stormEvery?: string;
  stormBudget?: string;
  serverHeartbeat?: string;
  failOn?: string;
}

/** A scenario: how to talk to one server. Every field is optional. */
export interface Scenario {
  /** Human summary shown by `soakstorm scenarios`. */
  description?: string;
  /** Target URL (ws://, wss://, sse+http://, ndjson+http://); the URL argument wins. */
  url?: string;
  /** Handshake (or request) headers, static or per client. */
  headers?: PerClient<Record<string, string>>;
  /** WebSocket subprotocols offered in Sec-WebSocket-Protocol. */
  subprotocols?: string[];
  /** Origin header of the WebSocket handshake. */
  origin?: string;
  /** Cookies sent as one Cookie header, static or per client. */
  cookies?: PerClient<Record<string, string>>;
  /** Offer permessage-deflate (WebSocket compression); default off. */
  perMessageDeflate?: boolean;
  /** TLS: skip certificate checks, extra CA file (path relative to the scenario), SNI name. */
  tls?: { insecure?: boolean; ca?: string; servername?: string };
  /** CSV (with a header row) or JSON array of objects; client id picks row id % rows. Path relative to the scenario file. */
  data?: string;
  /** How incoming text reaches the functions below: parsed JSON (default) or the raw text. */
  format?: 'json' | 'text';
  /** Messages sent as soon as a connection opens (login, join, subscribe), in order. */
  onOpen?: (client: ScenarioClient) => Outgoing | Outgoing[] | undefined;
  /**
   * Wait for an answer before the client's profile starts. `expect` returns true for the awaited
   * answer; `reject` (optional) true for a refusal. A refusal or a timeout counts
   * scenario_handshake_failed (error class SCENARIO_HANDSHAKE), closes, and reconnects by policy.
   */
  handshake?: { expect: (msg: Incoming, client: ScenarioClient) => boolean; reject?: (msg: Incoming, client: ScenarioClient) => boolean; timeout?: string | number };
  /**
   * Request/reply (fast and storm clients, --rtt reply): `build` makes request number `n` of a
   * client; `replyId` returns the `n` an incoming message answers, or undefined when it answers
   * none. RTT runs from the intended send time to the matching reply; unanswered at --timeout = failed.
   */
  request?: { build: (client: ScenarioClient, n: number) => Outgoing; replyId: (msg: Incoming) => number | undefined | null };
  /** Where pushed messages keep their sequence number, send time (epoch ms) and stream/topic id. */
  push?: { seq?: FieldSpec<number>; ts?: FieldSpec<number>; topic?: FieldSpec<string | number> };
  /** Application heartbeats: `match` finds one, `reply` builds the answer (undefined = no answer). Sleepers do not answer while asleep. */
  heartbeat?: { match: (msg: Incoming) => boolean; reply?: (msg: Incoming, client: ScenarioClient) => Outgoing | undefined };
  /** Run options (flags, env and --config win over these). */
  options?: ScenarioOptions;
  /** Pass/fail thresholds, added to any given with --threshold. */
  thresholds?: string[];
}

/** Marks the scenario object so the loader can tell it from any other default export. */
export const SCENARIO_MARK = Symbol.for('soakstorm.scenario');

/** Declares a scenario (typed, so editors complete it); export it as the module's default. */
export function defineScenario<const S extends Scenario>(scenario: S): S {
  Object.defineProperty(scenario, SCENARIO_MARK, { value: true, enumerable: false });
  return scenario;
}
