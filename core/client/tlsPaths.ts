/** Paths of PEM files: a CA to trust, a certificate and its private key (read by readTlsFiles). */
export interface TlsFilePaths {
  ca?: string;
  cert?: string;
  key?: string;
}

/**
 * Every client's paths: --ca, --cert, --key, else HELIOS_CA, HELIOS_CERT, HELIOS_KEY (empty counts
 * as unset). Its own module, importing nothing, so the CLI's argument parsing stays small.
 */
export function tlsPathsFrom(flags: TlsFilePaths, env: NodeJS.ProcessEnv): TlsFilePaths {
  return { ca: flags.ca || env.HELIOS_CA || undefined, cert: flags.cert || env.HELIOS_CERT || undefined, key: flags.key || env.HELIOS_KEY || undefined };
}
