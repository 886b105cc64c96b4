/**
 * Groups calls that arrive while the database is busy into one statement. The first call of a quiet moment is sent
 * on the next turn of the event loop (no timer: a lone request waits for nothing); calls that come in while
 * `maxInFlight` batches are running wait and leave together, up to `maxBatch` at a time. Under load that turns one
 * round trip per request into one per batch; each caller still gets its own result (or its own error) and only after
 * the batch's statement has completed, so a reply never gets ahead of the database.
 */
export interface BatcherOptions {
  /** Items per batch. */
  maxBatch: number;
  /** Batches running at once (database connections this batcher may hold). */
  maxInFlight: number;
}

interface Pending<I, R> {
  item: I;
  resolve: (value: R) => void;
  reject: (error: unknown) => void;
}

/** `run(items)` must return one result per item, in order; if it throws, every caller of that batch gets the error. */
export function createBatcher<I, R>(
  run: (items: readonly I[]) => Promise<readonly R[]>,
  options: BatcherOptions,
): (item: I) => Promise<R> {
  const queue: Pending<I, R>[] = [];
  let inFlight = 0;
  let scheduled = false;

  const flush = (): void => {
    scheduled = false;
    while (queue.length > 0 && inFlight < options.maxInFlight) {
      const batch = queue.splice(0, options.maxBatch);
      inFlight++;
      run(batch.map((p) => p.item))
        .then(
          (results) => {
            batch.forEach((p, i) => p.resolve(results[i] as R));
          },
          (error: unknown) => {
            for (const p of batch) p.reject(error);
          },
        )
        .finally(() => {
          inFlight--;
          if (queue.length > 0 && !scheduled) flush();
        });
    }
  };

  return (item) =>
    new Promise<R>((resolve, reject) => {
      queue.push({ item, resolve, reject });
      if (!scheduled && inFlight < options.maxInFlight) {
        scheduled = true;
        setImmediate(flush);
      }
    });
}
