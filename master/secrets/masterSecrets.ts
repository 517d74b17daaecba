import { HeliosError } from '../../core/index.js';
import { createSecretBox, SecretOpenError, type SecretBox } from './secretBox.js';
import { makeSecretsKey, missingKeyMessage, readSecretsKey, SecretsKeyError, type SecretsKeyFile } from './secretsKey.js';

/** Seals and opens registry secrets; every failure is SECRETS_UNAVAILABLE saying what to fix. */
export type MasterSecrets = SecretBox;

/**
 * The master's secrets from --secrets-key-file, checked at start-up (SecretsKeyError: the master
 * refuses to start). A missing default file is made at the first seal; without a file at all
 * (startMaster without the option) nothing can be sealed. `onMade` hears of a key file made.
 * @example const secrets = openMasterSecrets({ path: '/var/lib/helios/secrets.key', create: false });
 */
export function openMasterSecrets(file: SecretsKeyFile | undefined, onMade: (path: string) => void = () => {}): MasterSecrets {
  let key = file && readSecretsKey(file.path);
  if (file && !key && !file.create) throw new SecretsKeyError(missingKeyMessage(file.path));
  let box = key && createSecretBox(key);
  const unavailable = (why: string) => new HeliosError('SECRETS_UNAVAILABLE', why);
  const current = (sealing: boolean): SecretBox => {
    if (box) return box;
    if (!file) throw unavailable('this master was started without --secrets-key-file: it holds no registry secrets');
    try {
      key = readSecretsKey(file.path);
      if (!key && sealing) {
        key = makeSecretsKey(file.path);
        onMade(file.path);
      }
    } catch (err) {
      throw unavailable((err as Error).message);
    }
    if (!key) throw unavailable(missingKeyMessage(file.path));
    return (box = createSecretBox(key));
  };
  return {
    seal: (secret, id) => current(true).seal(secret, id),
    open: (sealed, id) => {
      try {
        return current(false).open(sealed, id);
      } catch (err) {
        throw err instanceof SecretOpenError ? unavailable(err.message) : err;
      }
    },
  };
}
