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
  /**
   * Stores `credential` unless the id is taken; returns what is stored under the id afterwards. With `completes`, a
   * store may also store that Idempotency-Key response when (and only when) it creates the credential, atomically
   * with it, and then says `completed: true`; otherwise the caller completes the key itself.
   */
  putIfAbsent(
    credential: StoredCredential,
    options?: { completes?: IdempotencyCompletion },
  ): Promise<{ stored: StoredCredential; created: boolean; completed?: boolean }>;
  /** Sets `revokedAt` when unset; returns the record (undefined when the id is unknown). */
  markRevoked(id: string, at: string): Promise<{ stored: StoredCredential; changed: boolean } | undefined>;
}

/** The response an idempotent request produced, replayed verbatim on retries. */
export interface StoredResponse {
  statusCode: number;
  contentType: string;
  /** The body, verbatim (empty when `bodyFrom` is set). */
  body: string;
  /** Other headers to replay (e.g. `location`). */
  headers?: Record<string, string>;
  /**
   * The body is an issue response made of this stored credential: the service rebuilds it on replay (the same bytes,
   * as credentials are stored as the text that was sent), so a certificate is not stored twice.
   */
  bodyFrom?: { credentialId: string; shape: 'record' | 'credential' };
}

/** The response to store for a claimed Idempotency-Key (`IdempotencyStore.complete`'s arguments). */
export interface IdempotencyCompletion {
  scope: string;
  key: string;
  response: StoredResponse;
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

/**
 * A credential offer (OpenID4VCI pre-authorized code flow), as stored. Secrets (the pre-authorized code, the
 * transaction code, the access token) are kept as SHA-256 hashes only.
 */
export interface StoredOffer {
  /** Offer id (a UUID): what the registry sees. */
  id: string;
  /** SHA-256 (base64url) of the pre-authorized code. */
  codeHash: string;
  /** SHA-256 (base64url) of the transaction code, when the offer has one. */
  txCodeHash?: string;
  /** Transaction codes tried so far (the offer dies past the service's limit). */
  txCodeFailures: number;
  /** Template (credential type) of the record. */
  template: string;
  /** The record, checked against its template when the offer was made. */
  record: Record<string, unknown>;
  certificateId: string;
  /** The credential configurations the offer grants. */
  configurationIds: string[];
  /** Client that created the offer. */
  createdBy: string;
  createdAt: string;
  /** The pre-authorized code is refused from then on. */
  expiresAt: string;
  /** When the code was exchanged for an access token (single use). */
  redeemedAt?: string;
  /** SHA-256 (base64url) of the access token the code was exchanged for. */
  accessTokenHash?: string;
  accessTokenExpiresAt?: string;
  /** Credentials issued under the offer so far (each holder-bound copy counts). */
  issuedCount: number;
  /** Ids (in the credential store) of the copies issued under the offer. */
  issuedIds: string[];
}

/**
 * OpenID4VCI state: offers, their single-use codes and access tokens, and the nonces of the nonce endpoint. Every
 * state change is atomic (a conditional update), so several instances can share one database.
 */
export interface Oid4vciStore {
  /** Stores a new offer (its id and code hash are fresh random values). */
  putOffer(offer: StoredOffer): Promise<void>;
  /** The offer with this id. */
  getOffer(id: string): Promise<StoredOffer | undefined>;
  /** The offer whose pre-authorized code hashes to `codeHash`. */
  offerByCode(codeHash: string): Promise<StoredOffer | undefined>;
  /** The offer whose access token hashes to `tokenHash`. */
  offerByAccessToken(tokenHash: string): Promise<StoredOffer | undefined>;
  /** Counts one transaction code attempt (atomically, before it is checked); returns the new count. */
  countTxCodeAttempt(id: string): Promise<number>;
  /**
   * Exchanges the code once: sets `redeemedAt` and the access token when the offer is not redeemed yet (and not
   * expired at `at`). False when another request redeemed it first, or it expired.
   */
  redeem(id: string, tokenHash: string, tokenExpiresAt: string, at: string): Promise<boolean>;
  /** Reserves `count` copies when `issuedCount + count <= max`; false (nothing reserved) otherwise. */
  reserveCopies(id: string, count: number, max: number): Promise<boolean>;
  /** Records the ids of copies issued under the offer. */
  addIssued(id: string, credentialIds: readonly string[]): Promise<void>;
  /** Stores a fresh nonce (its hash) valid until `expiresAt`. */
  putNonce(nonceHash: string, expiresAt: string): Promise<void>;
  /** Uses a nonce up: true once for a stored, unexpired nonce; false afterwards or for an unknown one. */
  consumeNonce(nonceHash: string, at: string): Promise<boolean>;
}

/** What the verifier concluded about one presented credential. */
export interface PresentedCredentialOutcome {
  /** The DCQL credential query id it answered. */
  queryId: string;
  /** Its format (`dc+sd-jwt`). */
  format: string;
  valid: boolean;
  /** The issuer as the trust names it (the claimed one when its key is trusted for it), or null. */
  issuer: string | null;
  /** Display name of the issuer from the trust material, when it gave one. */
  issuerName?: string;
  /** The credential type (`vct`). */
  type?: string;
  /** The claims the holder disclosed (and the always-visible ones the verifier reads: `iss`, `vct`, `iat`, `exp`). */
  claims: Record<string, unknown>;
  /** The checks that ran, in order: `{ name, ok, code?, message? }`. */
  checks: Array<{ name: string; ok: boolean; code?: string; message?: string }>;
}

/** The verifier's conclusion about a wallet's response to a presentation request. */
export interface PresentationOutcome {
  valid: boolean;
  /** Why not (the first failure), when invalid. */
  error?: { code: string; message: string };
  credentials: PresentedCredentialOutcome[];
  /** When the response came. */
  receivedAt: string;
}

/**
 * An OpenID4VP presentation request, as stored. The `state` (which authenticates the wallet's response to this
 * request) is kept as a SHA-256 hash only; the nonce is the public challenge the KB-JWT must repeat.
 */
export interface StoredPresentationRequest {
  /** Request id (a UUID): the last segment of the response URI, and what the registry polls. */
  id: string;
  /** SHA-256 (base64url) of `state`. */
  stateHash: string;
  nonce: string;
  /** The `client_id` the request was made with: the audience the KB-JWT must name. */
  clientId: string;
  /** The DCQL query. */
  dcqlQuery: Record<string, unknown>;
  /** The vaccination constraints the DCQL query cannot carry (disease, date after), checked on the disclosed claims. */
  vaccination?: { disease?: string; after?: string };
  /** Client that created the request. */
  createdBy: string;
  createdAt: string;
  /** Responses are refused from then on. */
  expiresAt: string;
  /** When a response was accepted for processing (single use: the request answers once). */
  answeredAt?: string;
  /** The verifier's conclusion, once the response was processed. */
  outcome?: PresentationOutcome;
}

/** OpenID4VP state: presentation requests and their outcomes. Every state change is atomic (a conditional update). */
export interface Oid4vpStore {
  /** Stores a new request. */
  putRequest(request: StoredPresentationRequest): Promise<void>;
  /** The request with this id. */
  getRequest(id: string): Promise<StoredPresentationRequest | undefined>;
  /**
   * Takes the request for one response: sets `answeredAt` when it has none, its state hash is `stateHash` and it has
   * not expired at `at`. False when another response came first (or the state or the clock says no).
   */
  claim(id: string, stateHash: string, at: string): Promise<boolean>;
  /** Stores the outcome of the response that claimed the request. */
  putOutcome(id: string, outcome: PresentationOutcome): Promise<void>;
}

/** Everything the service keeps. */
export interface ServiceStorage {
  credentials: CredentialStore;
  idempotency: IdempotencyStore;
  statusLists: StatusListStore;
  /** OpenID4VCI offers, codes, tokens and nonces (needed when `oid4vci` is enabled; both built-in storages have it). */
  oid4vci?: Oid4vciStore;
  /** OpenID4VP presentation requests (needed when `oid4vp` is enabled; both built-in storages have it). */
  oid4vp?: Oid4vpStore;
  /** Readiness: resolves when the backend answers. */
  ping(): Promise<void>;
  /** Closes connections (a pool given by the caller is left open). */
  close(): Promise<void>;
}
