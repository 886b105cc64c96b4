import type {
  Oid4vciStore,
  Oid4vpStore,
  PresentationOutcome,
  StoredPresentationRequest,
  StoredOffer,
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

/** In-memory OpenID4VCI offers and nonces. Expired nonces and offers are dropped as new ones come in. */
export class MemoryOid4vciStore implements Oid4vciStore {
  readonly #offers = new Map<string, StoredOffer>();
  readonly #byCode = new Map<string, string>();
  readonly #byToken = new Map<string, string>();
  readonly #nonces = new Map<string, number>();
  async putOffer(offer: StoredOffer): Promise<void> {
    this.#pruneOffers(Date.now());
    this.#offers.set(offer.id, clone(offer));
    this.#byCode.set(offer.codeHash, offer.id);
  }
  async getOffer(id: string): Promise<StoredOffer | undefined> {
    const offer = this.#offers.get(id);
    return offer === undefined ? undefined : clone(offer);
  }
  async offerByCode(codeHash: string): Promise<StoredOffer | undefined> {
    const id = this.#byCode.get(codeHash);
    return id === undefined ? undefined : this.getOffer(id);
  }
  async offerByAccessToken(tokenHash: string): Promise<StoredOffer | undefined> {
    const id = this.#byToken.get(tokenHash);
    return id === undefined ? undefined : this.getOffer(id);
  }
  async countTxCodeAttempt(id: string): Promise<number> {
    const offer = this.#offers.get(id);
    if (offer === undefined) return Number.MAX_SAFE_INTEGER;
    offer.txCodeFailures += 1;
    return offer.txCodeFailures;
  }
  async redeem(id: string, tokenHash: string, tokenExpiresAt: string, at: string): Promise<boolean> {
    const offer = this.#offers.get(id);
    if (offer === undefined || offer.redeemedAt !== undefined || Date.parse(offer.expiresAt) <= Date.parse(at))
      return false;
    offer.redeemedAt = at;
    offer.accessTokenHash = tokenHash;
    offer.accessTokenExpiresAt = tokenExpiresAt;
    this.#byToken.set(tokenHash, id);
    return true;
  }
  async reserveCopies(id: string, count: number, max: number): Promise<boolean> {
    const offer = this.#offers.get(id);
    if (offer === undefined || offer.issuedCount + count > max) return false;
    offer.issuedCount += count;
    return true;
  }
  async addIssued(id: string, credentialIds: readonly string[]): Promise<void> {
    this.#offers.get(id)?.issuedIds.push(...credentialIds);
  }
  async putNonce(nonceHash: string, expiresAt: string): Promise<void> {
    const now = Date.now();
    if (this.#nonces.size >= 10_000) for (const [n, exp] of this.#nonces) if (exp <= now) this.#nonces.delete(n);
    this.#nonces.set(nonceHash, Date.parse(expiresAt));
  }
  async consumeNonce(nonceHash: string, at: string): Promise<boolean> {
    const expires = this.#nonces.get(nonceHash);
    if (expires === undefined) return false;
    this.#nonces.delete(nonceHash);
    return expires > Date.parse(at);
  }
  /** Offers whose code and token have both expired hold nothing a request can use any more. */
  #pruneOffers(now: number): void {
    if (this.#offers.size < 10_000) return;
    for (const [id, offer] of this.#offers) {
      const tokenEnd = offer.accessTokenExpiresAt === undefined ? 0 : Date.parse(offer.accessTokenExpiresAt);
      if (Date.parse(offer.expiresAt) <= now && tokenEnd <= now) {
        this.#offers.delete(id);
        this.#byCode.delete(offer.codeHash);
        if (offer.accessTokenHash !== undefined) this.#byToken.delete(offer.accessTokenHash);
      }
    }
  }
}

/** In-memory OpenID4VP presentation requests. Requests a day past their expiry are dropped as new ones come in. */
export class MemoryOid4vpStore implements Oid4vpStore {
  readonly #requests = new Map<string, StoredPresentationRequest>();
  async putRequest(request: StoredPresentationRequest): Promise<void> {
    if (this.#requests.size >= 10_000) {
      const stale = Date.now() - 86_400_000;
      for (const [id, r] of this.#requests) if (Date.parse(r.expiresAt) < stale) this.#requests.delete(id);
    }
    this.#requests.set(request.id, clone(request));
  }
  async getRequest(id: string): Promise<StoredPresentationRequest | undefined> {
    const request = this.#requests.get(id);
    return request === undefined ? undefined : clone(request);
  }
  async claim(id: string, stateHash: string, at: string): Promise<boolean> {
    const request = this.#requests.get(id);
    if (
      request === undefined ||
      request.answeredAt !== undefined ||
      request.stateHash !== stateHash ||
      Date.parse(request.expiresAt) <= Date.parse(at)
    )
      return false;
    request.answeredAt = at;
    return true;
  }
  async putOutcome(id: string, outcome: PresentationOutcome): Promise<void> {
    const request = this.#requests.get(id);
    if (request !== undefined) request.outcome = clone(outcome);
  }
}

/** Storage that lives in this process only: for trials, tests and single-instance deployments that can lose state. */
export function createMemoryStorage(): ServiceStorage {
  return {
    credentials: new MemoryCredentialStore(),
    idempotency: new MemoryIdempotencyStore(),
    statusLists: new MemoryStatusListStore(),
    oid4vci: new MemoryOid4vciStore(),
    oid4vp: new MemoryOid4vpStore(),
    ping: async () => undefined,
    close: async () => undefined,
  };
}
