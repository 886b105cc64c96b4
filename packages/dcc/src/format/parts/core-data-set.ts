// The readers into the WHO DDCC core data set (for FHIR), loaded on first use: verifiers never need them.
export { dccCoreDataSet } from '../core-data-set.js';
export { dvcCoreDataSet } from '../../dvc/core-data-set.js';
