/**
 * Fast path for RDFC-1.0 canonicalisation of credential-shaped JSON-LD.
 *
 * The general path (jsonld.js `toRDF`, then rdf-canonize) spends almost all its time re-running generic JSON-LD
 * machinery that gives the same answer for every credential built on the same contexts. Here:
 *
 * 1. Context processing is still jsonld.js's own (so `@protected`, type- and property-scoped contexts, `@vocab`,
 *    coercions mean exactly what they mean there), but each resulting active context is wrapped once in a
 *    `CompiledContext` that memoises everything the walk asks of it: key → IRI, term → coercion/container/scoped
 *    context, and the active contexts derived from it (type-scoped, property-scoped, reverted). After the first
 *    credential of a shape, a walk is map look-ups only, and synchronous.
 * 2. The walk mirrors jsonld.js's expansion algorithm step for step (same key order, same revert rule for
 *    type-scoped contexts, same contexts for `@type` values and coerced values) but writes N-Quads terms directly,
 *    with the node map's duplicate rule (same subject, predicate and value ⇒ one quad).
 * 3. Blank nodes get their canonical labels from the RDFC-1.0 first-degree hashes. When two hashes collide (which
 *    would need the N-degree step) the quads go to rdf-canonize instead.
 *
 * Anything the walk does not cover exactly — another keyword, a container other than `@set`, `@json`, language
 * tags, reverse properties, relative or blank-node IRIs, nested arrays, unusual contexts, any event jsonld.js would
 * raise — makes it answer `undefined`, and the caller runs the general path, which also produces the exact
 * errors safe mode gives. A differential test holds the two paths byte-equal.
 */
import type { ActiveContext } from 'jsonld/lib/context.js';
import type { DocumentLoader } from '@divoc/schemas';
import { sha256Hex } from '../lib/hash.js';
import { contextLib, loadContextLib, loadRdfCanonize } from './lazy.js';
import type { JsonObject, JsonValue } from '../types.js';
import {
  iriTerm,
  literalTerm,
  parseTerm,
  RDF_TYPE,
  type RdfTerm,
  XSD_BOOLEAN,
  XSD_DOUBLE,
  XSD_INTEGER,
  XSD_STRING,
} from './nquads.js';

/** Thrown inside the walk for anything it does not cover; never escapes this module. */
const UNSUPPORTED: unique symbol = Symbol('unsupported');

/**
 * Thrown inside the (synchronous) walk when an active context is not compiled yet; the driver loads it and re-walks.
 */
class ContextMiss {
  constructor(readonly load: () => Promise<void>) {}
}

const MAX_MEMO = 2048;
const MAX_DEPTH = 64;
const MAX_ROOT_KEY = 16_384;
/** Context loads one document may trigger before we give up on the fast path for it. */
const MAX_CONTEXT_LOADS = 32;
const RDF_TYPE_TERM = iriTerm(RDF_TYPE);
/** What jsonld.js's IRI expansion reads from the options: the base, null as the general path sets it. */
const EXPAND_OPTIONS = Object.freeze({ base: null });

/** jsonld.js's test for an absolute IRI (blank node labels `_:x` included; callers reject those separately). */
const ABSOLUTE_IRI = /^([A-Za-z][A-Za-z0-9+-.]*|_):[^\s]*$/;

function isNamedNodeIri(iri: unknown): iri is string {
  return typeof iri === 'string' && ABSOLUTE_IRI.test(iri) && !iri.startsWith('_:');
}

function memoSet<K, V>(map: Map<K, V>, key: K, value: V): V {
  if (map.size < MAX_MEMO) map.set(key, value);
  return value;
}

interface TermInfo {
  /** The term's IRI (`vocab` expansion), or null. */
  iri: string | null;
  /** Its scoped context, when it has one. */
  scoped: unknown;
  /** No container, or only `@set`. */
  plainContainer: boolean;
  /** `@type` coercion (`@id`, `@vocab`, `@json`, `@none`, a datatype IRI) or null. */
  coercion: string | null;
  /** A language or direction applies to its strings. */
  tagged: boolean;
  reverse: boolean;
}

