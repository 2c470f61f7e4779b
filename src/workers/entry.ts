// The piscina task each worker runs for the whole run: build this shard's clients, drive them,
// stream one interval snapshot per second over the transferred port, return WorkerFinal.
// Never writes files or prints. Loaded by coordinator/pool.ts.
import { monitorEventLoopDelay, performance, type EventLoopUtilization } from 'node:perf_hooks';
import type { CoordinatorMessage, FatalMessage, IntervalMessage, ReadyMessage, SetClientsMessage, StopMessage, WorkerFinal, WorkerTask } from '../protocol.js';
import { Recorder } from './client/recorder.js';
import { Scheduler, SLICE_MS } from './client/schedule.js';
import { HEADER_BYTES, type WorkerContext } from './client/context.js';
import { Client } from './client/client.js';
import { ringSizeFor } from './client/requests.js';
import { PROFILE_TABLE } from './profiles/index.js';
import { TransportFactory } from './transports/index.js';
import { profileOf } from '../scenarios/mix.js';
import { labSubscribeMessage } from '../scenarios/lab-subscribe.js';
import { Rng, mixSeed } from '../scenarios/random.js';
import { loadScenario } from '../scenarios/load.js';
import { ClientScene, ScenarioRuntime } from './client/scenario-hooks.js';

/** Longest wait for close handshakes while the connections still make progress (slow readers flushing)… */
const CLOSE_WAIT_MS = 3000;
/**
 * …plus one second per this many connections the worker closes: a burst of 16,700 closes per
 * worker (50,000 over 3 shards against a 3-process lab on 2 cores) went unanswered for ~2.5 s,
 * so a flat 1 s of patience cut 1,400–5,900 healthy close handshakes short, recorded as 1006.
 */
const CLOSES_PER_SECOND = 5000;
/**
 * …but without any progress (no byte read, no close counted) the wait ends after this long: a
 * server that never answers a close must not stretch --drain 2s to 5 s, as the full 3 s wait did.
 */
const CLOSE_GRACE_MS = 1000;
/** Longest wait for resumed slow readers to read what the kernel and server held for them. */
const SETTLE_MAX_MS = 3000;
const POLL_MS = 20;

/** Runs one worker's shard of the population until told to stop. */
export default async function runWorker(task: WorkerTask): Promise<WorkerFinal> {
  const { plan, port } = task;
  try {
    return await drive(task);
  } catch (err) {
    const e = err as Error & { code?: string };
    port.postMessage({
      type: 'fatal',
      workerIndex: plan.workerIndex,
      error: { name: e.name ?? 'Error', message: e.message ?? String(err), code: e.code ?? 'ERR_WORKER' },
    } satisfies FatalMessage);
    throw err;
  } finally {
    port.close();
  }
}

