import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { HeliosError } from '../errors/HeliosError.js';
import type { TlsFilePaths } from './tlsPaths.js';
import type { TlsOptions } from './transport.js';

/** What the user calls each file, named in errors: a client's flags by default. */
export interface TlsFileNames {
  ca: string;
  cert: string;
  key: string;
}

export const CLIENT_TLS_FLAGS: TlsFileNames = { ca: '--ca', cert: '--cert', key: '--key' };

/**
 * Reads and checks PEM files: the CA and the certificate must parse, the key must be the
 * certificate's, and a certificate needs its key (and the key its certificate). Undefined when no
 * path is given. Errors are INVALID_ARGUMENT naming the flag and the file.
 * @example
 *   const tls = readTlsFiles({ ca: argv.ca ?? env.HELIOS_CA });
 *   const client = createClient({ baseUrl: 'https://master:5801', tls });
 */
export function readTlsFiles(paths: TlsFilePaths, names: TlsFileNames = CLIENT_TLS_FLAGS): TlsOptions | undefined {
  if (paths.cert && !paths.key) throw invalid(names.cert, paths.cert, `needs ${names.key} FILE too (the certificate's private key)`);
  if (paths.key && !paths.cert) throw invalid(names.key, paths.key, `needs ${names.cert} FILE too (the certificate of that key)`);
  const tls: TlsOptions = {};
  if (paths.ca) {
    tls.ca = readPem(names.ca, paths.ca);
    parse(names.ca, paths.ca, 'a PEM CA certificate', () => new X509Certificate(tls.ca!));
  }
  if (paths.cert && paths.key) {
    tls.cert = readPem(names.cert, paths.cert);
    tls.key = readPem(names.key, paths.key);
    const certificate = parse(names.cert, paths.cert, 'a PEM certificate', () => new X509Certificate(tls.cert!));
    const key = parse(names.key, paths.key, 'a PEM private key without a passphrase', () => createPrivateKey(tls.key!));
    if (!matches(certificate, key)) throw invalid(names.key, paths.key, `is not the private key of the certificate in ${names.cert} ${paths.cert}`);
  }
  return Object.keys(tls).length > 0 ? tls : undefined;
}

const invalid = (flag: string, file: string, what: string) => new HeliosError('INVALID_ARGUMENT', `${flag} ${file} ${what}`, { flag, file });

function readPem(flag: string, file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw invalid(flag, file, `cannot be read (${e.code ?? e.message})`);
  }
}

function parse<T>(flag: string, file: string, what: string, read: () => T): T {
  try {
    return read();
  } catch (err) {
    throw invalid(flag, file, `does not hold ${what} (${(err as Error).message})`);
  }
}

function matches(certificate: X509Certificate, key: KeyObject): boolean {
  try {
    return certificate.checkPrivateKey(key);
  } catch {
    return false; // a key of another type than the certificate's (RSA for an EC certificate)
  }
}