/** Per-loader state: jsonld options for context processing, the initial context, roots by `@context` value. */
interface LoaderState {
  loader: DocumentLoader;
  taggedLoader: (url: string) => Promise<unknown>;
  sharedCache: { get(key: string): unknown; set(key: string, value: unknown): unknown };
  initial?: CompiledContext;
}

const throwOnEvent = [
  () => {
    throw UNSUPPORTED;
  },
];

function processOptions(state: LoaderState): Record<string, unknown> {
  return {
    documentLoader: state.taggedLoader,
    // One resolver per context load, as jsonld.js does per operation (its per-operation cache must not grow).
    contextResolver: new (contextLib().ContextResolver)({ sharedCache: state.sharedCache }),
    base: null,
    safe: true,
    eventHandler: throwOnEvent,
  };
}

/** Whether `error` is the walk's internal "not covered" signal (for `./ambiguity.ts`, which shares these contexts). */
export function isUnsupported(error: unknown): boolean {
  return error === UNSUPPORTED;
}

/** One jsonld.js active context and everything the walk has asked of it. */
export class CompiledContext {
  readonly hasPrevious: boolean;
  /** What `./ambiguity.ts` derives from this context (its term map), kept with it. */
  ambiguity: unknown;
  #reverted: CompiledContext | undefined;
  readonly #keys = new Map<string, string | null>();
  readonly #terms = new Map<string, TermInfo>();
  /** Derived contexts: [property-scoped, type-scoped, document `@context`], keyed by the local context. */
  readonly #derived: [Map<unknown, CompiledContext>, Map<unknown, CompiledContext>, Map<unknown, CompiledContext>] = [
    new Map(),
    new Map(),
    new Map(),
  ];

  constructor(
    readonly ctx: ActiveContext,
    readonly state: LoaderState,
  ) {
    this.hasPrevious = ctx.previousContext !== undefined && ctx.previousContext !== null;
  }

  /** `_expandIri(ctx, value, {vocab: true})`. */
  vocab(value: string): string | null {
    let iri = this.#keys.get(value);
    if (iri === undefined) {
      iri = contextLib().context.expandIri(this.ctx, value, { vocab: true }, EXPAND_OPTIONS);
      memoSet(this.#keys, value, iri);
    }
    return iri;
  }

  /** `_expandIri(ctx, value, {base: true})` with base null: for `@id` values (not memoised: mostly unique). */
  documentIri(value: string): string | null {
    return contextLib().context.expandIri(this.ctx, value, { base: true }, EXPAND_OPTIONS);
  }

  term(key: string): TermInfo {
    let info = this.#terms.get(key);
    if (info === undefined) {
      const get = (entry: string) => contextLib().context.getContextValue(this.ctx, key, entry);
      const container = (get('@container') as string[] | null) ?? [];
      const coercion = get('@type');
      const language = get('@language');
      const direction = get('@direction');
      const mapping = this.ctx.mappings.get(key);
      info = {
        iri: this.vocab(key),
        scoped: get('@context'),
        plainContainer: container.every((c) => c === '@set'),
        coercion: typeof coercion === 'string' ? coercion : null,
        tagged: (language !== null && language !== undefined) || (direction !== null && direction !== undefined),
        reverse: mapping !== null && mapping !== undefined && mapping.reverse === true,
      };
      memoSet(this.#terms, key, info);
    }
    return info;
  }

  reverted(): CompiledContext {
    if (!this.hasPrevious) return this;
    this.#reverted ??= new CompiledContext(this.ctx.revertToPreviousContext(), this.state);
    return this.#reverted;
  }

  /** The active context after processing `localCtx` on this one (kind 0 property-scoped, 1 type-scoped, 2 document). */
  derive(kind: 0 | 1 | 2, memoKey: unknown, localCtx: unknown): CompiledContext {
    const memo = this.#derived[kind];
    const hit = memo.get(memoKey);
    if (hit) return hit;
    throw new ContextMiss(async () => {
      await this.computeDerived(kind, memoKey, localCtx);
    });
  }

  /** The derived context if it is compiled already (no loading). */
  peekDerived(kind: 0 | 1 | 2, memoKey: unknown): CompiledContext | undefined {
    return this.#derived[kind].get(memoKey);
  }

  /** Processes `localCtx` on this context (as `derive` would), memoises it while there is room, and returns it. */
  async computeDerived(kind: 0 | 1 | 2, memoKey: unknown, localCtx: unknown): Promise<CompiledContext> {
    const memo = this.#derived[kind];
    const hit = memo.get(memoKey);
    if (hit) return hit;
    const ctx = await contextLib().context.process({
      activeCtx: this.ctx,
      localCtx,
      options: processOptions(this.state),
      ...(kind === 0 ? { propagate: true, overrideProtected: true } : kind === 1 ? { propagate: false } : {}),
    });
    return memoSet(memo, memoKey, new CompiledContext(ctx, this.state));
  }
}

/** Quads of one document: terms already serialised, blank nodes as numbers. */
class QuadSink {
  readonly subjects: Array<string | number> = [];
  readonly predicates: string[] = [];
  readonly objects: Array<string | number> = [];
  readonly #seen = new Set<string>();
  blankNodes = 0;

  add(subject: string | number, predicate: string, object: string | number, valueKey: string): void {
    const key = `${typeof subject === 'number' ? `_${subject}` : subject} ${predicate} ${valueKey}`;
    if (this.#seen.has(key)) return;
    this.#seen.add(key);
    this.subjects.push(subject);
    this.predicates.push(predicate);
    this.objects.push(object);
  }
}

/** `{@value, @type?}` → N-Quads literal, with jsonld.js's lexical forms for booleans and numbers. */
function literal(value: string | number | boolean, datatype: string | null): string {
  if (typeof value === 'boolean') return literalTerm(String(value), datatype ?? XSD_BOOLEAN);
  const isDouble = typeof value === 'number' && (String(value).includes('.') || Math.abs(value) >= 1e21);
  if (isDouble || datatype === XSD_DOUBLE) {
    const number = isDouble ? (value as number) : parseFloat(value as string);
    return literalTerm(number.toExponential(15).replace(/(\d)0*e\+?/, '$1E'), datatype ?? XSD_DOUBLE);
  }
  if (typeof value === 'number') return literalTerm(value.toFixed(0), datatype ?? XSD_INTEGER);
  return literalTerm(value, datatype ?? XSD_STRING);
}

/** The walk: jsonld.js's expansion (api.expand / _expandObject / _expandValue) fused with its toRDF. */
class Walker {
  constructor(readonly sink: QuadSink) {}

  /** A node object; returns its subject (IRI term or blank node number). */
  node(element: JsonObject, incoming: CompiledContext, activeProperty: string | null, depth: number): string | number {
    if (depth > MAX_DEPTH) throw UNSUPPORTED;
    const propertyScoped = activeProperty === null ? undefined : incoming.term(activeProperty).scoped;
    const keys = Object.keys(element).sort();

    // Type-scoped contexts do not reach into nested node objects (except a lone `@id` reference).
    let ctx = incoming;
    if (incoming.hasPrevious) {
      let mustRevert = true;
      if (keys.length <= 2 && !keys.includes('@context')) {
        for (const key of keys) {
          const expanded = incoming.vocab(key);
          if (expanded === '@value') throw UNSUPPORTED;
          if (expanded === '@id' && keys.length === 1) {
            mustRevert = false;
            break;
          }
        }
      }
      if (mustRevert) ctx = incoming.reverted();
    }
    if (propertyScoped !== undefined) ctx = ctx.derive(0, propertyScoped, propertyScoped);
    if (element['@context'] !== undefined) {
      if (activeProperty !== null) throw UNSUPPORTED; // embedded contexts: general path
      const local = element['@context'];
      const key = JSON.stringify(local);
      if (key.length > MAX_ROOT_KEY) throw UNSUPPORTED;
      ctx = ctx.derive(2, key, local);
    }

    // `@type`: its values expand, and pick their scoped contexts, in the context before any type applies.
    const typeScoped = ctx;
    let typeKey: string | undefined;
    for (const key of keys) {
      if (key !== '@context' && typeScoped.vocab(key) === '@type') {
        if (typeKey !== undefined) throw UNSUPPORTED;
        typeKey = key;
      }
    }
    let types: readonly string[] = [];
    if (typeKey !== undefined) {
      const raw = element[typeKey];
      if (typeof raw === 'string') types = [raw];
      else if (Array.isArray(raw) && raw.every((t) => typeof t === 'string')) types = raw as string[];
      else throw UNSUPPORTED;
      const ordered = types.length > 1 ? [...types].sort() : types;
      for (const type of ordered) {
        const scoped = typeScoped.term(type).scoped;
        if (scoped !== undefined) ctx = ctx.derive(1, scoped, scoped);
      }
      if (ctx.vocab(typeKey) !== '@type') throw UNSUPPORTED; // a type-scoped context redefined the type key
      if (types.length > 0 && ctx.vocab(types[0]!) === '@json') throw UNSUPPORTED;
    }

    let id: string | undefined;
    let properties = 0;
    const props: Array<[string, string]> = [];
    for (const key of keys) {
      if (key === '@context') continue;
      const expanded = ctx.vocab(key);
      if (expanded === null) throw UNSUPPORTED;
      if (expanded.charCodeAt(0) === 64 /* @ */) {
        if (expanded === '@id') {
          const value = element[key];
          if (id !== undefined || typeof value !== 'string') throw UNSUPPORTED;
          const iri = ctx.documentIri(value);
          if (!isNamedNodeIri(iri)) throw UNSUPPORTED;
          id = iri;
        } else if (expanded !== '@type' || key !== typeKey) {
          throw UNSUPPORTED;
        }
        continue;
      }
      if (!isNamedNodeIri(expanded) || expanded === RDF_TYPE) throw UNSUPPORTED;
      props.push([key, expanded]);
      if (element[key] !== null) properties++;
    }
    // Top level, jsonld.js drops (and safe mode rejects) an empty node or one with only an `@id`.
    if (activeProperty === null && types.length === 0 && properties === 0) throw UNSUPPORTED;

    const subject: string | number = id !== undefined ? iriTerm(id) : this.sink.blankNodes++;
    for (const type of types) {
      const iri = typeScoped.vocab(type);
      if (!isNamedNodeIri(iri)) throw UNSUPPORTED;
      this.sink.add(subject, RDF_TYPE_TERM, iriTerm(iri), `@type ${iri}`);
    }
    for (const [key, iri] of props) {
      const info = ctx.term(key);
      if (!info.plainContainer || info.coercion === '@json') throw UNSUPPORTED;
      const termCtx = info.scoped !== undefined ? ctx.derive(0, info.scoped, info.scoped) : ctx;
      const termInfo = termCtx.term(key);
      if (termInfo.reverse || !termInfo.plainContainer || termInfo.iri !== iri) throw UNSUPPORTED;
      const predicate = iriTerm(iri);
      const value = element[key];
      if (Array.isArray(value)) {
        for (const item of value) this.value(subject, predicate, item, termCtx, key, termInfo, depth);
      } else {
        this.value(subject, predicate, value, termCtx, key, termInfo, depth);
      }
    }
    return subject;
  }

  value(
    subject: string | number,
    predicate: string,
    value: JsonValue | undefined,
    termCtx: CompiledContext,
    key: string,
    info: TermInfo,
    depth: number,
  ): void {
    if (value === null || value === undefined) return;
    if (typeof value === 'object') {
      if (Array.isArray(value)) throw UNSUPPORTED; // nested arrays: general path
      const object = this.node(value, termCtx, key, depth + 1);
      this.sink.add(subject, predicate, object, typeof object === 'number' ? `_${object}` : `@id ${object}`);
      return;
    }
    const coercion = info.coercion;
    if (typeof value === 'string' && (coercion === '@id' || coercion === '@vocab')) {
      const iri = coercion === '@id' ? termCtx.documentIri(value) : termCtx.vocab(value);
      if (!isNamedNodeIri(iri)) throw UNSUPPORTED;
      const object = iriTerm(iri);
      this.sink.add(subject, predicate, object, `@id ${object}`);
      return;
    }
    let datatype: string | null = null;
    if (coercion !== null && coercion !== '@id' && coercion !== '@vocab' && coercion !== '@none') {
      if (!isNamedNodeIri(coercion)) throw UNSUPPORTED;
      datatype = coercion;
    } else if (typeof value === 'string' && info.tagged) {
      throw UNSUPPORTED;
    }
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') throw UNSUPPORTED;
    this.sink.add(subject, predicate, literal(value, datatype), `${typeof value} ${String(value)} ${datatype ?? ''}`);
  }
}

const serialize = (s: string, p: string, o: string): string => `${s} ${p} ${o} .\n`;

/**
 * RDFC-1.0 on the sink's quads. Returns the canonical N-Quads, or `null` when first-degree hashes collide (the
 * N-degree step would be needed).
 */
function canonicalize(sink: QuadSink): string | null {
  const { subjects, predicates, objects } = sink;
  const count = subjects.length;
  const lines = new Array<string>(count);
  const n = sink.blankNodes;
  if (n === 0) {
    for (let i = 0; i < count; i++) lines[i] = serialize(subjects[i] as string, predicates[i]!, objects[i] as string);
    return lines.sort().join('');
  }
  // Quads mentioning each blank node (a quad linking a node to itself counts once).
  const mentions: number[][] = Array.from({ length: n }, () => []);
  for (let i = 0; i < count; i++) {
    const s = subjects[i]!;
    const o = objects[i]!;
    if (typeof s === 'number') mentions[s]!.push(i);
    if (typeof o === 'number' && o !== s) mentions[o]!.push(i);
  }
  const hashed: Array<{ node: number; hash: string }> = [];
  for (let node = 0; node < n; node++) {
    const quads = mentions[node]!;
    if (quads.length === 0) continue;
    const degree = new Array<string>(quads.length);
    for (let j = 0; j < quads.length; j++) {
      const i = quads[j]!;
      const s = subjects[i]!;
      const o = objects[i]!;
      degree[j] = serialize(
        typeof s === 'number' ? (s === node ? '_:a' : '_:z') : s,
        predicates[i]!,
        typeof o === 'number' ? (o === node ? '_:a' : '_:z') : o,
      );
    }
    hashed.push({ node, hash: sha256Hex(degree.sort().join('')) });
  }
  hashed.sort((a, b) => (a.hash < b.hash ? -1 : a.hash > b.hash ? 1 : 0));
  const labels = new Array<string>(n);
  for (let k = 0; k < hashed.length; k++) {
    if (k > 0 && hashed[k]!.hash === hashed[k - 1]!.hash) return null;
    labels[hashed[k]!.node] = `_:c14n${k}`;
  }
  for (let i = 0; i < count; i++) {
    const s = subjects[i]!;
    const o = objects[i]!;
    lines[i] = serialize(
      typeof s === 'number' ? labels[s]! : s,
      predicates[i]!,
      typeof o === 'number' ? labels[o]! : o,
    );
  }
  return lines.sort().join('');
}

/**
 * The sink's quads as an RDF/JS-style dataset for rdf-canonize. Not as N-Quads text: its parser drops repeated
 * quads, and jsonld.js can emit some (values its node map tells apart, such as 0 and 1e-7, that serialise alike).
 */
function toDataset(sink: QuadSink): unknown[] {
  const graph = { termType: 'DefaultGraph', value: '' };
  const term = (t: string | number): RdfTerm =>
    typeof t === 'number' ? { termType: 'BlankNode', value: `b${t}` } : parseTerm(t);
  return sink.subjects.map((s, i) => ({
    subject: term(s),
    predicate: parseTerm(sink.predicates[i]!),
    object: term(sink.objects[i]!),
    graph,
  }));
}

/** How often each path ran (tests assert the fast path engages; a silent fallback would hide a slowdown). */
export interface CanonizeStats {
  /** Canonicalised entirely by the fast path. */
  fast: number;
  /** Walked by the fast path, labelled by rdf-canonize (first-degree hashes collided). */
  fastWithDeepLabelling: number;
  /** Handed to the general path (jsonld.js + rdf-canonize). */
  general: number;
}

const stats: CanonizeStats = { fast: 0, fastWithDeepLabelling: 0, general: 0 };

export function canonizeStats(): Readonly<CanonizeStats> {
  return { ...stats };
}

export function resetCanonizeStats(): void {
  stats.fast = 0;
  stats.fastWithDeepLabelling = 0;
  stats.general = 0;
}

/** Counts a general-path run (called by the caller when the fast path declined). */
export function countGeneral(): void {
  stats.general++;
}

const states = new WeakMap<DocumentLoader, LoaderState>();

/** The loader's initial compiled context: every context compiled from it is shared by all walks on this loader. */
export function initialCompiledContext(
  loader: DocumentLoader,
  taggedLoader: (url: string) => Promise<unknown>,
  sharedCache: LoaderState['sharedCache'],
): CompiledContext {
  let state = states.get(loader);
  if (!state) {
    state = { loader, taggedLoader, sharedCache };
    states.set(loader, state);
  }
  state.initial ??= new CompiledContext(contextLib().context.getInitialContext(processOptions(state)), state);
  return state.initial;
}

/**
 * Canonical N-Quads by the fast path, or `undefined` when the document needs the general path (which then also
 * gives the exact error for documents that are invalid). Rejects with jsonld.js's own error when a context cannot
 * be loaded or processed. `taggedLoader` / `sharedCache` are the ones the general
 * path uses for this loader, so both paths see the same resolved contexts.
 */
export async function canonizeFast(
  document: JsonObject,
  loader: DocumentLoader,
  taggedLoader: (url: string) => Promise<unknown>,
  sharedCache: LoaderState['sharedCache'],
): Promise<string | undefined> {
  await loadContextLib();
  const initial = initialCompiledContext(loader, taggedLoader, sharedCache);
  for (let loads = 0; loads <= MAX_CONTEXT_LOADS; loads++) {
    const sink = new QuadSink();
    try {
      new Walker(sink).node(document, initial, null, 0);
    } catch (error) {
      if (error instanceof ContextMiss && loads < MAX_CONTEXT_LOADS) {
        try {
          await error.load();
        } catch (loadError) {
          // A context event (safe mode) or anything we did not expect: the general path decides.
          if (loadError === UNSUPPORTED) return undefined;
          // An unknown URL or an invalid context: the general path would fail on the same context with the same
          // error, so report it now rather than asking the loader twice.
          throw loadError;
        }
        continue;
      }
      return undefined; // UNSUPPORTED, or anything unexpected (e.g. a stack overflow on hostile nesting)
    }
    const canonical = canonicalize(sink);
    if (canonical !== null) {
      stats.fast++;
      return canonical;
    }
    try {
      const rdfCanonize = await loadRdfCanonize();
      const deep = await rdfCanonize.canonize(toDataset(sink), {
        algorithm: 'RDFC-1.0',
        format: 'application/n-quads',
        maxWorkFactor: 1,
      });
      stats.fastWithDeepLabelling++;
      return deep;
    } catch {
      return undefined; // e.g. a poison graph: the general path gives the typed error
    }
  }
  return undefined;
}
