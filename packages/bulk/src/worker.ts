/**
 * Worker thread entry of `issueBulk`: loads the keys once (through the key loader module named in workerData, never
 * from a message), then makes and writes the certificates of each batch of records the main thread sends.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { describeError, errorCode, isFsError } from './errors.js';
import {
  createWorkContext,
  processBatch,
  type RecordTask,
  type TaskResult,
  type WorkConfig,
  type WorkContext,
} from './lib/work.js';

const port = parentPort;
if (port) {
  let context: WorkContext | undefined;
  createWorkContext(workerData as WorkConfig).then(
    (created) => {
      context = created;
      port.postMessage({ type: 'ready' });
    },
    (error: unknown) => {
      port.postMessage({ type: 'fatal', message: describeError(error), code: errorCode(error), exitCode: 2 });
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
          return {
            kind: 'failed',
            line: task.line,
            ...(task.recordId !== undefined ? { recordId: task.recordId } : {}),
            certificateId: task.certificateId,
            errors: [{ field: '(record)', reason: `internal error: ${describeError(error)}` }],
          };
        });
      } catch (error) {
        const fs = isFsError(error);
        port.postMessage({ type: 'fatal', message: describeError(error), code: errorCode(error), exitCode: 2, fs });
        return;
      }
      port.postMessage({ type: 'results', id: message.id, results });
    })();
  });
}
