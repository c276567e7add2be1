/**
 * @module Errors across threads: what a worker posts survives the structured clone and comes back with its class and
 * exit code (the monitor's typed errors), or as an Error with the thrown one's name, code and stack.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError, InputError, MonitorError, OutputError } from './errors.ts';
import { UnreadableInput } from './ingest/open-input.ts';
import { errorFromThread, postedError } from './thread-errors.ts';

const roundTrip = (error: unknown): Error => errorFromThread(structuredClone(postedError(error)));

describe('errors across threads', () => {
  it('keeps the class and exit code of the monitor errors', () => {
    for (const [Class, exitCode] of [
      [ConfigError, 2],
      [InputError, 3],
      [OutputError, 4],
      [MonitorError, 1],
    ] as const) {
      const back = roundTrip(new Class('it broke'));
      expect(back).toBeInstanceOf(Class);
      expect((back as MonitorError).exitCode).toBe(exitCode);
      expect(back.message).toBe('it broke');
    }
    expect(roundTrip(new UnreadableInput('gone'))).toBeInstanceOf(UnreadableInput);
  });

  it('keeps the name, code and stack of any other error, and reads a thrown non-error', () => {
    const original = Object.assign(new TypeError('bad'), { code: 'ERR_X' });
    const back = roundTrip(original) as NodeJS.ErrnoException;
    expect(back).not.toBeInstanceOf(MonitorError);
    expect([back.name, back.message, back.code, back.stack]).toEqual(['TypeError', 'bad', 'ERR_X', original.stack]);
    expect(roundTrip('a string').message).toBe('a string');
    expect(roundTrip(undefined).name).toBe('Error');
  });
});
