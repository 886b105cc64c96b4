/**
 * Worker thread entry of `divoc issue`: loads the keys once (from the key files named in workerData, never from
 * a message), then makes and writes the files of each batch of records the main thread sends.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { describeError, errorCode, exitCodeOf } from './lib/errors.js';
import { createWorkContext, processBatch, type TaskResult, type WorkConfig, type WorkContext, type RecordTask } from './lib/bulk/work.js';

const isFsError = (error: unknown) => {
  const code = errorCode(error);
  return code !== undefined && /^E[A-Z]+$/.test(code);
};

const port = parentPort;
if (port) {
  let context: WorkContext | undefined;
  createWorkContext(workerData as WorkConfig).then(
    (created) => {
      context = created;
      port.postMessage({ type: 'ready' });
    },
    (error: unknown) => {
      port.postMessage({ type: 'fatal', message: describeError(error), code: errorCode(error), exitCode: exitCodeOf(error) });
    },
  );
  port.on('message', (message: { type: 'batch'; id: number; tasks: RecordTask[] }) => {
    if (message.type !== 'batch' || !context) return;
    const ctx = context;
    void (async () => {
      let results: TaskResult[];
      try {
        results = await processBatch(ctx, message.tasks, (task, error) => {
          // A file system error (disk full, permissions) stops the run; anything else fails this record only.
          if (isFsError(error)) throw error;
          return { kind: 'failed', line: task.line, ...(task.recordId !== undefined ? { recordId: task.recordId } : {}), certificateId: task.certificateId, errors: [{ field: '(record)', reason: `internal error: ${describeError(error)}` }] };
        });
      } catch (error) {
        port.postMessage({ type: 'fatal', message: describeError(error), code: errorCode(error), exitCode: 2, fs: isFsError(error) });
        return;
      }
      port.postMessage({ type: 'results', id: message.id, results });
    })();
  });
}
