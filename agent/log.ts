import { pino, type Logger } from 'pino';

/** The agent's logger: pino, one child per concern (`log.child({ component })`). */
export function createLogger(name: string, level = process.env.HELIOS_LOG_LEVEL || 'info'): Logger {
  return pino({ name: 'helios-agent', level, base: { agent: name } });
}
