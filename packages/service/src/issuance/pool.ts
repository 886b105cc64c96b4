/**
 * Where issuance runs: on the main thread, or on worker threads (`threads`), each with its own copy of the keys. A
 * request goes to the thread with the fewest requests in hand; a thread that dies fails only the requests it held
 * (500, and an Idempotency-Key is released so a retry runs again) and is replaced.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { IssuerKeys } from '@divoc/issuer';
import type { VerificationPolicy } from '@divoc/verifier';
import type { ThreadKeySource } from '../config/types.js';
import { ServiceConfigError, ServiceError, type ServiceErrorCode } from '../lib/errors.js';
import {
  issueRecord,
  signCredential,
  type CredentialTask,
  type IssuanceSettings,
  type RecordResult,
  type RecordTask,
} from './issue.js';

/** Runs issuance work, here or on threads. */
export interface Issuance {
  /** Threads doing the work (0: the main thread). */
  readonly threads: number;
  /** Whether `verify` runs on the threads (they were given the trust). */
  readonly verifies: boolean;
  record(task: RecordTask): Promise<RecordResult>;
  credential(task: CredentialTask): Promise<Record<string, unknown>>;
  /**
   * `verify()` of `@divoc/verifier` on a thread, with the service's trust and these status lists: the JSON report.
   * A thread gets the lists once per version (the same array is not sent twice).
   */
  verify(input: unknown, statusLists: readonly Record<string, unknown>[]): Promise<VerifyOutcome>;
  close(): Promise<void>;
}

/** What a verification on a thread answers: the report as the API sends it (its JSON text). */
export interface VerifyOutcome {
  valid: boolean;
  reportJson: string;
}

/** What a thread is started with (plain data). */
export interface ThreadData {
  settings: IssuanceSettings;
  keys: ThreadKeySource;
  /** Given when the threads verify: the trust files, the service's own key entry, and the verification policy. */
  verify?: {
    trust: { files: readonly string[]; baseDir: string };
    ownKey?: Record<string, unknown>;
    policy?: VerificationPolicy;
  };
}

/** A signer's identity, to check that a thread signs with the service's own keys. */
export type KeyIdentities = Record<string, { id: string; algorithm: string }>;

/** Messages between the main thread and an issuance thread. */
export type ThreadMessage =
  | { type: 'ready'; keys: KeyIdentities }
  | { type: 'fatal'; message: string }
  /**
   * A result as JSON text, not a structured clone: cheaper both ways for plain JSON, and JSON.parse gives the main
   * thread packed arrays (a cloned holey array arrives as a dictionary array, which JSON.stringify walks slowly).
   */
  | { type: 'done'; id: number; json: string }
  | { type: 'failed'; id: number; error: SerializedError };

/** An error as it crosses threads: a service error keeps its code and status; anything else is internal. */
export interface SerializedError {
  code?: ServiceErrorCode;
  status?: number;
  message: string;
  details?: unknown;
}

/** Per-thread V8 old-generation ceiling: a thread holds a few requests at a time, never a backlog. */
const THREAD_HEAP_MB = 256;

/** The signer ids and algorithms of a set of issuer keys. */
export function keyIdentities(keys: IssuerKeys): KeyIdentities {
  const out: KeyIdentities = {};
  for (const [name, key] of Object.entries(keys)) {
    if (key === undefined) continue;
    const signer = 'sign' in key ? key : (key as { signer: { id: string; algorithm: string } }).signer;
    out[name] = { id: signer.id, algorithm: signer.algorithm };
  }
  return out;
}

/** Issuance on the main thread. */
export function inlineIssuance(settings: IssuanceSettings, keys: IssuerKeys): Issuance {
  return {
    threads: 0,
    verifies: false,
    record: (task) => issueRecord(settings, keys, task),
    credential: (task) => signCredential(settings, keys, task),
    verify: () => Promise.reject(new Error('verification runs on the main thread')),
    async close() {},
  };
}

/** The built thread script beside this module (dist/issue-thread.js), when there is one. */
function threadScript(): URL | undefined {
  const url = new URL('./issue-thread.js', import.meta.url);
  return url.protocol === 'file:' && existsSync(fileURLToPath(url)) ? url : undefined;
}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

interface Slot {
  worker: Worker;
  pending: Map<number, Pending>;
  /** The status lists this thread holds (sent once per version). */
  lists?: readonly Record<string, unknown>[];
  /** Its thread died and no replacement could start: it takes no more work. */
  dead?: boolean;
}

