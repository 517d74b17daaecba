/**
 * What travels on an agent's channel to a master (core/channel/mux.ts) and in the logs and exec
 * answers built from it (master/README.md, "Logs and exec").
 */

/** A master asks the agent for a task's container logs (`docker logs`). */
export interface LogsOpen {
  kind: 'logs';
  jobId: string;
  /** Keep following: through restarts of the container, until the task is undeployed or the stream is closed. */
  follow: boolean;
  /** Only the last N lines (of the first container followed); absent: all. */
  tail?: number;
  /** Only lines from this time on, ms since the epoch. */
  since?: number;
  stdout: boolean;
  stderr: boolean;
}

/**
 * A master asks the agent to run a command in a task's running container (`docker exec`). DATA on
 * STDIN goes to its standard input (END closes it), STDOUT and STDERR come back (with `tty` all on
 * STDOUT), MESSAGE `{resize: {cols, rows}}` resizes its terminal; the agent's last MESSAGE is
 * `{exit: CODE}`, then it ends its side.
 */
export interface ExecOpen {
  kind: 'exec';
  jobId: string;
  command: string[];
  tty: boolean;
  stdin: boolean;
  cols?: number;
  rows?: number;
}

export type ChannelOpen = LogsOpen | ExecOpen;

/**
 * One line of `GET /jobs/:id/logs` (newline-delimited JSON), a log line or an event of one host:
 * `{"host", "stream": "stdout"|"stderr", "time": RFC 3339 with nanoseconds, "line"}`, or
 * `{"host", "event", …}`: `container` (the lines that follow come from this container: a restart or a
 * new job of the same name), `end` (the host's lines are all sent), `error` (the host's stream failed,
 * `code` and `message` say why; the other hosts go on).
 */
export type LogRecord = LogLine | LogEvent;

/** A line the container printed, without its newline; `time` is Docker's (RFC 3339, nanoseconds). */
export interface LogLine { host: string; stream: 'stdout' | 'stderr'; time: string; line: string }

/** What happened to one host's stream (see LogRecord). */
export type LogEvent =
  | { host: string; event: 'container'; jobId: string; containerId: string }
  | { host: string; event: 'end' }
  | { host: string; event: 'error'; code: string; message: string };
