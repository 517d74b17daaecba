/**
 * What the agent gives a stopping container after SIGTERM when the job sets no
 * `secondsToWaitBeforeKill` (Helios' default). Its own module: the CLI prints it without loading the
 * job schema.
 */
export const DEFAULT_SECONDS_TO_WAIT_BEFORE_KILL = 120;

/**
 * The longest wait a job may ask for, in seconds: one day, for `secondsToWaitBeforeKill`,
 * `gracePeriod` and `rolloutOptions.timeout`. A stop that needs more is a stop that never ends, and
 * past 2^31 ms (24.8 days) Node's timers fire at once or throw; Kubernetes leaves
 * `terminationGracePeriodSeconds` open, Nomad caps every `kill_timeout` by the client's
 * `max_kill_timeout` (30 s). The agent caps the two stop waits again with its `--max-kill-timeout`.
 */
export const MAX_JOB_WAIT_SECONDS = 86_400;
