// The reader into the WHO DDCC core data set (for FHIR), loaded on first use: verifiers never need it.
export { sdJwtVcCoreDataSet } from '../core-data-set.js';
