/**
 * @module Maps an (async) sequence with up to `concurrency` calls in flight and yields the results in input order:
 * listing and reading many small S3 objects one at a time would make a year of hourly reports take minutes, while
 * the history must still come out in a deterministic order. At most `concurrency` results wait in memory.
 */

/** Yields fn(item) for each item, in order, running up to `concurrency` calls ahead. */
export async function* orderedMap<T, R>(items: AsyncIterable<T> | Iterable<T>, fn: (item: T) => Promise<R>, concurrency: number): AsyncGenerator<R> {
  const iterator: AsyncIterator<T> | Iterator<T> = Symbol.asyncIterator in items ? items[Symbol.asyncIterator]() : items[Symbol.iterator]();
  const pending: Array<Promise<R>> = [];
  let exhausted = false;
  const fill = async (): Promise<void> => {
    while (!exhausted && pending.length < Math.max(1, concurrency)) {
      const next = await iterator.next();
      if (next.done) {
        exhausted = true;
        return;
      }
      const promise = fn(next.value);
      // Awaited in order below; this only keeps an early rejection from being reported as unhandled meanwhile.
      promise.catch(() => undefined);
      pending.push(promise);
    }
  };
  try {
    await fill();
    while (pending.length > 0) {
      const result = await pending.shift()!;
      yield result;
      await fill();
    }
  } finally {
    if (!exhausted) await iterator.return?.();
  }
}
