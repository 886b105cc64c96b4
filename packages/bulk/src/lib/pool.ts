/**
 * Runs record batches on worker threads (`node:worker_threads`), one per core by default. Each worker holds at
 * most `depth` batches, so the coordinator can never queue more than `workers × depth × batch size` records:
 * memory stays flat whatever the input size.
 *
 * When the worker script is not there (running from TypeScript sources, e.g. under vitest), `workers: 0` is asked
 * for or the keys are in memory (signers cannot cross threads), the same work runs on the main thread.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { IssuerKeys } from '@divoc/issuer';
import { BulkOutputUnwritableError, BulkWorkerError } from '../errors.js';
import { createWorkContext, processBatch, type RecordTask, type TaskResult, type WorkConfig } from './work.js';

/** MiB of V8 old generation per worker thread (`workerHeapMb`); 0 = V8's own default. */
export const DEFAULT_WORKER_HEAP_MB = 128;

export interface Executor {
  /** Batches that may be outstanding at once. */
  readonly slots: number;
  /** Number of threads doing the work (0: the main thread). */
  readonly threads: number;
  run(tasks: RecordTask[]): Promise<TaskResult[]>;
  close(): Promise<void>;
}

type WorkerMessage =
  | { type: 'ready' }
  | { type: 'results'; id: number; results: TaskResult[] }
  | { type: 'fatal'; message: string; code?: string; exitCode: 1 | 2; fs?: boolean };

function fatalError(message: WorkerMessage & { type: 'fatal' }, outDir: string): Error {
  if (message.fs) return new BulkOutputUnwritableError(outDir, message.message);
  // Key problems were already reported by the main thread's own load; anything here is unexpected.
  return new BulkWorkerError(`worker failed: ${message.message}${message.code ? ` (${message.code})` : ''}`);
}

/** The built worker script beside this module (dist/worker.js), if there is one. */
export function workerScript(): URL | undefined {
  const url = new URL('./worker.js', import.meta.url);
  return url.protocol === 'file:' && existsSync(fileURLToPath(url)) ? url : undefined;
}

/** `keys`: keys in memory; they cannot be sent to a thread, so the work then runs on the main thread. */
export async function createExecutor(
  config: WorkConfig,
  threads: number,
  depth = 2,
  keys?: IssuerKeys,
): Promise<Executor> {
  const script = threads > 0 && keys === undefined ? workerScript() : undefined;
  if (!script) return createInlineExecutor(config, keys);
  return createThreadExecutor(config, script, threads, depth);
}

async function createInlineExecutor(config: WorkConfig, keys: IssuerKeys | undefined): Promise<Executor> {
  const context = await createWorkContext(config, keys);
  return {
    slots: 1,
    threads: 0,
    async run(tasks) {
      return processBatch(context, tasks, (_task, error) => {
        throw error;
      });
    },
    async close() {},
  };
}

interface Slot {
  worker: Worker;
  outstanding: Map<number, { resolve: (r: TaskResult[]) => void; reject: (e: Error) => void }>;
}

async function createThreadExecutor(
  config: WorkConfig,
  script: URL,
  threads: number,
  depth: number,
): Promise<Executor> {
  const slots: Slot[] = [];
  let failure: Error | undefined;
  let nextId = 0;
  let closing = false;
  const failAll = (error: Error) => {
    failure ??= error;
    for (const slot of slots) {
      for (const pending of slot.outstanding.values()) pending.reject(failure);
      slot.outstanding.clear();
    }
  };
  const started = Array.from({ length: threads }, () => {
    // Workers get the file paths of the keys (in workerData), never key bytes.
    // A ceiling on each worker's old generation: V8 otherwise lets a heap whose live data is ~40 MB grow lazily to
    // several times that, and three isolates of that size pass 512 MB in a million-record run.
    const heap = config.workerHeapMb ?? DEFAULT_WORKER_HEAP_MB;
    const worker = new Worker(script, {
      workerData: config,
      stdout: false,
      stderr: false,
      ...(heap > 0 ? { resourceLimits: { maxOldGenerationSizeMb: heap } } : {}),
    });
    const slot: Slot = { worker, outstanding: new Map() };
    slots.push(slot);
    return new Promise<void>((resolve, reject) => {
      worker.on('message', (message: WorkerMessage) => {
        if (message.type === 'ready') resolve();
        else if (message.type === 'results') {
          const pending = slot.outstanding.get(message.id);
          slot.outstanding.delete(message.id);
          pending?.resolve(message.results);
        } else if (message.type === 'fatal') {
          const error = fatalError(message, config.outDir);
          reject(error);
          failAll(error);
        }
      });
      worker.on('error', (error) => {
        const oom = (error as { code?: string }).code === 'ERR_WORKER_OUT_OF_MEMORY';
        const wrapped = new BulkWorkerError(
          `worker failed: ${error.message}${oom ? ` (raise --worker-heap, now ${heap} MiB)` : ''}`,
        );
        reject(wrapped);
        failAll(wrapped);
      });
      worker.on('exit', (code) => {
        if (closing) return;
        const error = new BulkWorkerError(`worker exited unexpectedly (code ${code})`);
        reject(error);
        failAll(error);
      });
    });
  });
  try {
    await Promise.all(started);
  } catch (error) {
    closing = true;
    await Promise.all(slots.map((s) => s.worker.terminate()));
    throw error;
  }
  return {
    slots: threads * depth,
    threads,
    run(tasks) {
      if (failure) return Promise.reject(failure);
      // The least busy worker takes the batch.
      let best = slots[0] as Slot;
      for (const slot of slots) if (slot.outstanding.size < best.outstanding.size) best = slot;
      const id = nextId++;
      return new Promise<TaskResult[]>((resolve, reject) => {
        best.outstanding.set(id, { resolve, reject });
        best.worker.postMessage({ type: 'batch', id, tasks });
      });
    },
    async close() {
      closing = true;
      await Promise.all(slots.map((s) => s.worker.terminate()));
    },
  };
}
