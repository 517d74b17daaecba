/** Progress lines of the Docker test environment go to stderr, so stdout stays the command's own. */
export function log(message: string): void {
  process.stderr.write(`[docker-env] ${message}\n`);
}
