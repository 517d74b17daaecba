/** Path and query parameter schemas shared by the routes. */
import { Type } from '@sinclair/typebox';

export const HostName = Type.String({
  pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,252}$',
  errorMessage: 'a host name is letters, digits, ".", "_" and "-" (at most 253), starting with a letter or digit',
});

/** `name:version:hash`, or `name:version` (unique on a master). */
export const JobIdParam = Type.String({
  pattern: '^[0-9A-Za-z_.-]+:[0-9A-Za-z_.-]+(:[0-9a-f]{40})?$',
  maxLength: 500,
  errorMessage: 'a job id is NAME:VERSION[:HASH] (letters, digits, "-", "_", "." and a 40-digit hex hash)',
});

export const JobParams = Type.Object({ id: JobIdParam });
export const HostParams = Type.Object({ host: HostName });
export const HostJobParams = Type.Object({ host: HostName, jobId: JobIdParam });

export const GuardQuery = Type.Object({
  token: Type.Optional(Type.String({ maxLength: 1000 })),
  force: Type.Optional(Type.Boolean()),
});

export const NameList = (what: 'job ids' | 'host names') =>
  Type.Array(Type.String({ maxLength: 1000 }), { maxItems: 10_000, errorMessage: `a JSON array of ${what}` });
