// TLS failures get their own one-line cause and fix instead of "Start the target": the target is
// up, it is the certificate (or a plain port behind wss://) that stops every connection.
// Matched on the error codes Node puts in worker error samples ("CODE: message" / "stream error: CODE").
// In metrics/ so both the CLI and the coordinator's "nothing opened" line can use it.

const TLS_CAUSES: readonly (readonly [RegExp, string])[] = [
  [/DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN/, "the server's certificate is self-signed: pass --ca FILE (that certificate, PEM) or --insecure"],
  [/UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT(_LOCALLY)?/, "the server's certificate is signed by an unknown CA: pass --ca FILE with that CA (PEM) or --insecure"],
  [/ERR_TLS_CERT_ALTNAME_INVALID|Hostname\/IP does not match/, "the server's certificate does not name this host: connect with a host name the certificate lists, or pass --insecure"],
  [/CERT_HAS_EXPIRED/, "the server's certificate has expired: renew it on the server, or pass --insecure"],
  [/CERT_NOT_YET_VALID/, "the server's certificate is not valid yet (check the server's and this machine's clocks), or pass --insecure"],
  [/ERR_SSL_WRONG_VERSION_NUMBER|wrong version number|EPROTO/, 'this port does not speak TLS: use ws:// (or http://) instead of wss:// (https://), or the TLS port'],
];

/** The TLS cause and fix for an error text, or null when it is not a TLS failure. */
export function tlsFailure(text: string): string | null {
  for (const [re, words] of TLS_CAUSES) if (re.test(text)) return words;
  return null;
}

/** The TLS cause behind a run's error samples, or null when none of them is a TLS failure. */
export function tlsFailureOf(samples: readonly { kind: string; text: string }[]): string | null {
  for (const s of samples) {
    if (s.kind !== 'error') continue;
    const words = tlsFailure(s.text);
    if (words !== null) return words;
  }
  return null;
}
