// Secrets never leave the process in clear: header values of credential headers, URL userinfo
// passwords and credential-looking query parameters become "***" in every file, terminal line,
// compare output and error message. Workers and samplers get the real values; everything a human
// or a disk sees goes through here. Lives in metrics/ so coordinator, reporters and cli share it.

/** What a secret is replaced with. */
export const REDACTED = '***';

/** Headers whose values are credentials (lower case); --redact-header adds more. */
export const SECRET_HEADERS: readonly string[] = ['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-api-key'];

/** A query parameter whose name contains one of these (case-insensitive) is a credential. */
const SECRET_QUERY_NAME = /token|key|secret|password|auth|sig|session/i;
/** Exact secret values shorter than this are only redacted structurally (in URLs, headers): replacing "42" everywhere would wreck a report. */
const MIN_VALUE_LENGTH = 4;
/** A URL inside free text (error messages, labels): scheme, then everything up to a space or quote. */
const URL_IN_TEXT = /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>`]+/gi;
/** "Authorization: Bearer x" or "authorization=x" inside free text. */
const HEADER_IN_TEXT = /\b(authorization|proxy-authorization|cookie|set-cookie|x-api-key)(\s*[:=]\s*)([^\r\n,;"']+)/gi;

/** True when `name` (any case) is a credential header, built-in or named by --redact-header. */
export function isSecretHeader(name: string, extra: readonly string[] = []): boolean {
  const n = name.trim().toLowerCase();
  return SECRET_HEADERS.includes(n) || extra.some((e) => e.trim().toLowerCase() === n);
}

/** Headers with credential values replaced; names keep their case. */
export function redactHeaders(headers: Readonly<Record<string, string>>, extra: readonly string[] = []): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) out[k] = isSecretHeader(k, extra) ? REDACTED : v;
  return out;
}

/**
 * The URL with its userinfo password and credential query values replaced. Rewritten as text, not
 * re-serialised through URL, so the rest reads exactly as the user typed it.
 */
export function redactUrl(url: string): string {
  const m = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*)([^?#]*)(\?[^#]*)?(#.*)?$/i.exec(url);
  if (m === null) return url;
  const [, scheme, authority, path, query = '', hash = ''] = m;
  const at = authority!.lastIndexOf('@');
  let auth = authority!;
  if (at >= 0) {
    const userinfo = authority!.slice(0, at);
    const colon = userinfo.indexOf(':');
    if (colon >= 0) auth = `${userinfo.slice(0, colon)}:${REDACTED}@${authority!.slice(at + 1)}`;
  }
  return `${scheme}${auth}${path}${redactQuery(query)}${hash}`;
}

function redactQuery(query: string): string {
  if (query.length <= 1) return query;
  const parts = query.slice(1).split('&').map((pair) => {
    const eq = pair.indexOf('=');
    if (eq < 0) return pair;
    const name = safeDecode(pair.slice(0, eq));
    return SECRET_QUERY_NAME.test(name) ? `${pair.slice(0, eq)}=${REDACTED}` : pair;
  });
  return `?${parts.join('&')}`;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}

/** Free text with every URL in it redacted and "Authorization: …"-style values hidden. Stateless. */
export function redactText(text: string): string {
  return text.replace(URL_IN_TEXT, (u) => redactUrl(u)).replace(HEADER_IN_TEXT, (_all, name: string, sep: string) => `${name}${sep}${REDACTED}`);
}

/** The secret values found in a URL: its password and credential query values, raw and decoded. */
export function secretsOfUrl(url: string): string[] {
  const out: string[] = [];
  const m = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)[^?#]*(\?[^#]*)?/i.exec(url);
  if (m === null) return out;
  const authority = m[1]!;
  const at = authority.lastIndexOf('@');
  if (at >= 0) {
    const userinfo = authority.slice(0, at);
    const colon = userinfo.indexOf(':');
    if (colon >= 0) out.push(userinfo.slice(colon + 1), safeDecode(userinfo.slice(colon + 1)));
  }
  for (const pair of (m[2] ?? '').slice(1).split('&')) {
    const eq = pair.indexOf('=');
    if (eq >= 0 && SECRET_QUERY_NAME.test(safeDecode(pair.slice(0, eq)))) out.push(pair.slice(eq + 1), safeDecode(pair.slice(eq + 1)));
  }
  return out;
}

/**
 * The secret values of credential headers: the whole value, the credentials after an auth scheme
 * ("Bearer abc" → "abc") and each cookie value ("a=1; sid=xyz" → "xyz"). Scheme and cookie
 * names are not secrets and are kept, so the word "session" is never hidden from a report.
 */
export function secretsOfHeaders(headers: Readonly<Record<string, string>>, extra: readonly string[] = []): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(headers)) {
    if (!isSecretHeader(k, extra)) continue;
    out.push(v.trim());
    for (const item of v.split(/[;,]/)) {
      const t = item.trim();
      const eq = t.indexOf('=');
      const space = t.indexOf(' ');
      if (eq > 0 && (space < 0 || eq < space)) out.push(t.slice(eq + 1).trim());
      else if (space > 0) out.push(t.slice(space + 1).trim());
    }
  }
  return out;
}

/**
 * Secret values in a JSON message the clients send (--subscribe): string or number values of keys
 * named like credentials ({"op":"auth","token":"…"}) at any depth. Non-JSON text yields nothing.
 */
export function secretsOfMessage(text: string | null): string[] {
  if (text === null) return [];
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return [];
  }
  const out: string[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v !== null && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (SECRET_QUERY_NAME.test(k) && (typeof x === 'string' || typeof x === 'number')) out.push(String(x));
        else walk(x);
      }
    }
  };
  walk(data);
  return out;
}

/** Replaces known secret values anywhere in a string, then redacts URLs and header pairs structurally. */
export type Redactor = (text: string) => string;

/**
 * A redactor for one run: knows the exact secret values (header values, URL passwords and query
 * values of every URL given) so they are hidden even where they appear out of a URL, e.g. a
 * server echoing a token in a close reason.
 */
export function makeRedactor(secrets: Iterable<string>): Redactor {
  const values = [...new Set([...secrets].filter((s) => s.length >= MIN_VALUE_LENGTH))].sort((a, b) => b.length - a.length);
  // JSON.stringify escapes quotes and backslashes: look for that spelling too.
  const spelled = [...new Set(values.flatMap((v) => [v, JSON.stringify(v).slice(1, -1)]))];
  return (text: string): string => {
    let out = redactText(text);
    for (const v of spelled) if (out.includes(v)) out = out.split(v).join(REDACTED);
    return out;
  };
}

/** Every string inside a JSON-like value passed through `redact` (objects and arrays copied). */
export function redactDeep<T>(value: T, redact: Redactor): T {
  if (typeof value === 'string') return redact(value) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => redactDeep(v, redact)) as T;
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = redactDeep(v, redact);
    return out as T;
  }
  return value;
}

/** The same error with URLs and header pairs in its message and stack redacted (mutated in place). */
export function redactError<T>(err: T): T {
  if (err instanceof Error) {
    err.message = redactText(err.message);
    if (err.stack !== undefined) err.stack = redactText(err.stack);
  }
  return err;
}
