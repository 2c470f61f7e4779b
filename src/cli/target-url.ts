// The target URL: scheme → wire protocol, and the checks that a URL and --protocol agree.
// URLs are shown redacted: a password or ?token= typed into the URL never reaches a message.
import { DRIVERS, type DriverName } from '../protocol.js';
import { redactUrl } from '../metrics/redact.js';

const SCHEMES = ['ws:', 'wss:', 'sse+http:', 'sse+https:', 'ndjson+http:', 'ndjson+https:', 'http:', 'https:'];

/** One problem line per thing wrong with the URL itself. */
export function checkUrl(url: string, problems: string[]): void {
  const shown = redactUrl(url);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    problems.push(`target URL is not a URL (got "${shown}"). Use e.g. ws://127.0.0.1:8080/.`);
    return;
  }
  if (!SCHEMES.includes(parsed.protocol)) {
    problems.push(`unsupported URL scheme "${parsed.protocol}" (got "${shown}"). Use ws://, wss://, sse+http://, ndjson+http:// (or https).`);
  }
}

/** sse+http://h/p → (http://h/p, sse); http(s) needs --protocol; ws(s) is ws. `protocolFrom` names where --protocol came from. */
export function splitScheme(url: string, protocol: string, protocolFrom: string, problems: string[]): { url: string; driver: DriverName } {
  const shown = redactUrl(url);
  const m = /^(sse|ndjson)\+(https?:.*)$/i.exec(url);
  const isHttp = m !== null || /^https?:/i.test(url);
  if (protocol !== '' && !(DRIVERS as readonly string[]).includes(protocol)) {
    problems.push(`${protocolFrom} must be one of ${DRIVERS.join(', ')} (got "${protocol}").`);
    protocol = '';
  }
  if (m) {
    const driver = m[1]!.toLowerCase() as DriverName;
    if (protocol !== '' && protocol !== driver) problems.push(`${protocolFrom} ${protocol} contradicts the URL scheme ${m[1]}+ (got "${shown}"). Drop ${protocolFrom} or fix the scheme.`);
    return { url: m[2]!, driver };
  }
  if (protocol !== '') {
    if ((protocol === 'ws') === isHttp) {
      problems.push(`${protocolFrom} ${protocol} contradicts the URL scheme (got "${shown}"). Use ${protocol === 'ws' ? 'ws:// or wss://' : 'http:// or https://'}, or drop ${protocolFrom}.`);
    } else return { url, driver: protocol as DriverName };
  } else if (isHttp) {
    problems.push(`an http URL needs a stream protocol (got "${shown}"). Use sse+http://… or ndjson+http://…, or add --protocol sse|ndjson.`);
  }
  return { url, driver: 'ws' };
}
