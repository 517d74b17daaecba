import { errorCodes, type ErrorCode } from './codes.js';

/** One validation failure: `path` is the dotted field path, e.g. `ports.http.internalPort`. */
export interface FieldError {
  path: string;
  message: string;
}

/**
 * The error every component throws and the API returns as `{ status: code, message, ...data }`.
 * The master's error handler maps `code` to an HTTP status and the CLI to an exit code.
 */
export class HeliosError<C extends ErrorCode = ErrorCode> extends Error {
  override name = 'HeliosError';
  constructor(
    readonly code: C,
    message: string,
    readonly data: Record<string, unknown> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  get httpStatus(): number {
    return errorCodes[this.code].http;
  }

  get exitCode(): number {
    return errorCodes[this.code].exit;
  }

  /** The JSON body the master sends. */
  toBody(): Record<string, unknown> {
    return { ...this.data, status: this.code, message: this.message };
  }
}

export function isHeliosError(err: unknown, code?: ErrorCode): err is HeliosError {
  return err instanceof HeliosError && (code === undefined || err.code === code);
}

export const invalidJob = (errors: FieldError[]) =>
  new HeliosError('INVALID_JOB_DEFINITION',
    errors.map((e) => `${e.path}: ${e.message}`).join('; '), { errors });
export const jobNotFound = (jobId: string) => new HeliosError('JOB_NOT_FOUND', `job ${jobId} not found`, { jobId });
export const hostNotFound = (host: string) => new HeliosError('HOST_NOT_FOUND', `host ${host} not found`, { host });
export const invalidRequest = (message: string, data: Record<string, unknown> = {}) =>
  new HeliosError('INVALID_REQUEST', message, data);
