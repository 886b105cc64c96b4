/**
 * The `trust` option of every verify function: a low-level store (a `TrustStore`, or whatever narrower shape the
 * function needs), or a holder of one — the verifier's `Trust` keeps its keys in `store` — so the one user-facing
 * `Trust` works everywhere.
 */
export type TrustOption<T extends object> = T | { readonly store: T };

/** Options that name trusted keys: `trust`, or the deprecated `trustStore` from before the names were unified. */
export interface TrustOptions<T extends object> {
  trust?: TrustOption<T>;
  /** @deprecated use `trust` */
  trustStore?: T;
}

/**
 * The store behind a `trust` option (or the deprecated `trustStore`, when `trust` is absent). A holder is told apart
 * by its `store` field, which no store has.
 */
export function trustStoreOf<T extends object>(options: TrustOptions<T> | undefined): T | undefined {
  const trust = options?.trust ?? options?.trustStore;
  if (trust === null || typeof trust !== 'object') return undefined;
  if ('store' in trust && trust.store !== null && typeof trust.store === 'object') return trust.store;
  return trust as T;
}
