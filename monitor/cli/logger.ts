/**
 * @module The monitor's log: pino JSON lines on stderr (stdout stays free for what a command prints).
 */
import pino, { type Logger } from 'pino';
import { logDestination } from '../runtime/log-destination.ts';

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** A logger at `level`; an unknown level (before the configuration is checked) falls back to info. */
export function createLogger(level: string | undefined): Logger {
  return pino({ name: 'mpm-monitor', level: level !== undefined && LEVELS.includes(level) ? level : 'info', base: undefined }, logDestination(2));
}
