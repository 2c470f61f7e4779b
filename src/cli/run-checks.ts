// Options that are fine alone but contradict each other: each becomes one line naming where both
// values came from (flag, SOAKSTORM_* variable or config key). Options that do nothing for the
// chosen protocol are warnings: the run still makes sense, but the user believes something false.
import { MESSAGE_HEADER_BYTES, PROFILES } from '../protocol.js';
import type { RunOptions } from '../coordinator/plan.js';
import { showDuration } from '../units.js';
import type { OptionSources } from './option-values.js';
import type { RunOptionKey } from './run-option-table.js';


/** Pushes one problem per contradiction between already-parsed options. */
export function checkContradictions(o: RunOptions, src: OptionSources, problems: string[]): void {
  const from = (key: RunOptionKey): string => src.get(key).label;
  if (o.durationMs <= 0) problems.push(`${from('duration')} must be longer than 0 (got "${String(src.get('duration').text)}").`);
  else if (o.rampUpMs >= o.durationMs) {
    problems.push(`${from('rampUp')} ${showDuration(o.rampUpMs)} is not shorter than ${from('duration')} ${showDuration(o.durationMs)}: some clients would never connect. Shorten the ramp-up or lengthen the run.`);
  }
  if (o.profile.payloadBytes < MESSAGE_HEADER_BYTES) {
    problems.push(`${from('payload')} ${o.profile.payloadBytes} is below the ${MESSAGE_HEADER_BYTES}-byte message header (seq, client id, timestamps). Use --payload ${MESSAGE_HEADER_BYTES} or more.`);
  }
  if (o.profile.reconnectBaseMs > o.profile.reconnectCapMs) {
    problems.push(`${from('reconnectBase')} ${showDuration(o.profile.reconnectBaseMs)} is above ${from('reconnectCap')} ${showDuration(o.profile.reconnectCapMs)}: the first backoff step would exceed the longest. Lower the base or raise the cap.`);
  }
  if (o.mix[3]! > 0 && o.profile.stormAtMs.length === 0 && o.profile.stormEveryMs === 0) {
    problems.push(`--mix has storm clients but no storm is set (got "${String(src.get('mix').text)}"). Add --storm-at 30s or --storm-every 1m.`);
  }
  if (o.profile.stormAtMs.some((t) => t >= o.durationMs)) {
    problems.push(`${from('stormAt')} is past the end of the run (got "${String(src.get('stormAt').text)}" with ${from('duration')} ${showDuration(o.durationMs)}). Use times inside the run.`);
  }
  // The echo of our own message, or a push we asked for, must fit under the incoming cap.
  const biggest = Math.max(o.profile.payloadBytes, o.profile.pushBytes);
  if (o.maxMessageBytes < biggest) {
    const which = o.profile.payloadBytes >= o.profile.pushBytes ? `${from('payload')} ${o.profile.payloadBytes}` : `${from('pushSize')} ${o.profile.pushBytes}`;
    problems.push(`${from('maxMessageSize')} ${o.maxMessageBytes} is below ${which}: every echo or push asked for would be refused as oversized. Raise --max-message-size.`);
  }
  if (o.tlsInsecure && o.caPem !== null) {
    problems.push(`${from('insecure')} and ${from('ca')} contradict each other: --insecure checks no certificate at all. Keep --ca to check against your CA, or --insecure alone.`);
  }
  const tls = /^(wss|https):/i.test(o.url);
  if (o.url !== '' && !tls && (o.tlsInsecure || o.caPem !== null)) {
    problems.push(`${o.tlsInsecure ? from('insecure') : from('ca')} needs a TLS target (wss:// or https://), but the URL is plain text. Drop it or use a TLS URL.`);
  }
}

/** Profile options that only matter when that profile has clients in --mix. */
const PROFILE_OPTIONS: Readonly<Record<string, readonly RunOptionKey[]>> = {
  slow: ['slowReadRate'],
  sleepy: ['awake', 'asleep', 'sleepJitter', 'vanish'],
  storm: ['stormAt', 'stormEvery', 'stormBudget'],
  idle: ['idleSendEvery'],
};

/** Options set by the user that do nothing here (protocol or mix): one warning line each. */
export function ignoredOptionWarnings(o: RunOptions, src: OptionSources): string[] {
  const out: string[] = [];
  if (o.driver !== 'ws') {
    const name = o.driver.toUpperCase();
    // Streams only read: nothing is sent after the request, and there are no ping frames.
    for (const key of ['rate', 'payload', 'rtt', 'subscribe', 'idleSendEvery'] as const) {
      if (src.given(key)) out.push(`${src.get(key).label} does nothing for ${name} (streams only read; the server decides what it sends). Remove it, or use a ws:// target.`);
    }
  }
  for (const [profile, keys] of Object.entries(PROFILE_OPTIONS)) {
    const p = (PROFILES as readonly string[]).indexOf(profile);
    if (p >= 0 && o.mix[p]! > 0) continue;
    for (const key of keys) {
      if (src.given(key) && !out.some((w) => w.startsWith(src.get(key).label))) {
        out.push(`${src.get(key).label} does nothing: --mix has no ${profile} clients. Add e.g. --mix fast=80,${profile}=20, or remove it.`);
      }
    }
  }
  return out;
}