async function drive(task: WorkerTask): Promise<WorkerFinal> {
  const { plan, port } = task;
  let onStart: (atMs: number) => void = () => {};
  let onStop: (msg: StopMessage) => void = () => {};
  let onSetClients: (msg: SetClientsMessage) => void = () => {};
  const started = new Promise<number>((resolve) => (onStart = resolve));
  const stopped = new Promise<StopMessage>((resolve) => (onStop = resolve));
  port.on('message', (msg: CoordinatorMessage) => {
    switch (msg.type) {
      case 'start':
        onStart(msg.startAtEpochMs);
        break;
      case 'set-clients':
        onSetClients(msg);
        break;
      case 'stop':
        onStop(msg);
        onStart(Number.NaN); // stopped before it started: nothing to run
        break;
      default: {
        const never: never = msg;
        throw new Error(`unknown coordinator message ${JSON.stringify(never)}`);
      }
    }
  });
  // The scenario is compiled once per worker, before 'ready' (the coordinator validated it already).
  const scenario = plan.scenarioFile === null ? null : new ScenarioRuntime(await loadScenario(plan.scenarioFile));
  await TransportFactory.preload(plan.driver);
  const firstId = plan.firstId ?? plan.workerIndex;
  const idStride = plan.idStride ?? plan.workerCount;
  const clientCount = Math.max(0, Math.ceil((plan.clientCount - firstId) / idStride));
  port.postMessage({ type: 'ready', workerIndex: plan.workerIndex, clients: clientCount } satisfies ReadyMessage);
  const startAt = await started;
  plan.startAtEpochMs = Number.isNaN(startAt) ? Date.now() : startAt;
  const recorder = new Recorder(task.counters, plan.recordAttempts);
  const scheduler = new Scheduler();
  // Wall clock ↔ performance clock, anchored now rather than at thread start (timeOrigin): a wall
  // clock stepped since the process started (NTP, a paused VM) would otherwise move t=0. Seen
  // once here: during a VM stall (kernel "hrtimer: interrupt took 2 ms") a 6 s test run sent its
  // ticks on time but never attempted a connection.
  const epochOffsetMs = Date.now() - performance.now();
  const startPerfMs = plan.startAtEpochMs - epochOffsetMs;
  const ctx: WorkerContext = {
    plan,
    recorder,
    scheduler,
    startPerfMs,
    endPerfMs: startPerfMs + plan.durationMs,
    // Exactly one message: the largest thing ever written into it (zero-filled, so padding never leaks memory).
    scratch: Buffer.alloc(Math.max(HEADER_BYTES, plan.profile.payloadBytes)),
    stopping: false,
    subscribeRateKnown: plan.subscribeMessage === labSubscribeMessage(plan.profile.pushRate, plan.profile.pushBytes),
    ringSize: ringSizeFor(plan.profile.ratePerSec, plan.timeoutMs),
    stormsReported: 0,
    // Timestamps compared with a server's (push lag) use the same clock the lab stamps with
    // (timeOrigin + now, src/lab/push.ts): anchoring these at start too put a lab in the same
    // process ~1 ms ahead, and pushes "arrived before they were sent".
    toEpochMs: (perfMs) => performance.timeOrigin + perfMs,
  };
  const transports = new TransportFactory(plan, recorder, scenario?.shape);
  const clients: Client<unknown>[] = [];
  // Starts this worker's ids in [from, to), spread evenly over rampMs from atPerfMs.
  let startedUpTo = 0;
  const startClients = (to: number, atPerfMs: number, rampMs: number): void => {
    const from = startedUpTo;
    startedUpTo = Math.max(from, Math.min(to, plan.clientCount));
    for (let id = from + ((firstId - (from % idStride) + idStride) % idStride); id < startedUpTo; id += idStride) {
      const p = profileOf(id, plan.clientCount, plan.mix, plan.seed);
      const profile = PROFILE_TABLE[p];
      if (profile === undefined) throw new Error(`profile index ${p} has no behaviour`);
      const sc = scenario?.clientFor(id, p) ?? null;
      const headers = sc === null ? null : scenario!.headersFor(sc, plan.headers, recorder, p);
      const client = new Client(id, p, profile, ctx, new Rng(mixSeed(plan.seed, id + 1)), (sink) => transports.create(id, p, sink, headers));
      if (sc !== null) client.scene = new ClientScene(scenario!, client, sc);
      clients.push(client);
      scheduler.at(client, atPerfMs + (rampMs * (id - from)) / Math.max(1, startedUpTo - from));
    }
  };
  startClients(plan.startClients ?? plan.clientCount, startPerfMs, plan.rampUpMs);
  onSetClients = (msg) => {
    if (!ctx.stopping) startClients(msg.clients, performance.now(), msg.rampMs);
  };

  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  let elu: EventLoopUtilization = performance.eventLoopUtilization();
  let seq = 0;
  let t0Ms = plan.startAtEpochMs;
  const snapshot = (t1Ms: number): IntervalMessage => {
    const now = performance.eventLoopUtilization();
    const used = performance.eventLoopUtilization(now, elu);
    elu = now;
    const msg = recorder.snapshot(plan.workerIndex, seq++, t0Ms, t1Ms, {
      p99Ms: loop.count > 0 ? loop.percentile(99) / 1e6 : 0,
      maxMs: loop.count > 0 ? loop.max / 1e6 : 0,
      utilization: used.utilization,
    });
    loop.reset();
    t0Ms = t1Ms;
    const topics = scenario?.drainTopics();
    if (topics !== undefined) msg.topics = topics;
    return msg;
  };

  let intervalTimer: NodeJS.Timeout | null = null;
  const armInterval = (): void => {
    const nextMs = plan.startAtEpochMs + (seq + 1) * 1000;
    intervalTimer = setTimeout(() => {
      const msg = snapshot(nextMs);
      port.postMessage(msg satisfies IntervalMessage, [msg.counters.buffer as ArrayBuffer]);
      armInterval();
    }, Math.max(0, nextMs - Date.now()));
  };
  armInterval();

  const stop = await stopped;

  ctx.stopping = true;
  scheduler.stop();
  await drain(clients, stop.drainMs);
  for (const c of clients) c.beginStop();
  await waitUntil(() => clients.every((c) => c.isSettled(performance.now())), SETTLE_MAX_MS);
  const closing = await closeInSlices(clients);
  // A burst of closes keeps the server busy before the first one is answered: both the wait and
  // the patience without progress grow with the burst (16,700 per worker took ~2.5 s to answer).
  const burstMs = Math.ceil((closing / CLOSES_PER_SECOND) * 1000);
  await waitWhileProgressing(() => clients.every((c) => c.isIdle()), recorder.counters, CLOSE_WAIT_MS + burstMs, Math.max(CLOSE_GRACE_MS, burstMs));
  for (const c of clients) c.kill();
  await waitUntil(() => clients.every((c) => c.isIdle()), 500);

  if (intervalTimer) clearTimeout(intervalTimer);
  loop.disable();
  const last = snapshot(Math.max(Date.now(), t0Ms));
  port.postMessage(last satisfies IntervalMessage, [last.counters.buffer as ArrayBuffer]);
  recorder.destroy();
  return { workerIndex: plan.workerIndex, lastSeq: last.seq, totals: Float64Array.from(recorder.counters) };
}

