import type { TlsOptions } from '../core/client/transport.js';
import type { Core } from './loadCore.js';

type TlsKey = 'ca' | 'cert' | 'key';

/** Stack config `helios:ca`, `helios:cert`, `helios:key`: each a PEM text or a file path. */
export type TlsConfig = Partial<Record<TlsKey, string>>;

const TLS_KEYS: readonly TlsKey[] = ['ca', 'cert', 'key'];

/**
 * The client's TLS options: stack config `helios:ca`, `helios:cert`, `helios:key`, else HELIOS_CA,
 * HELIOS_CERT, HELIOS_KEY. A value is the PEM text itself (`pulumi config set helios:ca -- "$(cat ca.pem)"`)
 * or a file path (relative to the program's directory), read and checked by core's `readTlsFiles`
 * with errors naming the config key or variable and the file. A PEM text is checked by the handshake.
 */
export function tlsOptions(core: Core, config: TlsConfig): TlsOptions | undefined {
  const names = {} as Record<TlsKey, string>;
  const paths: TlsConfig = {};
  const texts: TlsConfig = {};
  for (const key of TLS_KEYS) {
    const variable = `HELIOS_${key.toUpperCase()}`;
    const value = config[key] || process.env[variable] || undefined;
    names[key] = !config[key] && process.env[variable] ? variable : `helios:${key}`;
    if (value) (value.includes('-----BEGIN ') ? texts : paths)[key] = value;
  }
  if ((texts.cert || texts.key) && !(texts.cert && texts.key)) {
    throw new core.HeliosError('INVALID_ARGUMENT',
      `${names.cert} and ${names.key} go together: give both as PEM texts, or both as file paths`, { keys: [names.cert, names.key] });
  }
  const tls = { ...core.readTlsFiles(paths, names), ...texts };
  return Object.keys(tls).length > 0 ? tls : undefined;
}
