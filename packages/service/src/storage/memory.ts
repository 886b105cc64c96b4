import type {
  CredentialStore,
  IdempotencyBegin,
  IdempotencyStore,
  ServiceStorage,
  StatusListRecord,
  StatusListStore,
  StoredCredential,
  StoredResponse,
} from './types.js';

interface IdempotencyEntry {
  fingerprint: string;
  /** When the lock was taken (in-flight) or the response stored. */
  at: number;
  response?: StoredResponse;
}

const clone = <T>(value: T): T => structuredClone(value);

/** In-memory credential store (one process; lost on restart). */
export class MemoryCredentialStore implements CredentialStore {
  readonly #items = new Map<string, StoredCredential>();
  async get(id: string): Promise<StoredCredential | undefined> {
    const item = this.#items.get(id);
    return item === undefined ? undefined : clone(item);
  }
  async putIfAbsent(credential: StoredCredential): Promise<{ stored: StoredCredential; created: boolean }> {
    const existing = this.#items.get(credential.id);
    if (existing !== undefined) return { stored: clone(existing), created: false };
    this.#items.set(credential.id, clone(credential));
    return { stored: clone(credential), created: true };
  }
  async markRevoked(id: string, at: string): Promise<{ stored: StoredCredential; changed: boolean } | undefined> {
    const existing = this.#items.get(id);
    if (existing === undefined) return undefined;
    if (existing.revokedAt !== undefined) return { stored: clone(existing), changed: false };
    existing.revokedAt = at;
    return { stored: clone(existing), changed: true };
  }
}

/** In-memory idempotency keys. Completed entries are kept for `ttlMs` (default 24 h). */
export class MemoryIdempotencyStore implements IdempotencyStore {
  readonly #entries = new Map<string, IdempotencyEntry>();
  readonly #ttlMs: number;
  constructor(options: { ttlMs?: number } = {}) {
    this.#ttlMs = options.ttlMs ?? 24 * 3600_000;
  }
  async begin(scope: string, key: string, fingerprint: string, lockMs: number): Promise<IdempotencyBegin> {
    const id = `${scope}\u0000${key}`;
    const now = Date.now();
    this.#prune(now);
    const entry = this.#entries.get(id);
    // An in-flight lock older than lockMs was abandoned (crashed handler): take it over.
    if (entry !== undefined && (entry.response !== undefined || now - entry.at < lockMs)) {
      if (entry.fingerprint !== fingerprint) return { state: 'mismatch' };
      return entry.response !== undefined
        ? { state: 'completed', response: { ...entry.response } }
        : { state: 'in-flight' };
    }
    this.#entries.set(id, { fingerprint, at: now });
    return { state: 'started' };
  }
  async complete(scope: string, key: string, response: StoredResponse): Promise<void> {
    const entry = this.#entries.get(`${scope}\u0000${key}`);
    if (entry !== undefined) {
      entry.response = { ...response };
      entry.at = Date.now();
    }
  }
  async release(scope: string, key: string): Promise<void> {
    this.#entries.delete(`${scope}\u0000${key}`);
  }
  #prune(now: number): void {
    if (this.#entries.size < 10_000) return;
    for (const [id, entry] of this.#entries) if (now - entry.at > this.#ttlMs) this.#entries.delete(id);
  }
}

/** In-memory status lists; `update` runs one change at a time per list. */
export class MemoryStatusListStore implements StatusListStore {
  readonly #records = new Map<string, StatusListRecord>();
  readonly #order: string[] = [];
  readonly #locks = new Map<string, Promise<unknown>>();
  async get(id: string): Promise<StatusListRecord | undefined> {
    return this.#records.get(id);
  }
  async ids(): Promise<string[]> {
    return [...this.#order];
  }
  async update<T>(
    id: string,
    change: (current: StatusListRecord | undefined) => Promise<{ record?: StatusListRecord; result: T }>,
  ): Promise<T> {
    const previous = this.#locks.get(id) ?? Promise.resolve();
    const run = previous
      .catch(() => undefined)
      .then(async () => {
        const { record, result } = await change(this.#records.get(id));
        if (record !== undefined) {
          if (!this.#records.has(id)) this.#order.push(id);
          this.#records.set(id, record);
        }
        return result;
      });
    this.#locks.set(id, run);
    try {
      return await run;
    } finally {
      if (this.#locks.get(id) === run) this.#locks.delete(id);
    }
  }
}

/** Storage that lives in this process only: for trials, tests and single-instance deployments that can lose state. */
export function createMemoryStorage(): ServiceStorage {
  return {
    credentials: new MemoryCredentialStore(),
    idempotency: new MemoryIdempotencyStore(),
    statusLists: new MemoryStatusListStore(),
    ping: async () => undefined,
    close: async () => undefined,
  };
}
