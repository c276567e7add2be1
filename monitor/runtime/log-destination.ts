/**
 * @module Where a process's pino log lines go: a file descriptor written synchronously, each line whole or dropped.
 * pino.destination (sonic-boom 4) retries a write that fails for good (ENOSPC: stderr on a full disk or /dev/full)
 * forever when it flushes at exit, so a run whose log could not be written never ended and ignored SIGTERM. A log
 * line is worth less than the run: one that cannot be written after a few tries is dropped, and the run goes on.
 */
import { writeSync } from 'node:fs';

/** Tries of a write the descriptor refuses for now (EAGAIN: a full non-blocking pipe), 1 ms apart. */
const BUSY_TRIES = 1000;

const pause = new Int32Array(new SharedArrayBuffer(4));

/** A write the descriptor refuses for now, not for good. */
function isBusy(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'EAGAIN' || code === 'EBUSY';
}

/** A pino destination writing each line to `fd`; lines that cannot be written are dropped (counted in `dropped`). */
export function logDestination(fd: number): { write(line: string): void; dropped: number } {
  const destination = {
    dropped: 0,
    write(line: string): void {
      let bytes: Buffer | undefined;
      let busy = 0;
      // The common case without a copy: the whole line in one write.
      try {
        const written = writeSync(fd, line, null, 'utf8');
        const length = Buffer.byteLength(line, 'utf8');
        if (written === length) return;
        bytes = Buffer.from(line, 'utf8').subarray(written);
      } catch (error) {
        if (!isBusy(error)) {
          destination.dropped++;
          return;
        }
        bytes = Buffer.from(line, 'utf8');
        busy++;
      }
      while (bytes.length > 0) {
        try {
          bytes = bytes.subarray(writeSync(fd, bytes));
        } catch (error) {
          if (isBusy(error) && ++busy < BUSY_TRIES) {
            Atomics.wait(pause, 0, 0, 1);
            continue;
          }
          destination.dropped++;
          return;
        }
      }
    },
  };
  return destination;
}
