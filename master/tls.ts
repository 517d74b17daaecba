/**
 * The master's TLS files: read and checked at start (a bad file stops the master naming the flag and
 * the file) and again on SIGHUP, so a renewed certificate is served without a restart.
 */
import type { ServerOptions } from 'node:https';
import type { SecureContextOptions } from 'node:tls';
import { readTlsFiles } from '../core/index.js';

export interface TlsFiles {
  /** PEM certificate (the chain after it if any): --tls-cert. */
  certFile: string;
  /** PEM private key of that certificate: --tls-key. */
  keyFile: string;
  /** PEM CA certificates: with it a client certificate signed by one of them is required (--client-ca). */
  clientCaFile?: string;
}

const MASTER_TLS_FLAGS = { ca: '--client-ca', cert: '--tls-cert', key: '--tls-key' };

/** The certificate, key and client CA as a secure context (what a reload replaces); throws INVALID_ARGUMENT. */
export function readTlsContext(files: TlsFiles): SecureContextOptions {
  return readTlsFiles({ cert: files.certFile, key: files.keyFile, ca: files.clientCaFile }, MASTER_TLS_FLAGS)!;
}

/** node:https server options: the context, plus a required client certificate with --client-ca. */
export function tlsServerOptions(files: TlsFiles): ServerOptions {
  const mutual = files.clientCaFile !== undefined;
  return { ...readTlsContext(files), requestCert: mutual, rejectUnauthorized: mutual };
}
