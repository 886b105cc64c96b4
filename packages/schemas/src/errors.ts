import { DivocError } from '@divoc/keys';
import type { ValidationIssue } from './types.js';

/** The document loader was asked for a URL it does not hold. It never goes to the network. */
export class UnknownContextError extends DivocError {
  readonly code = 'ERR_JSONLD_UNKNOWN_URL' as const;
  readonly url: string;
  constructor(url: string) {
    super(`JSON-LD document ${describeUrl(url)} is not in the static document loader (no network lookups are made)`);
    this.name = 'UnknownContextError';
    this.url = typeof url === 'string' ? url : String(url);
  }
}

/** A caller-supplied context tried to replace a different document already held under the same URL. */
export class ContextConflictError extends DivocError {
  readonly code = 'ERR_JSONLD_CONTEXT_CONFLICT' as const;
  readonly url: string;
  constructor(url: string, message?: string) {
    super(
      message ??
        `JSON-LD context ${describeUrl(url)} is already defined with different content; bundled contexts ` +
          `cannot be replaced`,
    );
    this.name = 'ContextConflictError';
    this.url = url;
  }
}

/** A caller-supplied context is not a usable JSON-LD document (not an object, bad URL...). */
export class InvalidContextError extends DivocError {
  readonly code = 'ERR_JSONLD_CONTEXT_INVALID' as const;
  readonly url: string;
  constructor(url: string, message: string) {
    super(message);
    this.name = 'InvalidContextError';
    this.url = url;
  }
}

/** A registry record (or the credential built from it) failed validation. Nothing was built. */
export class RecordValidationError extends DivocError {
  readonly code = 'ERR_RECORD_INVALID' as const;
  readonly issues: ValidationIssue[];
  /** `record`: the input record was rejected; `credential`: the credential built from it was. */
  readonly stage: 'record' | 'credential';
  constructor(issues: ValidationIssue[], stage: 'record' | 'credential' = 'record') {
    const head = issues
      .slice(0, 5)
      .map((i) => `${i.path}: ${i.message}`)
      .join('; ');
    const more = issues.length > 5 ? ` (+${issues.length - 5} more)` : '';
    super(`${stage === 'record' ? 'record' : 'built credential'} is invalid: ${head}${more}`);
    this.name = 'RecordValidationError';
    this.issues = issues;
    this.stage = stage;
  }
}

/** No credential type of that name or credential type is registered. */
export class UnknownCredentialTypeError extends DivocError {
  readonly code = 'ERR_CREDENTIAL_TYPE_UNKNOWN' as const;
  readonly typeName: string;
  constructor(typeName: string) {
    super(`credential type ${JSON.stringify(String(typeName).slice(0, 200))} is not registered`);
    this.name = 'UnknownCredentialTypeError';
    this.typeName = String(typeName);
  }
}

/** A credential type definition is malformed or clashes with one already registered. */
export class CredentialTypeDefinitionError extends DivocError {
  readonly code = 'ERR_CREDENTIAL_TYPE_INVALID' as const;
  constructor(message: string) {
    super(message);
    this.name = 'CredentialTypeDefinitionError';
  }
}

/** Every error this package throws; switch on `code`. */
export type SchemasError =
  | UnknownContextError
  | ContextConflictError
  | InvalidContextError
  | RecordValidationError
  | UnknownCredentialTypeError
  | CredentialTypeDefinitionError
  | InvalidBuildOptionsError
  | AjvMissingError;

function describeUrl(url: unknown): string {
  const s = typeof url === 'string' ? url : String(url);
  return JSON.stringify(s.length > 300 ? `${s.slice(0, 300)}…` : s);
}

/** `buildCredential` options are missing or malformed (issuer, dates, vcVersion...). */
export class InvalidBuildOptionsError extends DivocError {
  readonly code = 'ERR_BUILD_OPTIONS_INVALID' as const;
  constructor(message: string) {
    super(`invalid build options: ${message}`);
    this.name = 'InvalidBuildOptionsError';
  }
}

/**
 * A custom credential type's JSON Schema has to be compiled, and Ajv (an optional peer dependency: built-in types use
 * precompiled validators) is not installed, or not given with `useAjv` where Node's loader is not available.
 */
export class AjvMissingError extends DivocError {
  readonly code = 'ERR_AJV_MISSING' as const;
  constructor(cause?: unknown) {
    super(
      'compiling the JSON Schema of a custom credential type needs Ajv, which is not installed: run `npm i ajv` ' +
        '(outside Node, call useAjv(Ajv2020) from @divoc/schemas first, with ' +
        "import { Ajv2020 } from 'ajv/dist/2020.js')",
      cause === undefined ? undefined : { cause },
    );
    this.name = 'AjvMissingError';
  }
}
