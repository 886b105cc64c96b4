import { DivocError } from '@divoc/keys';

/** The credential cannot be read as a DDCC core data set (not one of our credential types, or a field is missing). */
export class DdccMappingError extends DivocError {
  readonly code = 'ERR_DDCC_CREDENTIAL_INVALID' as const;
  /** Where in the credential (JSONPath), e.g. `$.evidence[0].dose`. */
  readonly path: string;
  constructor(path: string, message: string) {
    super(`${path}: ${message}`);
    this.name = 'DdccMappingError';
    this.path = path;
  }
}
