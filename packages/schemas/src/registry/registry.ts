import { bundleMap } from '../contexts/bundled.js';
import type { ContextSource } from '../contexts/loader.js';
import { prepareContexts } from '../contexts/prepare.js';
import { AjvMissingError, CredentialTypeDefinitionError, UnknownCredentialTypeError } from '../errors.js';
import { compileAtRunTime } from '../lib/ajv-compile.js';
import { builtInCredentialTypes } from '../templates/index.js';
import type { CredentialTypeDefinition, CredentialTypeLookup } from './definition.js';

const NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const CREDENTIAL_TYPE = /^[A-Za-z][A-Za-z0-9_.-]{0,127}$/;

/** The built-in schemas: precompiled (and checked against the generated code by a test), so never compiled here. */
let builtInSchemas: WeakSet<object> | undefined;
function isBuiltInSchema(schema: object): boolean {
  if (builtInSchemas === undefined) {
    builtInSchemas = new WeakSet();
    for (const d of builtInCredentialTypes()) {
      builtInSchemas.add(d.schema);
      if (d.recordSchema !== undefined) builtInSchemas.add(d.recordSchema);
    }
  }
  return builtInSchemas.has(schema);
}

/** Rejects a custom schema Ajv cannot compile (built-ins are known good); the compiled function is kept. */
function checkSchema(schema: object): void {
  if (!isBuiltInSchema(schema)) compileAtRunTime(schema);
}

/** Options of `new CredentialTypeRegistry()`. */
export interface CredentialTypeRegistryOptions {
  /** Start with `vaccination`, `vaccination-v2`, `test` and `recovery`. Default `true`. */
  builtIns?: boolean;
}

/**
 * The credential types an issuer or verifier knows. Registering a type makes its contexts available to
 * `createDocumentLoader({ registry })` and its schema to `validateCredential` / `buildCredential`.
 */
export class CredentialTypeRegistry implements CredentialTypeLookup, ContextSource {
  readonly #byName = new Map<string, CredentialTypeDefinition>();
  readonly #contexts = new Map<string, { owner: string; document: unknown }>();
  // The built-ins are registered on first use, not in the constructor: `defaultRegistry` is made at import, and
  // registering (bundled contexts, checks) took ~1.5 ms of every `import('@divoc/verifier')` (issue 14).
  #builtInsPending: boolean;

  constructor(options: CredentialTypeRegistryOptions = {}) {
    this.#builtInsPending = options.builtIns !== false;
  }

  /** Registers the built-in types if that is still to do: first in every method, so they come first as before. */
  #ready(): void {
    if (!this.#builtInsPending) return;
    this.#builtInsPending = false;
    for (const def of builtInCredentialTypes()) this.register(def);
  }

