import type { toDdccCoreDataSet } from './core-data-set.js';

/**
 * `toDdccCoreDataSet`, loaded on first use. Format plugins map credentials to the core data set through it (their
 * `coreDataSet`), so a browser app that only verifies never downloads the reader.
 */
export async function loadDdccReader(): Promise<typeof toDdccCoreDataSet> {
  return (await import('./lazy-reader.js')).toDdccCoreDataSet;
}
