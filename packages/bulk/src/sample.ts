/**
 * Synthetic registry records for trying a bulk run (`divoc sample`): `@divoc/bulk/sample`.
 *
 * @module @divoc/bulk/sample
 */
export { SAMPLE_COLUMNS, BAD_KINDS, csvHeader, csvLine, emptyStats, generateSample } from './lib/sample.js';
export type { SampleRow, BadKind, SampleOptions, SampleStats } from './lib/sample.js';
