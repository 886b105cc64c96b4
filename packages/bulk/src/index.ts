/**
 * Issue certificates in bulk from CSV, NDJSON or any iterable, across worker threads, with resumable progress.
 *
 * @module @divoc/bulk
 */
export { issueBulk } from './issue-bulk.js';
export type {
  IssueBulkOptions,
  BulkSummary,
  BulkCounts,
  BulkRejection,
  BulkStartInfo,
  BulkKeys,
  KeyLoader,
  CertificateSink,
  IssuedCertificate,
  StatusEntryAllocator,
} from './issue-bulk.js';
export { csvSource, ndjsonSource, jsonSource, iterableSource, openRecordFile } from './sources/index.js';
export type { RecordSource, RecordInput, RecordFileFormat, SourceOptions } from './sources/index.js';
export type { SourceItem, RawRecord, FieldError, RecordMapper, MapResult } from './types.js';
export {
  BULK_FORMATS,
  formatStem,
  formatOfStem,
  isBulkFormat,
  keySlotOf,
  mainFileName,
  VC_BASED_FORMATS,
} from './formats.js';
export type { BulkFormat, FormatStem } from './formats.js';
export { parseMapping, mappingRecordMapper, identityMapper, recordIdOf } from './lib/mapping.js';
export type { Mapping } from './lib/mapping.js';
export { createProgress, formatDuration } from './lib/progress.js';
export type { Progress, ProgressMode, ProgressOptions, TextSink } from './lib/progress.js';
export type { RecoveryReport } from './lib/journal.js';
export type { BundleReport } from './lib/bundle.js';
export { DEFAULT_WORKER_HEAP_MB } from './lib/pool.js';
export {
  BulkError,
  BulkOptionsError,
  BulkLayoutMismatchError,
  BulkInputUnreadableError,
  BulkInputSyntaxError,
  BulkOutputUnwritableError,
  BulkOutputLockedError,
  BulkUnknownColumnsError,
  BulkMappingInvalidError,
  BulkWorkerError,
  isBulkError,
} from './errors.js';
export type { BulkErrorCode, UnknownColumn } from './errors.js';
