/**
 * What the agent gives a stopping container after SIGTERM when the job sets no
 * `secondsToWaitBeforeKill` (Helios' default). Its own module: the CLI prints it without loading the
 * job schema.
 */
export const DEFAULT_SECONDS_TO_WAIT_BEFORE_KILL = 120;
