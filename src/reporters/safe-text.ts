// Text from a server (close reasons, error texts) is shown, never obeyed: control characters
// become visible, and a run that skipped certificate checks says so in every report.

/**
 * C0 controls (except tab and, when `keepNewlines`, newline), DEL, C1 controls and bidi overrides.
 * A hostile server's close reason or error text must not move the cursor, ring the bell, retitle
 * the terminal or reorder what a report shows; each such character becomes U+FFFD, visibly.
 */
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/g;
const CONTROL_AND_NEWLINE = /[\u0000-\u0008\u000A-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/g;

/** `text` with control characters replaced by U+FFFD (newlines kept only when asked). */
export function stripControl(text: string, keepNewlines = false): string {
  return text.replace(keepNewlines ? CONTROL : CONTROL_AND_NEWLINE, '\uFFFD');
}

/** The loud line every report shows when the run skipped certificate checks (--insecure); null otherwise. */
export function insecureNote(settings: Readonly<Record<string, unknown>>): string | null {
  return settings['tlsInsecure'] === true ? 'TLS certificates were NOT checked (--insecure): the target\'s identity is unverified.' : null;
}
