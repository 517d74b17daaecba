/** Messages between masterScale.ts and its simulated-agent processes (IPC, same machine). */

export interface StartMessage {
  type: 'start';
  baseUrl: string;
  hosts: string[];
  heartbeatMs: number;
  /** How long each blocking query waits on the master before it answers unchanged. */
  waitMs: number;
}

export interface StopMessage {
  type: 'stop';
}

/** Asks for the counters so far, answered with a 'stats' message. */
export interface StatsRequest {
  type: 'stats';
}

export type ToSim = StartMessage | StopMessage | StatsRequest;

/** [host, jobId, wall-clock ms when the agent's blocking query returned with the task]. */
export type Receipt = [string, string, number];

export interface SimStats {
  heartbeats: number;
  polls: number;
  reports: number;
  errors: number;
  lastError?: string;
}

export type FromSim =
  | { type: 'ready'; agents: number }
  | { type: 'received'; receipts: Receipt[] }
  | { type: 'stats'; stats: SimStats }
  | { type: 'failed'; message: string };
