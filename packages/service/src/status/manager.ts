import type { Signer } from '@divoc/keys';
import type { SuiteName } from '@divoc/vc';
import {
  allocateStatusEntry,
  createStatusList,
  getStatus,
  publishStatusList,
  revoke,
  StatusListFullError,
  type BitstringStatusListEntry,
  type StatusList,
} from '@divoc/status';
import type { StatusListRecord, StatusListStore } from '../storage/types.js';

export interface StatusListSettings {
  /** URL prefix of the lists: list `n` is `${baseUrl}/status-lists/${n}`, its credential's `id`. */
  baseUrl: string;
  /** Entries per list (≥ 131 072). */
  length: number;
  /** How long a published list credential stays valid; republished when half of it has passed. */
  validitySeconds: number;
  /** Indexes reserved per storage write. */
  reserveBlock: number;
  signer: Signer;
  suite?: SuiteName;
  issuer: string;
}

export interface AllocatedStatus {
  listId: string;
  index: number;
  /** The list's credential URL. */
  listUrl: string;
  entry: BitstringStatusListEntry;
}

const PUBLISHED_CACHE_MS = 2000;

/** The service's revocation lists: allocation, revocation and publishing, over a `StatusListStore`. */
export class StatusListManager {
  readonly #store: StatusListStore;
  readonly #settings: StatusListSettings;
  #current: string | undefined;
  readonly #reserved: AllocatedStatus[] = [];
  #refilling: Promise<void> | undefined;
  #cache: { at: number; credentials: Record<string, unknown>[] } | undefined;

  constructor(store: StatusListStore, settings: StatusListSettings) {
    this.#store = store;
    this.#settings = settings;
  }

  urlOf(listId: string): string {
    return `${this.#settings.baseUrl.replace(/\/+$/, '')}/status-lists/${listId}`;
  }

  #newList(listId: string): StatusList {
    return createStatusList({ id: this.urlOf(listId), statusPurpose: 'revocation', length: this.#settings.length });
  }

  /**
   * A fresh index on the current list (a new list when it is full). Indexes are reserved in blocks of
   * `reserveBlock` per storage transaction, so a shared database is written once per block rather than once per
   * credential; indexes reserved by an instance that stops are never handed out (allocation is recorded), only unused.
   */
  async allocate(): Promise<AllocatedStatus> {
    for (;;) {
      const reserved = this.#reserved.shift();
      if (reserved !== undefined) {
        // The next block is reserved while a quarter of this one is left, so requests rarely wait for a refill. A
        // failure here is not lost: the next allocate() that finds the reserve empty refills and reports it.
        if (this.#reserved.length < this.#settings.reserveBlock / 4) this.#startRefill().catch(() => undefined);
        return reserved;
      }
      await this.#startRefill();
    }
  }

  #startRefill(): Promise<void> {
    this.#refilling ??= this.#refill().finally(() => {
      this.#refilling = undefined;
    });
    return this.#refilling;
  }

  async #refill(): Promise<void> {
    if (this.#current === undefined) {
      const ids = await this.#store.ids();
      this.#current = ids.length === 0 ? '1' : (ids[ids.length - 1] as string);
    }
    for (let attempt = 0; attempt < 4; attempt++) {
      const listId: string = this.#current;
      const block = await this.#store.update<AllocatedStatus[]>(listId, async (current) => {
        const record: StatusListRecord = current ?? { list: this.#newList(listId) };
        const out: AllocatedStatus[] = [];
        for (let i = 0; i < this.#settings.reserveBlock; i++) {
          try {
            const entry = allocateStatusEntry(record.list);
            out.push({ listId, index: Number(entry.statusListIndex), listUrl: record.list.id, entry });
          } catch (error) {
            if (error instanceof StatusListFullError) break;
            throw error;
          }
        }
        return out.length > 0 ? { record, result: out } : { result: out };
      });
      if (block.length > 0) {
        this.#reserved.push(...block);
        return;
      }
      this.#current = String(Number(listId) + 1);
    }
    throw new StatusListFullError('no status list could take another entry');
  }

  /** Sets the revocation bit (once) and republishes the list credential. */
  async revoke(listId: string, index: number): Promise<void> {
    await this.#store.update(listId, async (current) => {
      if (current === undefined) throw new Error(`status list ${listId} does not exist`);
      if (getStatus(current.list, index) !== 1) revoke(current.list, index);
      const published = await this.#publish(current.list);
      return { record: { list: current.list, published }, result: undefined };
    });
    this.#cache = undefined;
  }

  /** The signed list credential, republished first when missing or past half its validity. */
  async published(listId: string): Promise<Record<string, unknown> | undefined> {
    const record = await this.#store.get(listId);
    if (record === undefined) return undefined;
    if (record.published !== undefined && !this.#stale(record.published.validUntil)) return record.published.credential;
    return this.#store.update(listId, async (current) => {
      if (current === undefined) return { result: undefined };
      if (current.published !== undefined && !this.#stale(current.published.validUntil))
        return { result: current.published.credential };
      const published = await this.#publish(current.list);
      return { record: { list: current.list, published }, result: published.credential };
    });
  }

  /** Every list's signed credential (for `verify`), cached for a moment. */
  async allPublished(): Promise<Record<string, unknown>[]> {
    const now = Date.now();
    if (this.#cache !== undefined && now - this.#cache.at < PUBLISHED_CACHE_MS) return this.#cache.credentials;
    const credentials: Record<string, unknown>[] = [];
    for (const id of await this.#store.ids()) {
      const c = await this.published(id);
      if (c !== undefined) credentials.push(c);
    }
    this.#cache = { at: now, credentials };
    return credentials;
  }

  #stale(validUntil: string): boolean {
    return Date.parse(validUntil) - Date.now() < (this.#settings.validitySeconds * 1000) / 2;
  }

  async #publish(list: StatusList): Promise<{ credential: Record<string, unknown>; validUntil: string }> {
    const now = new Date(Math.floor(Date.now() / 1000) * 1000);
    const validUntil = new Date(now.getTime() + this.#settings.validitySeconds * 1000);
    const credential = await publishStatusList(list, {
      signer: this.#settings.signer,
      issuer: this.#settings.issuer,
      ...(this.#settings.suite !== undefined ? { suite: this.#settings.suite } : {}),
      validFrom: now,
      validUntil,
      ttl: Math.min(this.#settings.validitySeconds * 1000, 300_000),
    });
    return { credential: credential as unknown as Record<string, unknown>, validUntil: validUntil.toISOString() };
  }
}