/**
 * Waits until no client has an unanswered request, or `drainMs` passes. --timeout holds here too:
 * a request unanswered at its deadline is failed then, at its age; what is left when the drain
 * ends is failed at that moment, not later at the close.
 */
async function drain(clients: Client<unknown>[], drainMs: number): Promise<void> {
  await waitUntil(() => {
    const nowMs = performance.now();
    let outstanding = false;
    for (const c of clients) {
      c.drain(nowMs, false);
      if (c.hasOutstanding()) outstanding = true;
    }
    return !outstanding;
  }, drainMs);
  const nowMs = performance.now();
  for (const c of clients) c.drain(nowMs, true);
}

/**
 * Closes every client, yielding to I/O every SLICE_MS (the scheduler's slice for connects):
 * 16,700 close frames sent in one synchronous loop held the thread ~1.5 s, during which no
 * ping was answered and no reply read. (The 1006s of the 50,000 run came from the close wait's
 * patience, sized by the burst below; slicing alone did not remove them.) Returns how many were open.
 */
async function closeInSlices(clients: Client<unknown>[]): Promise<number> {
  let closing = 0;
  let sliceEndMs = performance.now() + SLICE_MS;
  for (let i = 0; i < clients.length; i++) {
    const c = clients[i]!;
    if (!c.isIdle()) closing++;
    c.stop();
    if ((i & 63) === 63 && performance.now() >= sliceEndMs) {
      await new Promise((r) => setImmediate(r));
      sliceEndMs = performance.now() + SLICE_MS;
    }
  }
  return closing;
}

/**
 * Like waitUntil, but gives up after `quietMs` without any counter changing. Quiet counts in
 * polls as well as in time, so a starved thread (busy CI core) gets its I/O turns before giving up.
 */
async function waitWhileProgressing(done: () => boolean, counters: Float64Array, maxMs: number, quietMs: number): Promise<void> {
  const until = Date.now() + maxMs;
  const quietPolls = Math.ceil(quietMs / POLL_MS);
  let last = NaN;
  let lastChangeMs = Date.now();
  let unchanged = 0;
  while (!done() && Date.now() < until && (unchanged < quietPolls || Date.now() - lastChangeMs < quietMs)) {
    let sum = 0;
    for (let i = 0; i < counters.length; i++) sum += counters[i]!;
    if (sum !== last) {
      last = sum;
      lastChangeMs = Date.now();
      unchanged = 0;
    } else unchanged++;
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

async function waitUntil(done: () => boolean, maxMs: number): Promise<void> {
  const until = Date.now() + maxMs;
  while (!done() && Date.now() < until) await new Promise((r) => setTimeout(r, POLL_MS));
}
