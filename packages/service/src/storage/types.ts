import type { StatusList } from '@divoc/status';

/** A credential the service issued (or registered), as stored. Everything in it is plain JSON. */
export interface StoredCredential {
  /** Certificate id: the URL segment of `GET /credentials/{id}`. */
  id: string;
  /** The signed W3C credential. */
  credential: Record<string, unknown>;
  /** The text forms issued with it (DIVOC QR, compact QR, DCC `HC1:`, SHC, VDS-NC), by format name. */
  outputs: Record<string, unknown>;
  /** Where its revocation bit lives, when it has one. */
  status?: { listId: string; index: number };
  /** ISO time of revocation. */
  revokedAt?: string;
  /** ISO time the service stored it. */
  createdAt: string;
}

/** Credentials by id. Implementations must make `putIfAbsent` atomic: two racing writers, one winner. */
export interface CredentialStore {
  /** The stored credential with this id, or `undefined`. */
  get(id: string): Promise<StoredCredential | undefined>;
  /** Stores `credential` unless the id is taken; returns what is stored under the id afterwards. */
  putIfAbsent(credential: StoredCredential): Promise<{ stored: StoredCredential; created: boolean }>;
  /** Sets `revokedAt` when unset; returns the record (undefined when the id is unknown). */
  markRevoked(id: string, at: string): Promise<{ stored: StoredCredential; changed: boolean } | undefined>;
}

/** The response an idempotent request produced, replayed verbatim on retries. */
export interface StoredResponse {
  statusCode: number;
  contentType: string;
  body: string;
  /** Other headers to replay (e.g. `location`). */
  headers?: Record<string, string>;
}

/** What `IdempotencyStore.begin` found for an `Idempotency-Key`: a new request, a stored response, or one in flight. */
export type IdempotencyBegin =
  /** First time: the caller runs the request, then `complete` (or `release` on a server failure). */
  | { state: 'started' }
  | { state: 'completed'; response: StoredResponse }
  /** The same key is running right now (here or in another instance). */
  | { state: 'in-flight' }
  /** The key was used with another request body. */
  | { state: 'mismatch' };

/** Idempotency keys, scoped by client. `begin` is the lock: atomic insert-if-absent. */
export interface IdempotencyStore {
  /** Claims an `Idempotency-Key` for a request (by its fingerprint), or reports what an earlier request with it did. */
  begin(scope: string, key: string, fingerprint: string, lockMs: number): Promise<IdempotencyBegin>;
  /** Stores the response of a claimed key, for retries to replay. */
  complete(scope: string, key: string, response: StoredResponse): Promise<void>;
  /** Frees a claimed key without a response (the request failed on the server), so a retry runs again. */
  release(scope: string, key: string): Promise<void>;
}

/** A status list and, once published, its signed list credential. */
export interface StatusListRecord {
  list: StatusList;
  /** The signed BitstringStatusListCredential last published, and until when it is valid. */
  published?: { credential: Record<string, unknown>; validUntil: string };
}

/** Status lists by id (the URL segment of `GET /status-lists/{id}`). */
export interface StatusListStore {
  /** The status list with this id, or `undefined`. */
  get(id: string): Promise<StatusListRecord | undefined>;
  /** Ids of every list, in creation order. */
  ids(): Promise<string[]>;
  /**
   * Read-modify-write under a lock (a transaction with `SELECT … FOR UPDATE` in PostgreSQL), so two instances never
   * hand out the same index. `change` gets the current record (undefined: the list does not exist yet) and returns
   * the record to store, or undefined to leave it as it is; its result value is passed through.
   */
  update<T>(
    id: string,
    change: (current: StatusListRecord | undefined) => Promise<{ record?: StatusListRecord; result: T }>,
  ): Promise<T>;
}

/** Everything the service keeps. */
export interface ServiceStorage {
  credentials: CredentialStore;
  idempotency: IdempotencyStore;
  statusLists: StatusListStore;
  /** Readiness: resolves when the backend answers. */
  ping(): Promise<void>;
  /** Closes connections (a pool given by the caller is left open). */
  close(): Promise<void>;
}