  /** Adds a definition. Throws `CredentialTypeDefinitionError` if it is malformed or clashes. */
  register(definition: CredentialTypeDefinition): this {
    this.#ready();
    const def = checkDefinition(definition);
    // Registering the very same definition again is a no-op, so plug-ins can register on import.
    if (this.#byName.get(def.name) === def) return this;
    if (this.#byName.has(def.name))
      throw new CredentialTypeDefinitionError(`a credential type named "${def.name}" is already registered`);
    // Contexts: may not replace a bundled context, nor one another type registered with different content.
    const contexts = prepareContexts(def.contexts, (url) => bundleMap().get(url) ?? this.#contexts.get(url)?.document);
    for (const url of def.contextUrls) {
      if (!bundleMap().has(url) && !contexts.has(url) && !this.#contexts.has(url)) {
        throw new CredentialTypeDefinitionError(
          `credential type "${def.name}" uses context ${JSON.stringify(url)} but provides no document for it`,
        );
      }
    }
    try {
      checkSchema(def.schema);
      if (def.recordSchema !== undefined) checkSchema(def.recordSchema);
    } catch (cause) {
      // No Ajv to compile with says nothing about the schema: that error (ERR_AJV_MISSING) goes out as it is.
      if (cause instanceof AjvMissingError) throw cause;
      throw new CredentialTypeDefinitionError(
        `credential type "${def.name}" has an invalid JSON Schema: ${(cause as Error).message}`,
      );
    }
    this.#byName.set(def.name, def);
    for (const [url, document] of contexts)
      if (!this.#contexts.has(url)) this.#contexts.set(url, { owner: def.name, document });
    return this;
  }

  /** True if a type of that name or credential type is registered. */
  has(nameOrCredentialType: string): boolean {
    this.#ready();
    return this.#find(nameOrCredentialType) !== undefined;
  }

  /** By template name (`vaccination`) or credential type (`ProofOfVaccinationCredential`, first registered wins). */
  get(nameOrCredentialType: string): CredentialTypeDefinition {
    this.#ready();
    const def = this.#find(nameOrCredentialType);
    if (def === undefined) throw new UnknownCredentialTypeError(nameOrCredentialType);
    return def;
  }

  /** Every registered definition, in registration order. */
  list(): readonly CredentialTypeDefinition[] {
    this.#ready();
    return [...this.#byName.values()];
  }

  /** The definition describing `credential`: by its `type` entries, then `matches()` when types are shared. */
  resolve(credential: Readonly<Record<string, unknown>>): CredentialTypeDefinition | undefined {
    this.#ready();
    const raw = credential.type;
    const types =
      typeof raw === 'string' ? [raw] : Array.isArray(raw) ? raw.filter((t): t is string => typeof t === 'string') : [];
    const candidates = this.list().filter((d) => types.includes(d.credentialType));
    if (candidates.length <= 1) return candidates[0];
    return (
      candidates.find((d) => safeMatches(d, credential)) ??
      candidates.find((d) => d.matches === undefined) ??
      candidates[0]
    );
  }

  /** A registered type's context document (frozen), or `undefined`. */
  contextDocument(url: string): unknown {
    this.#ready();
    return this.#contexts.get(url)?.document;
  }

  #find(key: string): CredentialTypeDefinition | undefined {
    if (typeof key !== 'string') return undefined;
    return this.#byName.get(key) ?? this.list().find((d) => d.credentialType === key);
  }
}

function safeMatches(def: CredentialTypeDefinition, credential: Readonly<Record<string, unknown>>): boolean {
  try {
    return def.matches?.(credential) === true;
  } catch {
    return false;
  }
}

/** Throws `CredentialTypeDefinitionError` unless `def` has the shape a definition needs. */
export function checkDefinition(def: CredentialTypeDefinition): CredentialTypeDefinition {
  if (def === null || typeof def !== 'object')
    throw new CredentialTypeDefinitionError('a credential type definition must be an object');
  const problems: string[] = [];
  if (typeof def.name !== 'string' || !NAME.test(def.name))
    problems.push('name must match /^[a-z0-9][a-z0-9._-]{0,63}$/');
  if (typeof def.credentialType !== 'string' || !CREDENTIAL_TYPE.test(def.credentialType))
    problems.push('credentialType must be a term such as ProofOfVaccinationCredential');
  if (def.contexts === null || typeof def.contexts !== 'object')
    problems.push('contexts must be an object of URL -> JSON-LD document ({} if none)');
  if (
    !Array.isArray(def.contextUrls) ||
    def.contextUrls.length === 0 ||
    !def.contextUrls.every((u) => typeof u === 'string')
  )
    problems.push('contextUrls must be a non-empty array of URLs');
  if (def.schema === null || typeof def.schema !== 'object') problems.push('schema must be a JSON Schema object');
  if (def.recordSchema !== undefined && (def.recordSchema === null || typeof def.recordSchema !== 'object'))
    problems.push('recordSchema must be a JSON Schema object');
  if (typeof def.build !== 'function') problems.push('build must be a function');
  for (const k of ['matches', 'check', 'checkRecord'] as const)
    if (def[k] !== undefined && typeof def[k] !== 'function') problems.push(`${k} must be a function`);
  if (problems.length > 0)
    throw new CredentialTypeDefinitionError(
      `invalid credential type definition${typeof def.name === 'string' ? ` "${def.name}"` : ''}: ` +
        `${problems.join('; ')}`,
    );
  return def;
}

/** The registry used when none is passed: the four built-in types plus whatever `registerCredentialType` adds. */
export const defaultRegistry = new CredentialTypeRegistry();

/** Registers `definition` on `defaultRegistry`. */
export function registerCredentialType(definition: CredentialTypeDefinition): CredentialTypeDefinition {
  defaultRegistry.register(definition);
  return definition;
}
