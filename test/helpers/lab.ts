// The lab in tests: start one for a body and always close it (withLab), and client-side helpers
// (real ws and undici clients on 127.0.0.1, every wait bounded). Importing it has no side effects
// (node --test also loads it).
import { WebSocket, type ClientOptions } from 'ws';
import { request } from 'undici';
import type { Readable } from 'node:stream';
import type { LabOptions } from '../../src/lab/options.js';
import { startLab, type Lab } from '../../src/lab/server.js';

/**
 * Starts a lab with `options`, runs `body` against it and always closes it. Heartbeats are off
 * unless asked for: a ping in the middle of an assertion would count as traffic.
 */
export async function withLab<T>(options: Partial<LabOptions>, body: (lab: Lab) => Promise<T>): Promise<T> {
  const lab = await startLab({ heartbeatMs: 0, ...options });
  try {
    return await body(lab);
  } finally {
    await lab.close();
  }
}

/** Resolves after `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Rejects with `what` if `promise` takes longer than `ms`. */
export async function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Polls `check` every 20 ms until true; fails after `ms`. */
export async function waitFor(ms: number, what: string, check: () => boolean): Promise<void> {
  const deadline = performance.now() + ms;
  while (!check()) {
    if (performance.now() > deadline) throw new Error(`timed out after ${ms} ms: ${what}`);
    await sleep(20);
  }
}

/** Opens a WebSocket and waits for the handshake (5 s cap). */
export async function openWs(url: string, options: ClientOptions = {}): Promise<WebSocket> {
  const ws = new WebSocket(url, options);
  ws.on('error', () => {});
  await within(5000, `open ${url}`, new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  }));
  return ws;
}

/** How a WebSocket ended: close code, and ms from `sinceMs` (performance.now()). */
export interface WsEnd {
  code: number;
  afterMs: number;
}

/** Resolves when `ws` closes (cap `ms`). */
export function closed(ws: WebSocket, sinceMs: number, ms = 5000): Promise<WsEnd> {
  return within(ms, 'WebSocket close', new Promise((resolve) => {
    if (ws.readyState === WebSocket.CLOSED) resolve({ code: 1006, afterMs: performance.now() - sinceMs });
    ws.once('close', (code) => resolve({ code, afterMs: performance.now() - sinceMs }));
  }));
}

/** Outcome of an upgrade attempt: 101 or the HTTP status the server refused with. */
export function upgradeStatus(url: string): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  const ws = new WebSocket(url);
  return within(5000, `upgrade ${url}`, new Promise((resolve, reject) => {
    ws.once('open', () => {
      ws.terminate();
      resolve({ status: 101, headers: {}, body: '' });
    });
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    ws.once('error', (err) => reject(err));
  }));
}

/** GETs a small document with undici and returns status, headers and text. */
export async function getText(url: string): Promise<{ status: number; type: string; text: string }> {
  const res = await request(url);
  return { status: res.statusCode, type: String(res.headers['content-type']), text: await res.body.text() };
}

/** A stream read for a while: every chunk's text and arrival time, and how the body ended. */
export interface StreamCapture {
  status: number;
  headers: Record<string, unknown>;
  chunks: Array<{ text: string; atMs: number }>;
  /** 'open' (we stopped reading), 'end' (clean end) or the error code/message. */
  ending: string;
  endedAtMs: number;
}

/** Opens a stream with undici and collects chunks for `forMs` or until it ends (whichever first). */
export async function captureStream(url: string, forMs: number, headers: Record<string, string> = {}): Promise<StreamCapture> {
  const startMs = performance.now();
  const res = await request(url, { headers });
  const capture: StreamCapture = { status: res.statusCode, headers: res.headers, chunks: [], ending: 'open', endedAtMs: 0 };
  const body = res.body as Readable;
  // undici's body ignores setEncoding: decode here, keeping split UTF-8 sequences across chunks.
  const decoder = new TextDecoder();
  let stopped = false;
  await within(forMs + 5000, `stream ${url}`, new Promise<void>((resolve) => {
    const stop = setTimeout(() => {
      stopped = true;
      capture.endedAtMs = performance.now() - startMs;
      body.destroy();
      resolve();
    }, forMs);
    body.on('data', (chunk: Buffer) => capture.chunks.push({ text: decoder.decode(chunk, { stream: true }), atMs: performance.now() - startMs }));
    body.on('end', () => finish('end'));
    body.on('error', (err: NodeJS.ErrnoException) => finish(err.code ?? err.message));
    function finish(ending: string): void {
      if (stopped || capture.ending !== 'open') return;
      clearTimeout(stop);
      capture.ending = ending;
      capture.endedAtMs = performance.now() - startMs;
      resolve();
    }
  }));
  return capture;
}

/** Parses every push JSON in captured SSE/NDJSON text (lines holding `{"seq":`). */
export function pushesIn(text: string): Array<{ seq: number; ts: number; data: string }> {
  return text
    .split('\n')
    .map((line) => line.replace(/^data: /, ''))
    .filter((line) => line.startsWith('{"seq":'))
    .map((line) => JSON.parse(line) as { seq: number; ts: number; data: string });
}
