import { describe, expect, it } from 'vitest';
import { TrustStore, generateKeyPair, trustStoreOf, trustedKeyFromKeyPair } from '@divoc/keys';

// The one naming scheme (docs/architecture.md, "Names"): `trust` names trusted keys everywhere, `now` the clock.
describe('trust option', () => {
  it('reads a store, a holder of one (the verifier’s Trust), and the deprecated trustStore', () => {
    const store = new TrustStore();
    const other = new TrustStore();
    expect(trustStoreOf({ trust: store })).toBe(store);
    expect(trustStoreOf({ trust: { store } })).toBe(store);
    expect(trustStoreOf({ trustStore: store })).toBe(store);
    // `trust` wins when both are given.
    expect(trustStoreOf({ trust: store, trustStore: other })).toBe(store);
    // Control: nothing given is nothing found.
    expect(trustStoreOf({})).toBeUndefined();
    expect(trustStoreOf(undefined)).toBeUndefined();
  });
});

describe('ResolveFilter', () => {
  it('`now` filters by validity, and the deprecated `at` still does the same', async () => {
    const store = new TrustStore();
    const keyPair = await generateKeyPair('P-256');
    store.add(
      trustedKeyFromKeyPair(keyPair, {
        id: 'k',
        validFrom: new Date('2024-01-01T00:00:00Z'),
        validUntil: new Date('2025-01-01T00:00:00Z'),
      }),
    );
    const inside = new Date('2024-06-01T00:00:00Z');
    const outside = new Date('2026-01-01T00:00:00Z');
    expect(store.resolve('k', { now: inside })).toHaveLength(1);
    expect(store.resolve('k', { now: outside })).toHaveLength(0);
    expect(store.resolve('k', { at: inside })).toHaveLength(1);
    expect(store.resolve('k', { at: outside })).toHaveLength(0);
  });
});
