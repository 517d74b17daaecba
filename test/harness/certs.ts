/**
 * Certificates for TLS tests, made with `openssl` in a temp dir: a private CA, a server certificate
 * for 127.0.0.1 and localhost, client certificates with a given CN, and the bad ones a client must
 * refuse (expired, for another host, signed by another CA).
 * @example
 *   const certs = await makeCerts(); t.teardown(certs.cleanup);
 *   const master = await startTestMaster({ tls: certs.serverTls() });
 *   const client = createClient({ baseUrl: master.url, tls: certs.clientTls() });
 */
import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { readTlsFiles, type TlsOptions } from '../../core/index.js';
import { tempDir } from './processes.js';

const run = promisify(execFile);

/** A certificate and its private key, as files. */
export interface CertFiles {
  certFile: string;
  keyFile: string;
}

export interface TestCerts {
  dir: string;
  /** The private CA's certificate: what clients pass as --ca and the master as --client-ca. */
  caFile: string;
  /** Signed by the CA, for IP 127.0.0.1 and DNS localhost, valid for two days. */
  server: CertFiles;
  /** Signed by the CA, but expired yesterday. */
  expired: CertFiles;
  /** Signed by the CA, for other.example and 10.255.255.1 only. */
  wrongHost: CertFiles;
  /** For 127.0.0.1 and localhost, but signed by another CA that nobody trusts. */
  untrusted: CertFiles;
  /** Another CA's certificate (the issuer of `untrusted`). */
  otherCaFile: string;
  /** A new server certificate for 127.0.0.1, localhost and `ips` signed by the CA (to rotate it, or for another address). */
  serverCert(name: string, options?: { ips?: string[] }): Promise<CertFiles>;
  /** A client certificate signed by the CA with this CN (or by the other CA). */
  clientCert(cn: string, options?: { untrusted?: boolean }): Promise<CertFiles>;
  /** A client's TLS options: the CA, plus a client certificate when given (as the core client takes them). */
  clientTls(files?: CertFiles): TlsOptions;
  /** The master's TLS option for a certificate (default `server`), with `--client-ca` when asked. */
  serverTls(files?: CertFiles, options?: { clientCa?: boolean }): { certFile: string; keyFile: string; clientCaFile?: string };
  cleanup(): Promise<void>;
}

const LOCAL_NAMES = 'IP:127.0.0.1,DNS:localhost';

/** Makes a private CA and the certificates above (about half a second of `openssl`). */
export async function makeCerts(): Promise<TestCerts> {
  const tmp = await tempDir('helios-certs-');
  const dir = tmp.path;
  const ca = await makeCa(dir, 'ca', 'Helios test CA');
  const otherCa = await makeCa(dir, 'other-ca', 'Some other CA');
  // `openssl ca` keeps a database per CA: concurrent tests asking for certificates take turns.
  // Files are numbered: asking twice for one name never overwrites what a test already uses.
  let turn: Promise<unknown> = Promise.resolve();
  let issued = 0;
  const sign = (issuer: Ca, name: string, o: LeafOptions) => {
    const signed = turn.then(() => signLeaf(issuer, `${++issued}-${name}`, o));
    turn = signed.catch(() => undefined);
    return signed;
  };
  const server = (name: string, options: { ips?: string[] } = {}) =>
    sign(ca, name, { cn: '127.0.0.1', ext: serverExt([LOCAL_NAMES, ...(options.ips ?? []).map((a) => `IP:${a}`)].join(',')) });
  const clientCert = (cn: string, options: { untrusted?: boolean } = {}) =>
    sign(options.untrusted ? otherCa : ca, `client-${cn}${options.untrusted ? '-untrusted' : ''}`, { cn, ext: CLIENT_EXT });
  const yesterday = new Date(Date.now() - 86_400_000);
  const serverFiles = await server('server');
  return {
    dir,
    caFile: ca.certFile,
    server: serverFiles,
    expired: await sign(ca, 'expired', {
      cn: '127.0.0.1', ext: serverExt(LOCAL_NAMES), start: new Date(yesterday.getTime() - 86_400_000), end: yesterday,
    }),
    wrongHost: await sign(ca, 'wrong-host', { cn: 'other.example', ext: serverExt('DNS:other.example,IP:10.255.255.1') }),
    untrusted: await sign(otherCa, 'untrusted', { cn: '127.0.0.1', ext: serverExt(LOCAL_NAMES) }),
    otherCaFile: otherCa.certFile,
    serverCert: server,
    clientCert,
    clientTls: (files) => readTlsFiles({ ca: ca.certFile, cert: files?.certFile, key: files?.keyFile })!,
    serverTls: (files = serverFiles, options = {}) =>
      ({ certFile: files.certFile, keyFile: files.keyFile, ...(options.clientCa ? { clientCaFile: ca.certFile } : {}) }),
    cleanup: tmp.cleanup,
  };
}

