/**
 * Where the Docker set-up's progress lines go: `npm test` (test/env) prints them on stderr, solo
 * writes them to its logs/docker.log and prints one line of its own.
 */
export type Log = (message: string) => void;
