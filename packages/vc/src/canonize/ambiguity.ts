/**
 * Term collisions: sibling keys of one JSON object node that expand to the same predicate IRI.
 *
 * A proof over the RDF canonical form signs (subject, predicate, object) statements; the JSON key that produced a
 * statement is not part of them. When two keys of one node expand to the same predicate (DIVOC's contexts map
 * `certificateId`, `batch`, `vaccine` and `manufacturer` all to `schema:id`), their values can be exchanged, or
 * moved from one key to the other, and the signature still verifies: `certificateId` ↔ `batch` defeats a DIVOC
 * revocation list, `date` ↔ `effectiveUntil` changes the vaccination date shown.
 *
 * Every key sharing a predicate is reported, whatever its coercion: the values as written may not be exchangeable
 * (an `@id`-coerced term and a plain one), but written as explicit value or node objects (`{"@value": …}`,
 * `{"@id": …}`) any two of them are, and an embedded `@context` may add a term with an equivalent coercion
 * (`xsd:string`) without changing the RDF. Keys under a `@nest` alias count as keys of their node, and keys that
 * are no term (compact or absolute IRIs) are expanded like the canonicaliser expands them.
 *
 * Contexts come from the same compiled contexts the fast canonicaliser uses (`./fast.ts`), so `@protected`,
 * type- and property-scoped and embedded contexts mean what they mean there; per compiled context the terms that
 * share an IRI are found once and cached, so a node whose keys all have their own IRI costs one map look-up per key.
 *
 * Not analysed (no collision is looked for inside them): values of `@index`, `@id`, `@type` and `@language` map
 * containers, `@json` literals, and `@graph` / `@included` / `@reverse` keyword blocks. The proof is not analysed.
 */
import { isJsonObject } from '../lib/json.js';
import { VcMalformedError } from '../lib/errors.js';
import type { AmbiguousTermGroup, JsonObject, JsonValue } from '../types.js';
import { compiledContextFor, defaultDocumentLoader, toVcError, type CanonizeOptions } from './index.js';
import { isUnsupported, type CompiledContext } from './fast.js';
import { contextLib, loadContextLib } from './lazy.js';

const MAX_DEPTH = 64;

/** What a key means in one compiled context (cached per context). */
interface KeyInfo {
  /** Expanded IRI (or keyword), null when the key expands to nothing. */
  iri: string | null;
  /** Grouping key: the IRI, `^`-prefixed for a reverse property; null for keywords and dropped keys. */
  group: string | null;
  /** Worth grouping: another term of the context has the same IRI, or the key is not a term at all. */
  suspect: boolean;
  /** A term of the context (not a compact or absolute IRI). */
  defined: boolean;
  /** Values may hold node objects we walk into (no container, or only `@set` / `@list` / `@graph`; not `@json`). */
  descend: boolean;
  /** The term's own scoped context, if any. */
  scoped: unknown;
  /** The key as a JSON path step after a parent (`.key` or `["odd key"]`). */
  step: string;
}

interface ContextInfo {
  /** Defined terms per grouping key. */
  readonly counts: Map<string, number>;
  readonly keys: Map<string, KeyInfo>;
}

const MAX_KEYS_CACHED = 4096;
/** jsonld.js's absolute IRI test (a scheme, or `_` for a blank node): anything else it drops from the RDF. */
const ABSOLUTE_IRI = /^([A-Za-z][A-Za-z0-9+-.]*|_):[^\s]*$/;

/** A node whose `@id` is a relative IRI: where it is and what it expanded to. */
export interface RelativeId {
  /** JSON path of the id member, e.g. `credentialSubject.id` (same syntax as `AmbiguousTermGroup.path`). */
  path: string;
  /** The id as JSON-LD expanded it (still relative), what jsonld.js names in its events. */
  id: string;
}
const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** The context's term map: how many terms share each IRI (computed once per compiled context, kept on it). */
function contextInfo(cc: CompiledContext): ContextInfo {
  let info = cc.ambiguity as ContextInfo | undefined;
  if (info === undefined) {
    const counts = new Map<string, number>();
    for (const definition of cc.ctx.mappings.values()) {
      if (definition === null || definition === undefined) continue;
      const id = definition['@id'];
      if (typeof id !== 'string' || id.charCodeAt(0) === 64 /* @ */) continue;
      const group = definition.reverse === true ? `^${id}` : id;
      counts.set(group, (counts.get(group) ?? 0) + 1);
    }
    info = { counts, keys: new Map() };
    cc.ambiguity = info;
  }
  return info;
}

