// A worker's compiled scenario: field readers, connection shape (subprotocols, Origin,
// compression, SNI), per-client data rows and headers, and the worker's per-topic tallies that
// go out with every interval. Made once per worker by the entry; clients share it.
import { COUNTER, PROFILES, type ProfileName, type TopicTally } from '../../protocol.js';
import type { ScenarioClient } from '../../scenarios/define.js';
import type { LoadedScenario } from '../../scenarios/load.js';
import { rowFor } from '../../scenarios/data-feed.js';
import { MAX_TOPICS, OTHER_TOPIC, newTally } from '../../scenarios/topics.js';
import type { ConnectShape } from '../transports/transport.js';
import type { Recorder } from './recorder.js';
import { compileField, type FieldReader } from './scenario-fields.js';

/** A worker's compiled scenario. */
export class ScenarioRuntime {
  readonly seq: FieldReader | null;
  readonly ts: FieldReader | null;
  readonly topic: FieldReader | null;
  readonly json: boolean;
  readonly shape: ConnectShape;
  /** This worker's per-topic figures since the last interval, shared by every client's windows. */
  readonly #tallies = new Map<string, TopicTally>();

  constructor(readonly loaded: LoadedScenario) {
    const s = loaded.scenario;
    this.seq = compileField(s.push?.seq);
    this.ts = compileField(s.push?.ts);
    this.topic = compileField(s.push?.topic);
    this.json = s.format !== 'text';
    this.shape = { protocols: s.subprotocols ?? [], origin: s.origin, perMessageDeflate: s.perMessageDeflate ?? false, servername: s.tls?.servername, askPushRate: false };
  }

  /** The tally of `topic` (made on its first message; past MAX_TOPICS they share one). */
  tally(topic: unknown): TopicTally {
    const key = typeof topic === 'string' ? topic : String(topic);
    let t = this.#tallies.get(key);
    if (t === undefined) {
      const k = this.#tallies.size < MAX_TOPICS ? key : OTHER_TOPIC;
      t = this.#tallies.get(k) ?? newTally(k);
      this.#tallies.set(k, t);
      if (k !== key) return t;
    }
    return t;
  }

  /** Topics that changed since the last call, as deltas (then zeroed); undefined when none. */
  drainTopics(): TopicTally[] | undefined {
    let out: TopicTally[] | undefined;
    for (const t of this.#tallies.values()) {
      if (t.received === 0 && t.gaps === 0) continue;
      (out ??= []).push({ ...t });
      t.received = t.gaps = t.reorders = t.duplicates = t.lagCount = t.lagSumMs = 0;
      t.lagMaxMs = Number.NEGATIVE_INFINITY;
    }
    return out;
  }

  /** The scenario's view of client `id`. */
  clientFor(id: number, p: number): ScenarioClient {
    return { id, profile: PROFILES[p] as ProfileName, data: rowFor(this.loaded.rows, id), state: {} };
  }

  /** Handshake headers of one client (plan headers, then the scenario's, then its cookies), or null when nothing is added. */
  headersFor(client: ScenarioClient, base: Record<string, string>, recorder: Recorder, p: number): Record<string, string> | null {
    const s = this.loaded.scenario;
    if (s.headers === undefined && s.cookies === undefined) return null;
    try {
      const headers = { ...base, ...(typeof s.headers === 'function' ? s.headers(client) : s.headers) };
      const cookies = typeof s.cookies === 'function' ? s.cookies(client) : s.cookies;
      if (cookies !== undefined) headers['cookie'] = Object.entries(cookies).map(([k, v]) => `${k}=${v}`).join('; ');
      return headers;
    } catch (err) {
      recorder.add(p, COUNTER.SCENARIO_ERRORS, 1);
      recorder.sample('scenario-error', p, `headers/cookies: ${(err as Error)?.message ?? String(err)}`);
      return { ...base };
    }
  }
}

