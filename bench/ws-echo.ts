// Issue 2's figure: WebSocket echo msgs per CPU-second of the generator process, soakstorm
// (runSoak, 1 worker, open loop) against raw `ws` loops, each in its own child process. The
// like-for-like rows offer the same rate from a raw loop on a timer; the closed-loop rows say
// what a raw loop moves flat out (a different load: context, not a comparison).
import WebSocket from 'ws';
import { childMain, coreShare, perCpuSecond, perWallSecond, round, row, runChild, sleep, windowEnd, windowStart, type BenchRow, type WindowResult } from './harness.js';
import { ms, soakOnce, steadyWindow } from './soak-child.js';

/** Settings of the ws echo bench; every figure in the table depends on them. */
export const WS_ECHO = {
  payloadBytes: 64,
  /** Raw loop connections, and soakstorm clients. */
  connections: 100,
  pipelinedInFlight: 16,
  warmupMs: 2000,
  measureMs: 8000,
  /** Largest echo count a raw loop may reach before it stops sending (a count cap, not a target). */
  maxMessages: 20_000_000,
  soakDurationMs: 10_000,
  soakRampUpMs: 1000,
  /** First tick of soakstorm's measured window (s), after ramp-up and warm-up. */
  soakFromT: 2,
  /** soakstorm's open-loop rate as a multiple of the raw closed loop's wall msgs/s. */
  saturateFactor: 1.1,
};

interface RawParams {
  url: string;
  connections: number;
  inFlight: number;
  payloadBytes: number;
  warmupMs: number;
  measureMs: number;
}

/** A raw loop that offers soakstorm's load: `ratePerSec` sends per connection on a shared timer. */
interface RawTimedParams extends RawParams {
  ratePerSec: number;
}

interface SoakParams {
  url: string;
  clients: number;
  ratePerSec: number;
}

/** Child: C connections, `inFlight` messages each, a new send on every echo; nothing else. */
async function rawLoop(p: RawParams): Promise<WindowResult> {
  const payload = Buffer.alloc(p.payloadBytes, 0x61);
  let count = 0;
  let opened = 0;
  let errors = 0;
  let sending = true;
  const sockets: WebSocket[] = [];
  for (let i = 0; i < p.connections; i++) {
    const ws = new WebSocket(p.url, { perMessageDeflate: false });
    ws.on('open', () => {
      opened++;
      for (let k = 0; k < p.inFlight; k++) ws.send(payload);
    });
    ws.on('message', () => {
      count++;
      if (sending && count < WS_ECHO.maxMessages) ws.send(payload);
    });
    ws.on('error', () => errors++);
    sockets.push(ws);
  }
  const openBy = performance.now() + 10_000;
  while (opened + errors < p.connections && performance.now() < openBy) await sleep(20);
  await sleep(p.warmupMs);
  const start = windowStart();
  const before = count;
  await sleep(p.measureMs);
  const result = windowEnd(start, count - before, { opened, errors });
  sending = false;
  for (const ws of sockets) ws.terminate();
  return result;
}

/** How often the raw timed loop sends what is owed (ms): one timer for all connections. */
const RAW_TICK_MS = 10;

/** Child: C connections each sending `ratePerSec` messages per second on one shared timer; counts echoes. */
async function rawTimed(p: RawTimedParams): Promise<WindowResult> {
  const payload = Buffer.alloc(p.payloadBytes, 0x61);
  let count = 0;
  let opened = 0;
  let errors = 0;
  const sockets: WebSocket[] = [];
  for (let i = 0; i < p.connections; i++) {
    const ws = new WebSocket(p.url, { perMessageDeflate: false });
    ws.on('open', () => opened++);
    ws.on('message', () => count++);
    ws.on('error', () => errors++);
    sockets.push(ws);
  }
  const openBy = performance.now() + 10_000;
  while (opened + errors < p.connections && performance.now() < openBy) await sleep(20);
  // Sends owed since the start at the offered rate, caught up on every tick like an open loop.
  const t0 = performance.now();
  let sent = 0;
  const timer = setInterval(() => {
    const owed = Math.floor(((performance.now() - t0) / 1000) * p.ratePerSec);
    for (; sent < owed; sent++) for (const ws of sockets) if (ws.readyState === WebSocket.OPEN) ws.send(payload);
  }, RAW_TICK_MS);
  await sleep(p.warmupMs);
  const start = windowStart();
  const before = count;
  await sleep(p.measureMs);
  const result = windowEnd(start, count - before, { opened, errors, offeredPerSec: p.ratePerSec * p.connections });
  clearInterval(timer);
  for (const ws of sockets) ws.terminate();
  return result;
}

/** Child: soakstorm's run path, one worker thread, `clients` × `ratePerSec` echo sends per second. */
async function soakLoop(p: SoakParams): Promise<WindowResult> {
  const { summary, ticks } = await soakOnce(p.url, {
    clients: String(p.clients),
    workers: '1',
    duration: ms(WS_ECHO.soakDurationMs),
    rampUp: ms(WS_ECHO.soakRampUpMs),
    drain: '1s',
    rtt: 'echo',
    rate: String(p.ratePerSec),
    payload: String(WS_ECHO.payloadBytes),
  });
  const window = steadyWindow(ticks, WS_ECHO.soakFromT, (s) => s.rttSamples);
  if (!window) throw new Error(`soakstorm run had no steady window (status ${summary.status}: ${summary.stopReason})`);
  const c = summary.totals.counters;
  window.extra = {
    ...window.extra,
    targetPerSec: p.clients * p.ratePerSec,
    rttP99Ms: summary.totals.latency.rtt.p99Ms,
    sendLatenessP99Ms: summary.generator.sendLatenessP99Ms,
    saturated: summary.generator.saturated,
    rttFailed: c.rtt_failed,
    sendsSkipped: c.sends_skipped,
    status: summary.status,
  };
  return window;
}