interface Ca extends CertFiles {
  dir: string;
  config: string;
}

const key = (file: string) => run('openssl', ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', file]);

async function makeCa(root: string, name: string, cn: string): Promise<Ca> {
  const dir = join(root, name);
  await mkdir(join(dir, 'issued'), { recursive: true });
  const certFile = join(dir, 'ca.pem');
  const keyFile = join(dir, 'ca.key');
  const config = join(dir, 'openssl.cnf');
  // `openssl ca` (not `x509 -req`) because only it takes a start and end date: the expired certificate.
  await writeFile(config, `[ca]
default_ca = test_ca
[test_ca]
database = ${join(dir, 'index.txt')}
new_certs_dir = ${join(dir, 'issued')}
certificate = ${certFile}
private_key = ${keyFile}
serial = ${join(dir, 'serial')}
default_md = sha256
policy = any_name
unique_subject = no
[any_name]
commonName = supplied
[req]
distinguished_name = dn
[dn]
[ca_ext]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
`);
  await writeFile(join(dir, 'index.txt'), '');
  await writeFile(join(dir, 'serial'), '1000\n');
  await key(keyFile);
  await run('openssl', ['req', '-x509', '-new', '-config', config, '-extensions', 'ca_ext', '-key', keyFile, '-subj', `/CN=${cn}`, '-days', '2', '-out', certFile]);
  return { dir, config, certFile, keyFile };
}

const serverExt = (names: string) => `basicConstraints = CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = ${names}
`;

const CLIENT_EXT = `basicConstraints = CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = clientAuth
`;

/** openssl's date format: YYYYMMDDHHMMSSZ. */
const asn1Time = (date: Date) => `${date.toISOString().replace(/[-:T]/g, '').slice(0, 14)}Z`;

interface LeafOptions {
  cn: string;
  /** The X.509 v3 extensions, in openssl.cnf syntax. */
  ext: string;
  start?: Date;
  end?: Date;
}

async function signLeaf(ca: Ca, name: string, o: LeafOptions): Promise<CertFiles> {
  const base = join(ca.dir, '..', name);
  const keyFile = `${base}.key`;
  const certFile = `${base}.pem`;
  const extFile = `${base}.ext`;
  await key(keyFile);
  await run('openssl', ['req', '-new', '-config', ca.config, '-key', keyFile, '-subj', `/CN=${o.cn}`, '-out', `${base}.csr`]);
  await writeFile(extFile, `[leaf]\n${o.ext}`);
  const validity = o.start && o.end ? ['-startdate', asn1Time(o.start), '-enddate', asn1Time(o.end)] : ['-days', '2'];
  await run('openssl', ['ca', '-batch', '-notext', '-config', ca.config, '-extfile', extFile, '-extensions', 'leaf',
    ...validity, '-in', `${base}.csr`, '-out', certFile]);
  return { certFile, keyFile };
}