function keyInfo(cc: CompiledContext, context: ContextInfo, key: string): KeyInfo {
  let info = context.keys.get(key);
  if (info === undefined) {
    const iri = cc.vocab(key);
    const mapping = cc.ctx.mappings.get(key);
    const defined = mapping !== undefined && mapping !== null;
    let group: string | null = null;
    if (iri !== null && iri.charCodeAt(0) !== 64 /* @ */) group = defined && mapping.reverse === true ? `^${iri}` : iri;
    const container = contextLib().context.getContextValue(cc.ctx, key, '@container');
    const containers = Array.isArray(container) ? (container as unknown[]) : [];
    const descend =
      group !== null &&
      contextLib().context.getContextValue(cc.ctx, key, '@type') !== '@json' &&
      containers.every((c) => c === '@set' || c === '@list' || c === '@graph');
    const suspect = group !== null && (!defined || (context.counts.get(group) ?? 0) >= 2);
    info = {
      iri,
      group,
      suspect,
      defined,
      descend,
      scoped: cc.term(key).scoped,
      step: IDENTIFIER.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`,
    };
    if (context.keys.size < MAX_KEYS_CACHED) context.keys.set(key, info);
  }
  return info;
}

/**
 * The memo key of an embedded `@context` (the fast path's is its JSON). URLs, the usual case, skip `JSON.stringify`:
 * `#` + each URL's length and text, which no JSON text starts with, and which tells any two lists apart.
 */
function contextKey(local: unknown): string {
  if (typeof local === 'string') return `#${local.length}:${local}`;
  if (Array.isArray(local) && local.every((c) => typeof c === 'string')) {
    let key = '#';
    for (const url of local as string[]) key += `${url.length}:${url}`;
    return key;
  }
  return JSON.stringify(local);
}

/** `parent.key`, or `parent["odd key"]` for keys that are no identifier. */
function childPath(parent: string, key: string): string {
  if (IDENTIFIER.test(key)) return parent === '' ? key : `${parent}.${key}`;
  return `${parent}[${JSON.stringify(key)}]`;
}

/** `parent` followed by a relative path (`key`, `a.b`, `["odd"]`, `a[0].b`). */
function joinPath(parent: string, relative: string): string {
  if (parent === '' || relative.startsWith('[')) return `${parent}${relative}`;
  return `${parent}.${relative}`;
}

/** A context the walk needs and that is not compiled yet: the driver compiles it between passes. */
interface Need {
  readonly from: CompiledContext;
  readonly kind: 0 | 1 | 2;
  readonly memoKey: unknown;
  readonly local: unknown;
}

/** Contexts compiled for this call that did not fit in their parent's memo. */
type Overflow = Map<
  CompiledContext,
  [Map<unknown, CompiledContext>, Map<unknown, CompiledContext>, Map<unknown, CompiledContext>]
>;

/** One key of a node (own, or under a `@nest` alias), with its value and how it is reported. */
interface Entry {
  key: string;
  /** As reported: the key as written, or its path under the `@nest` alias (`alias.key`). */
  label: string;
  /** Path of the `@nest` block holding it, relative to the node (`''` for the node's own keys). */
  prefix: string;
  value: JsonValue | undefined;
  info: KeyInfo;
}

/**
 * One synchronous pass over the document. A subtree whose context is not compiled yet is skipped and its context
 * recorded in `missing`; the driver compiles those and walks again (the pass is complete when nothing is missing).
 */
class AmbiguityWalker {
  readonly groups: AmbiguousTermGroup[] = [];
  readonly relativeIds: RelativeId[] = [];
  readonly missing: Need[] = [];

  constructor(readonly overflow: Overflow) {}

  derive(from: CompiledContext, kind: 0 | 1 | 2, memoKey: unknown, local: unknown): CompiledContext | undefined {
    const hit = from.peekDerived(kind, memoKey) ?? this.overflow.get(from)?.[kind].get(memoKey);
    if (hit === undefined) this.missing.push({ from, kind, memoKey, local });
    return hit;
  }

  /** A value of `activeProperty`: node objects (also inside arrays and `@list` / `@set` objects) are walked. */
  value(value: JsonValue | undefined, ctx: CompiledContext, activeProperty: string, path: string, depth: number): void {
    if (Array.isArray(value)) {
      if (depth > MAX_DEPTH) throw new VcMalformedError(`document is nested deeper than ${MAX_DEPTH} levels`);
      for (let i = 0; i < value.length; i++) {
        const item = value[i];
        if (typeof item === 'object' && item !== null)
          this.value(item, ctx, activeProperty, `${path}[${i}]`, depth + 1);
      }
    } else if (isJsonObject(value)) {
      this.node(value, ctx, activeProperty, path, depth + 1);
    }
  }

  /** One JSON object: its active context as jsonld.js's expansion computes it, its keys, then its values. */
  node(
    element: JsonObject,
    incoming: CompiledContext,
    activeProperty: string | null,
    path: string,
    depth: number,
  ): void {
    if (depth > MAX_DEPTH) throw new VcMalformedError(`document is nested deeper than ${MAX_DEPTH} levels`);
    const propertyScoped = activeProperty === null ? undefined : incoming.term(activeProperty).scoped;
    const keys = Object.keys(element);

    // Type-scoped contexts do not reach into nested node objects (except a lone `@id` reference); a value object is
    // not a node.
    let ctx: CompiledContext | undefined = incoming;
    if (incoming.hasPrevious) {
      let mustRevert = true;
      if (keys.length <= 2 && !keys.includes('@context')) {
        for (const key of keys.length === 2 && keys[0]! > keys[1]! ? [keys[1]!, keys[0]!] : keys) {
          const expanded = incoming.vocab(key);
          if (expanded === '@value') return;
          if (expanded === '@id' && keys.length === 1) {
            mustRevert = false;
            break;
          }
        }
      }
      if (mustRevert) ctx = incoming.reverted();
    }
    if (propertyScoped !== undefined && !(ctx = this.derive(ctx, 0, propertyScoped, propertyScoped))) return;
    if (element['@context'] !== undefined) {
      const local = element['@context'];
      if (!(ctx = this.derive(ctx, 2, contextKey(local), local))) return;
    }

    // `@type` values pick their scoped contexts in the context before any type applies, keys and values sorted.
    const typeScoped: CompiledContext = ctx;
    const typeContext = contextInfo(typeScoped);
    let infos = new Array<KeyInfo>(keys.length);
    let typeKeys: string[] | undefined;
    for (let i = 0; i < keys.length; i++) {
      const info = keyInfo(typeScoped, typeContext, keys[i]!);
      infos[i] = info;
      if (info.iri === '@type' && keys[i] !== '@context') (typeKeys ??= []).push(keys[i]!);
    }
    if (typeKeys !== undefined) {
      if (typeKeys.length > 1) typeKeys.sort();
      for (const key of typeKeys) {
        const raw = element[key];
        const types = Array.isArray(raw) ? (raw.length > 1 ? [...raw].sort() : raw) : [raw];
        for (const type of types) {
          if (typeof type !== 'string') continue;
          const scoped = typeScoped.term(type).scoped;
          if (scoped !== undefined && !(ctx = this.derive(ctx, 1, scoped, scoped))) return;
        }
      }
    }
    const nodeCtx: CompiledContext = ctx;

    // A type-scoped context changes what the keys mean: look them up again in the node's context.
    const context = nodeCtx === typeScoped ? typeContext : contextInfo(nodeCtx);
    if (nodeCtx !== typeScoped) infos = keys.map((key) => keyInfo(nodeCtx, context, key));
    // Common case first: at most one key shares its IRI with another term, and every key is a term.
    let suspects = 0;
    let grouping = false;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!;
      const info = infos[i]!;
      if (info.suspect) {
        suspects++;
        if (!info.defined) grouping = true;
      } else if (info.iri === '@nest') {
        grouping = true;
      } else if (info.iri === '@id') {
        this.nodeId(element[key], nodeCtx, childPath(path, key));
      } else if (info.iri === '@value' || info.iri === '@list' || info.iri === '@set') {
        // A value object (nothing to walk), or a `@list` / `@set` object: its items are values of `activeProperty`.
        if (info.iri !== '@value' && activeProperty !== null)
          this.value(element[key], nodeCtx, activeProperty, childPath(path, key), depth);
        return;
      }
    }

    if (!grouping && suspects < 2) {
      for (let i = 0; i < keys.length; i++) {
        const key = keys[i]!;
        const value = element[key];
        const info = infos[i]!;
        if (info.descend && typeof value === 'object' && value !== null)
          this.descend(
            nodeCtx,
            info,
            key,
            value,
            path === '' && info.step.charCodeAt(0) === 46 /* . */ ? key : path + info.step,
            depth,
          );
      }
      return;
    }

    // Keys in JSON order (as written), `@nest` contents after their node's own keys.
    const entries: Entry[] = [];
    const collect = (object: JsonObject, prefix: string, nestDepth: number): void => {
      if (nestDepth > MAX_DEPTH) throw new VcMalformedError(`@nest blocks are nested deeper than ${MAX_DEPTH} levels`);
      for (const key of Object.keys(object)) {
        const info = keyInfo(nodeCtx, context, key);
        if (info.iri === '@nest') {
          const value = object[key];
          const relative = childPath(prefix, key);
          if (Array.isArray(value)) {
            value.forEach((block, i) => {
              if (isJsonObject(block)) collect(block, `${relative}[${i}]`, nestDepth + 1);
            });
          } else if (isJsonObject(value)) {
            collect(value, relative, nestDepth + 1);
          }
        } else if (info.group !== null) {
          entries.push({ key, label: prefix === '' ? key : childPath(prefix, key), prefix, value: object[key], info });
        }
      }
    };
    collect(element, '', 0);

    const byGroup = new Map<string, Entry[]>();
    for (const entry of entries) {
      const list = byGroup.get(entry.info.group!);
      if (list) list.push(entry);
      else byGroup.set(entry.info.group!, [entry]);
    }
    for (const [group, list] of byGroup) {
      if (list.length < 2) continue;
      const reverse = group.charCodeAt(0) === 94; /* ^ */
      this.groups.push({
        iri: reverse ? group.slice(1) : group,
        terms: list.map((e) => e.label),
        path,
        ...(reverse ? { reverse: true as const } : {}),
      });
    }

    for (const entry of entries) {
      const value = entry.value;
      if (entry.info.descend && typeof value === 'object' && value !== null) {
        this.descend(nodeCtx, entry.info, entry.key, value, joinPath(path, childPath(entry.prefix, entry.key)), depth);
      }
    }
  }

  /** A node's `@id`: recorded when it stays a relative IRI (no scheme, no `@base`, no prefix that expands it). */
  nodeId(value: JsonValue | undefined, ctx: CompiledContext, path: string): void {
    if (typeof value !== 'string') return;
    const expanded: unknown = contextLib().context.expandIri(ctx.ctx, value, { base: true }, { base: null });
    if (typeof expanded === 'string' && !ABSOLUTE_IRI.test(expanded)) this.relativeIds.push({ path, id: expanded });
  }

  /** The value of `key` in a node whose context is `ctx`, under the key's own scoped context. */
  descend(ctx: CompiledContext, info: KeyInfo, key: string, value: JsonValue, path: string, depth: number): void {
    const scoped = info.scoped;
    const termCtx = scoped === undefined ? ctx : this.derive(ctx, 0, scoped, scoped);
    if (termCtx !== undefined) this.value(value, termCtx, key, path, depth);
  }
}

/** Passes before giving up: each compiles every context the previous one missed, so nesting bounds the count. */
const MAX_PASSES = 4 * MAX_DEPTH;

/**
 * Every group of sibling keys, in one JSON object node of `document`, that expand to the same predicate IRI under
 * the document's own contexts: values the signature does not bind to their key (see the module comment). An empty
 * array when there is none. `document` is read, never changed; pass the credential (its `proof` is skipped).
 *
 * Each group: `iri` (the shared predicate), `terms` (the keys as written, in document order; a key under a `@nest`
 * alias as `alias.key`), `path` (the node: `''` for the document itself, `credentialSubject`, `evidence[0]`,
 * `evidence[0].facility`; keys that are no identifier as `["sign-image"]`), `reverse: true` for reverse properties.
 *
 * Contexts come from `options.documentLoader` (default: the bundled contexts), compiled once per loader and shared
 * with `canonize`. Rejects with a `VcError` when a context cannot be loaded or processed, or the document is nested
 * deeper than 64 levels.
 */
export async function findAmbiguousTerms(
  document: JsonObject,
  options: CanonizeOptions = {},
): Promise<AmbiguousTermGroup[]> {
  return (await findUnsignedTerms(document, options, 'findAmbiguousTerms')).ambiguous;
}

/** What a signature over `document`'s RDF leaves unbound: interchangeable terms and nodes with a relative id. */
export interface UnsignedTerms {
  /** As `findAmbiguousTerms` returns them. */
  ambiguous: AmbiguousTermGroup[];
  /**
   * Nodes whose `@id` stays a relative IRI ("123", "Aadhaar-XXXX"), in document order. JSON-LD drops relative IRIs
   * from the RDF, so none of such a node's statements (nor the link to it) is signed. Safe-mode canonicalisation
   * refuses them; a signer without safe mode signed the document without them.
   */
  relativeIds: RelativeId[];
}

/**
 * One walk of `document` (see `findAmbiguousTerms`) that also records every node whose `@id` is a relative IRI.
 * Same options, errors and limits as `findAmbiguousTerms`.
 */
export async function findUnsignedTerms(
  document: JsonObject,
  options: CanonizeOptions = {},
  caller = 'findUnsignedTerms',
): Promise<UnsignedTerms> {
  if (!isJsonObject(document)) throw new VcMalformedError(`${caller}: document must be a JSON object`);
  if (options.documentLoader !== undefined && typeof options.documentLoader !== 'function') {
    throw new TypeError(`${caller}: options.documentLoader must be a function`);
  }
  await loadContextLib();
  const initial = compiledContextFor(options.documentLoader ?? defaultDocumentLoader());
  const subject = Object.hasOwn(document, 'proof') ? withoutProof(document) : document;
  const overflow: Overflow = new Map();
  try {
    for (let pass = 0; pass < MAX_PASSES; pass++) {
      const walker = new AmbiguityWalker(overflow);
      walker.node(subject, initial, null, '', 0);
      if (walker.missing.length === 0) return { ambiguous: walker.groups, relativeIds: walker.relativeIds };
      for (const need of walker.missing) {
        if (walker.derive(need.from, need.kind, need.memoKey, need.local) !== undefined) continue; // compiled already
        let derived: CompiledContext;
        try {
          derived = await need.from.computeDerived(need.kind, need.memoKey, need.local);
        } catch (error) {
          if (isUnsupported(error)) throw new VcMalformedError(`${caller}: a context raises a JSON-LD safe-mode event`);
          throw error;
        }
        if (need.from.peekDerived(need.kind, need.memoKey) !== derived) {
          let maps = overflow.get(need.from);
          if (!maps) overflow.set(need.from, (maps = [new Map(), new Map(), new Map()]));
          maps[need.kind].set(need.memoKey, derived);
        }
      }
    }
  } catch (error) {
    throw toVcError(error);
  }
  throw new VcMalformedError(`${caller}: the document needs too many nested contexts`);
}

function withoutProof(document: JsonObject): JsonObject {
  const { proof: _proof, ...rest } = document;
  return rest;
}

const PATH_TOKEN = /\.?([A-Za-z_$][A-Za-z0-9_$]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/y;

/**
 * The value at a path as `findAmbiguousTerms` writes them (`evidence[0]`, `evidence[0].facility`, `a["odd key"]`;
 * `''` is `root` itself), or `undefined` when there is none. A group's term is found with
 * `readJsonPath(readJsonPath(credential, group.path), term)`: a key as written is looked up directly first.
 */
export function readJsonPath(root: unknown, path: string): unknown {
  if (typeof path !== 'string') return undefined;
  if (path === '') return root;
  if (isJsonObject(root) && Object.hasOwn(root, path)) return root[path];
  let node: unknown = root;
  PATH_TOKEN.lastIndex = 0;
  while (PATH_TOKEN.lastIndex < path.length) {
    const start = PATH_TOKEN.lastIndex;
    const match = PATH_TOKEN.exec(path);
    if (match === null || (start === 0 && path.startsWith('.'))) return undefined;
    if (match[2] !== undefined) {
      if (!Array.isArray(node)) return undefined;
      node = node[Number(match[2])];
    } else {
      let key: string;
      try {
        key = match[1] ?? (JSON.parse(match[3]!) as string);
      } catch {
        return undefined;
      }
      if (!isJsonObject(node) || !Object.hasOwn(node, key)) return undefined;
      node = node[key];
    }
  }
  return node;
}

/** Whether `text` reads as a path in `readJsonPath`'s syntax (a key under a `@nest` alias is reported as one). */
function isPath(text: string): boolean {
  PATH_TOKEN.lastIndex = 0;
  if (text.startsWith('.')) return false;
  while (PATH_TOKEN.lastIndex < text.length) if (PATH_TOKEN.exec(text) === null) return false;
  return true;
}

/**
 * The JSON path of every term of `groups`, for messages and field lists: `evidence[0].batch`, `date` at the top,
 * `evidence[0].facility["seal-image"]`, `evidence[0].n.batch` for a key under a `@nest` alias.
 */
export function ambiguousTermPaths(groups: readonly AmbiguousTermGroup[]): string[] {
  const out: string[] = [];
  for (const group of groups) {
    for (const term of group.terms) {
      out.push(
        !IDENTIFIER.test(term) && /[.[]/.test(term) && isPath(term)
          ? joinPath(group.path, term)
          : childPath(group.path, term),
      );
    }
  }
  return out;
}
