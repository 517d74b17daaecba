import { HeliosError } from '../errors/HeliosError.js';

/** How this program's user sets each thing a failed connection may need. */
export interface ReachHints {
  /** The master's address, e.g. `-z or HELIOS_MASTER`. */
  master: string;
  /**
   * What to check when nothing answers at the address (refused, timed out); default `set <master>`.
   * A program whose address is a required flag says so instead of asking to set it.
   */
  down?: string;
  /** A CA to trust, e.g. `--ca FILE (HELIOS_CA)`. */
  ca: string;
  /** A client certificate, e.g. `--cert FILE --key FILE (HELIOS_CERT, HELIOS_KEY)`. */
  cert: string;
}

/** The hints a client was given, each defaulting to the CLI's flags and variables. */
export const reachHints = (given: { masterHint?: string; masterDownHint?: string; caHint?: string; certHint?: string }): ReachHints => ({
  master: given.masterHint ?? '-z or HELIOS_MASTER',
  down: given.masterDownHint,
  ca: given.caHint ?? '--ca FILE (HELIOS_CA)',
  cert: given.certHint ?? '--cert FILE --key FILE (HELIOS_CERT, HELIOS_KEY)',
});

const UNTRUSTED = new Set(['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'SELF_SIGNED_CERT_IN_CHAIN', 'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'CERT_SIGNATURE_FAILURE']);
const CERT_REFUSED = new Set(['ERR_SSL_TLSV1_ALERT_UNKNOWN_CA', 'ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE',
  'ERR_SSL_SSLV3_ALERT_CERTIFICATE_EXPIRED', 'ERR_SSL_SSLV3_ALERT_CERTIFICATE_UNKNOWN', 'ERR_SSL_TLSV1_ALERT_DECRYPT_ERROR']);

/**
 * MASTER_UNREACHABLE with one line saying why and what to do: a refused or timed-out connection
 * names how to set the address; a certificate this client cannot verify (or a client certificate
 * the master wants) names how to give the CA or the certificate.
 */
export function unreachable(baseUrl: string, err: unknown, hints: ReachHints, sentCert: boolean): HeliosError {
  return new HeliosError('MASTER_UNREACHABLE', `cannot reach the master at ${baseUrl}: ${reason(baseUrl, err, hints, sentCert)}`,
    { master: baseUrl }, { cause: err });
}

function reason(baseUrl: string, err: unknown, hints: ReachHints, sentCert: boolean): string {
  const down = hints.down ?? `set ${hints.master}`;
  if (err instanceof Error && err.name === 'TimeoutError') return `timed out (${down})`;
  const cause = (err as { cause?: { code?: string; message?: string; reason?: string } })?.cause;
  const detail = cause?.message ?? '';
  // node:https reports some TLS alerts as EPROTO with the alert in the message; undici names them.
  const code = cause?.code === 'EPROTO' && /wrong version number/.test(detail) ? 'ERR_SSL_WRONG_VERSION_NUMBER'
    : cause?.code === 'EPROTO' && /alert handshake failure/.test(detail) ? 'ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE'
      : cause?.code;
  const secure = baseUrl.startsWith('https:');
  if (code === 'ECONNREFUSED') return `connection refused (${down})`;
  if (code && UNTRUSTED.has(code)) return `its certificate is not signed by a CA this client trusts (${code}); give the CA with ${hints.ca}`;
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    return `its certificate is for another name: ${cause?.reason ?? detail} (${code}); use an address the certificate names, `
      + 'or give the master a certificate for this one (--tls-cert)';
  }
  if (code === 'CERT_HAS_EXPIRED') return `its certificate has expired (${code}); renew the master's --tls-cert (it re-reads it on SIGHUP)`;
  if (code === 'CERT_NOT_YET_VALID') return `its certificate is not valid yet (${code}); check the clocks of both machines`;
  if (code === 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED' || (code === 'ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE' && !sentCert)) {
    return `it requires a client certificate and none was given (${code}); give one signed by its --client-ca with ${hints.cert}`;
  }
  if (code && CERT_REFUSED.has(code)) return `it refused this client's certificate (${code}); give one signed by its --client-ca with ${hints.cert}`;
  if (code === 'ECONNRESET' && secure && sentCert) {
    // TLS 1.3: the master checks the client certificate after the handshake and resets the connection.
    return `the connection was reset (${code}); if the master requires client certificates, it refused this one: `
      + `give one signed by its --client-ca with ${hints.cert}`;
  }
  if (code === 'ERR_SSL_WRONG_VERSION_NUMBER') return `it does not speak TLS at this address (${code}); use an http:// URL (set ${hints.master})`;
  if ((code === 'ECONNRESET' || code === 'UND_ERR_SOCKET') && !secure) {
    return `the connection was closed (${code}); if the master serves HTTPS, use an https:// URL (set ${hints.master})`;
  }
  return `${code ?? (err instanceof Error ? err.message : String(err))} (${down})`;
}