function revive(error: SerializedError): Error {
  if (error.code !== undefined && error.status !== undefined)
    return new ServiceError(error.code, error.status, error.message, {
      ...(error.details !== undefined ? { details: error.details } : {}),
    });
  return new Error(`issuance thread: ${error.message}`);
}

/**
 * Starts `count` issuance threads and waits until each has loaded its keys; refuses (ServiceConfigError) when a
 * thread's keys are not `expected` (the service's own signers) or cannot be loaded.
 */
export async function threadIssuance(count: number, data: ThreadData, expected: KeyIdentities): Promise<Issuance> {
  const script = threadScript();
  if (script === undefined)
    throw new ServiceConfigError('threads need the built service (dist/issue-thread.js is missing)');
  const slots: Slot[] = [];
  let closing = false;
  let nextId = 0;

  const start = (slot: Slot | undefined): Promise<Slot> => {
    const worker = new Worker(script, {
      workerData: data,
      stdout: false,
      stderr: false,
      resourceLimits: { maxOldGenerationSizeMb: THREAD_HEAP_MB },
    });
    const current: Slot = slot ?? { worker, pending: new Map() };
    current.worker = worker;
    // A new thread holds no status lists yet.
    delete current.lists;
    const failPending = (message: string) => {
      for (const p of current.pending.values()) p.reject(new Error(`issuance thread: ${message}`));
      current.pending.clear();
    };
    return new Promise<Slot>((resolve, reject) => {
      let ready = false;
      worker.on('message', (message: ThreadMessage) => {
        if (message.type === 'ready') {
          const mismatch = Object.keys({ ...expected, ...message.keys }).find(
            (name) =>
              expected[name]?.id !== message.keys[name]?.id ||
              expected[name]?.algorithm !== message.keys[name]?.algorithm,
          );
          if (mismatch !== undefined) {
            void worker.terminate();
            reject(
              new ServiceConfigError(
                `threads.keys: the ${mismatch} key a thread loaded is not the service's own ${mismatch} key`,
              ),
            );
            return;
          }
          ready = true;
          resolve(current);
        } else if (message.type === 'fatal') {
          reject(new ServiceConfigError(`threads.keys: ${message.message}`));
        } else {
          const pending = current.pending.get(message.id);
          current.pending.delete(message.id);
          if (message.type === 'done') pending?.resolve(JSON.parse(message.json));
          else pending?.reject(revive(message.error));
        }
      });
      worker.on('error', (error) => {
        if (!ready) reject(new ServiceConfigError(`an issuance thread failed to start: ${error.message}`));
        failPending(error.message);
      });
      worker.on('exit', (code) => {
        failPending(`exited (code ${code})`);
        if (closing || !ready) return;
        // A replacement takes its place; requests arriving meanwhile queue on it.
        void start(current).catch(() => {
          current.dead = true;
          failPending('no replacement thread could start');
        });
      });
    });
  };

  try {
    for (let i = 0; i < count; i++) slots.push(await start(undefined));
  } catch (error) {
    closing = true;
    await Promise.all(slots.map((s) => s.worker.terminate()));
    throw error;
  }

  const send = <T>(
    kind: 'record' | 'credential' | 'verify',
    task: unknown,
    lists?: readonly Record<string, unknown>[],
  ): Promise<T> => {
    let slot: Slot | undefined;
    for (const candidate of slots)
      if (!candidate.dead && (slot === undefined || candidate.pending.size < slot.pending.size)) slot = candidate;
    if (slot === undefined) return Promise.reject(new Error('issuance thread: none is running'));
    const chosen = slot;
    const id = nextId++;
    const newLists = lists !== undefined && chosen.lists !== lists ? lists : undefined;
    if (newLists !== undefined) chosen.lists = newLists;
    return new Promise<T>((resolve, reject) => {
      chosen.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      chosen.worker.postMessage({ id, kind, task, ...(newLists !== undefined ? { lists: newLists } : {}) });
    });
  };

  return {
    threads: count,
    verifies: data.verify !== undefined,
    record: (task) => send<RecordResult>('record', task),
    credential: (task) => send<Record<string, unknown>>('credential', task),
    verify: (input, statusLists) => send<VerifyOutcome>('verify', input, statusLists),
    async close() {
      closing = true;
      await Promise.all(slots.map((s) => s.worker.terminate()));
    },
  };
}
