// What loadDdccReader imports dynamically. The package build (tsup.config.mjs) gives this module its own copy of
// src/ddcc/, so the reader is not in the first download of an app that only verifies.
export { toDdccCoreDataSet } from './core-data-set.js';
