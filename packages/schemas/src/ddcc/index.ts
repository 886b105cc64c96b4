export {
  toDdccCoreDataSet,
  splitName,
  ddccCountryCode,
  ddccTestCategory,
  ddccTestOutcome,
  DdccMappingError,
  DDCC_SYSTEMS,
} from './core-data-set.js';
export type {
  DdccCoding,
  DdccHumanName,
  DdccName,
  DdccSex,
  DdccPerson,
  DdccCertificate,
  DdccVaccinationEvent,
  DdccTestCategory,
  DdccTestOutcome,
  DdccTestEvent,
  DdccRecoveryEvent,
  DdccCoreDataSet,
  DdccKind,
  ToDdccOptions,
} from './types.js';
export { loadDdccReader } from './load-reader.js';
export { ddccText, ddccRequiredText, ddccDay } from './readers.js';
export { projectCredential, shortCertificateId, VDSNC_MAX_ID } from './projection.js';
export type { ProjectionOptions } from './projection.js';