/** The rows and every child's raw window. */
export interface WsEchoResult {
  rows: BenchRow[];
  raw1: WindowResult;
  rawPipelined: WindowResult;
  soak: WindowResult;
  soakHalf: WindowResult;
}

/** Parent: runs the three generators one after another against `wsUrl` and builds the rows. */
export async function benchWsEcho(wsUrl: string, log: (line: string) => void): Promise<WsEchoResult> {
  const self = import.meta.url;
  const base = { url: wsUrl, connections: WS_ECHO.connections, payloadBytes: WS_ECHO.payloadBytes, warmupMs: WS_ECHO.warmupMs, measureMs: WS_ECHO.measureMs };
  const raw1 = await runChild<WindowResult>(self, 'raw', { ...base, inFlight: 1 } satisfies RawParams);
  log(`ws-echo raw 1-in-flight: ${describe(raw1)}`);
  const rawPipelined = await runChild<WindowResult>(self, 'raw', { ...base, inFlight: WS_ECHO.pipelinedInFlight } satisfies RawParams);
  log(`ws-echo raw ${WS_ECHO.pipelinedInFlight}-in-flight: ${describe(rawPipelined)}`);
  // Open loop just above what the closed loop moved through the same lab, so one core saturates;
  // then at half that rate, where soakstorm's own health check should pass (how it is meant to run).
  const ratePerSec = Math.max(1, Math.round((perWallSecond(raw1) * WS_ECHO.saturateFactor) / WS_ECHO.connections));
  const soak = await runChild<WindowResult>(self, 'soak', { url: wsUrl, clients: WS_ECHO.connections, ratePerSec } satisfies SoakParams);
  log(`ws-echo soakstorm ${WS_ECHO.connections} clients x ${ratePerSec}/s: ${describe(soak)} ${JSON.stringify(soak.extra)}`);
  const halfRate = Math.max(1, Math.round(ratePerSec / 2));
  const soakHalf = await runChild<WindowResult>(self, 'soak', { url: wsUrl, clients: WS_ECHO.connections, ratePerSec: halfRate } satisfies SoakParams);
  log(`ws-echo soakstorm ${WS_ECHO.connections} clients x ${halfRate}/s: ${describe(soakHalf)} ${JSON.stringify(soakHalf.extra)}`);
  // The same offered loads from a raw loop on a timer: the like-for-like rows.
  const rawAt = await runChild<WindowResult>(self, 'timed', { ...base, inFlight: 0, ratePerSec } satisfies RawTimedParams);
  log(`ws-echo raw timed ${ratePerSec}/s/conn: ${describe(rawAt)}`);
  const rawHalf = await runChild<WindowResult>(self, 'timed', { ...base, inFlight: 0, ratePerSec: halfRate } satisfies RawTimedParams);
  log(`ws-echo raw timed ${halfRate}/s/conn: ${describe(rawHalf)}`);
  const s = perCpuSecond(soak);
  const settings = `${WS_ECHO.connections} conns, ${WS_ECHO.payloadBytes} B binary`;
  const health = (r: WindowResult): string => `lateness p99 ${round(Number(r.extra['sendLatenessP99Ms']), 1)} ms, saturated ${String(r.extra['saturated'])}`;
  const rows = [
    row('ws echo per CPU-s, same offered rate (saturated)', s, perCpuSecond(rawAt), 'msgs/CPU-s', `${settings}; both offered ${ratePerSec}/s/conn; delivered soakstorm ${Math.round(perWallSecond(soak))}/s, raw ${Math.round(perWallSecond(rawAt))}/s`),
    row('ws echo per CPU-s, same offered rate (half)', perCpuSecond(soakHalf), perCpuSecond(rawHalf), 'msgs/CPU-s', `both offered ${halfRate}/s/conn; delivered soakstorm ${Math.round(perWallSecond(soakHalf))}/s, raw ${Math.round(perWallSecond(rawHalf))}/s; soakstorm ${health(soakHalf)}`),
    row('ws echo per CPU-s vs raw 1-in-flight', s, perCpuSecond(raw1), 'msgs/CPU-s', `${settings}; soakstorm 1 worker, open loop ${ratePerSec}/s/client, ${health(soak)}`),
    row(`ws echo per CPU-s vs raw ${WS_ECHO.pipelinedInFlight}-in-flight`, s, perCpuSecond(rawPipelined), 'msgs/CPU-s', settings),
    row('ws echo wall vs raw 1-in-flight', perWallSecond(soak), perWallSecond(raw1), 'msgs/s', `lab in its own process on 2 shared cores; core share soakstorm ${round(coreShare(soak), 2)}, raw ${round(coreShare(raw1), 2)}`),
    row(`ws echo wall vs raw ${WS_ECHO.pipelinedInFlight}-in-flight`, perWallSecond(soak), perWallSecond(rawPipelined), 'msgs/s', `raw core share ${round(coreShare(rawPipelined), 2)}`),
  ];
  return { rows, raw1, rawPipelined, soak, soakHalf };
}

function describe(r: WindowResult): string {
  return `${Math.round(perCpuSecond(r))} msgs/CPU-s, ${Math.round(perWallSecond(r))} msgs/s wall, core share ${round(coreShare(r), 2)}`;
}

childMain({ raw: rawLoop, timed: rawTimed, soak: soakLoop });
