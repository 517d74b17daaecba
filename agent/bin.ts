#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { startAgent } from './agent.js';
import { createLogger } from './log.js';
import { parseAgentArgs, usage } from './args.js';

async function main(): Promise<void> {
  let options;
  try {
    const { values } = parseArgs({ args: process.argv.slice(2), options: argSpec(), allowPositionals: false, strict: true });
    if (values.help) {
      process.stdout.write(usage);
      return;
    }
    options = parseAgentArgs(values);
  } catch (err) {
    process.stderr.write(`helios-agent: ${err instanceof Error ? err.message : String(err)}\n\n${usage}`);
    process.exitCode = 1;
    return;
  }
  const logger = createLogger(options.name ?? 'agent');
  const agent = await startAgent({ ...options, logger });
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    void agent.stop().finally(() => process.exit(0));
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

function argSpec() {
  return {
    master: { type: 'string', multiple: true },
    ca: { type: 'string' },
    cert: { type: 'string' },
    key: { type: 'string' },
    name: { type: 'string' },
    'docker-host': { type: 'string' },
    'state-dir': { type: 'string' },
    labels: { type: 'string', multiple: true },
    env: { type: 'string', multiple: true },
    'port-range': { type: 'string' },
    heartbeat: { type: 'string' },
    'bind-ip': { type: 'string' },
    pull: { type: 'string' },
    'docker-config': { type: 'string' },
    'health-timeout': { type: 'string' },
    'max-kill-timeout': { type: 'string' },
    'image-gc-interval': { type: 'string' },
    'image-gc-grace': { type: 'string' },
    'image-gc-keep': { type: 'string' },
    'image-gc-all': { type: 'boolean' },
    'join-new-cluster': { type: 'boolean' },
    'status-resync': { type: 'string' },
    metrics: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  } as const;
}

main().catch((err: unknown) => {
  process.stderr.write(`helios-agent: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
