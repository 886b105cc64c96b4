import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NatsConnection } from 'nats';
import type { IssuedFormats } from '@divoc/issuer';
import { verifyCredential } from '@divoc/vc';
import {
  defaultNames,
  ensureJetStream,
  payloadAdapter,
  startWorker,
  subjectsFor,
  WorkerConfigError,
  WorkerEventError,
  type CertifiedEvent,
  type DeadLetterEvent,
  type JsonValue,
  type CertificateWrite,
  type CertifyMessage,
  type RegistryAdapter,
  type RegistryEvent,
  type Worker,
} from '@divoc/worker';
import {
  collect,
  connectNats,
  record,
  removeRegistry,
  uniqueRegistry,
  vcKeys,
  waitFor,
  type VcKeys,
} from './helpers.js';

const enc = new TextEncoder();
let nc: NatsConnection;
let keys: VcKeys;
const registries: string[] = [];
const workers: Worker[] = [];

beforeAll(async () => {
  nc = await connectNats();
  keys = await vcKeys();
});

afterAll(async () => {
  await Promise.all(workers.map((w) => w.stop()));
  for (const r of registries) await removeRegistry(nc, r);
  await nc?.drain();
});

/**
 * An in-memory registry store: counts writes per certificate id, keeps the first write (like ON CONFLICT DO
 * NOTHING).
 */
function memoryStore() {
  const certificates = new Map<string, { ref: JsonValue; issued: IssuedFormats }>();
  const writes = new Map<string, number>();
  return {
    certificates,
    writes,
    write(ref: JsonValue, certificateId: string, issued: IssuedFormats): void {
      writes.set(certificateId, (writes.get(certificateId) ?? 0) + 1);
      if (!certificates.has(certificateId)) certificates.set(certificateId, { ref, issued });
    },
  };
}

async function setupRegistry(extra: { maxDeliver?: number; ackWait?: number } = {}) {
  const registry = uniqueRegistry();
  registries.push(registry);
  const subjects = subjectsFor(registry);
  const certified = collect<CertifiedEvent>(nc, subjects.certified);
  const deadLetters = collect<DeadLetterEvent>(nc, subjects.deadLetter);
  await ensureJetStream(nc, { registry, ...extra });
  const js = nc.jetstream();
  let n = 0;
  const publish = async (payload: unknown, msgID?: string): Promise<void> => {
    const data =
      payload instanceof Uint8Array
        ? payload
        : enc.encode(typeof payload === 'string' ? payload : JSON.stringify(payload));
    await js.publish(subjects.certify, data, { msgID: msgID ?? `${registry}-${n++}` });
  };
  return { registry, subjects, certified, deadLetters, publish };
}

function uniqueRegistryFor(): string {
  const registry = uniqueRegistry();
  registries.push(registry);
  return registry;
}

async function worker(
  registry: string,
  adapter: RegistryAdapter,
  extra: Partial<Parameters<typeof startWorker>[0]> = {},
): Promise<Worker> {
  const w = await startWorker({
    nats: nc,
    registry,
    adapter,
    keys: { vc: keys.signer },
    issuer: 'https://registry.example.org',
    formats: ['w3c-vc', 'divoc-qr'],
    concurrency: 4,
    backoff: { initial: 50, max: 200 },
    ...extra,
  });
  workers.push(w);
  return w;
}

describe('configuration', () => {
  it('rejects bad options with ERR_WORKER_CONFIG_INVALID before touching NATS', async () => {
    const adapter = payloadAdapter({ writeCertificate: () => undefined });
    const base = { nats: nc, registry: 'ok', adapter, keys: { vc: keys.signer }, issuer: 'https://x.example' };
    const cases: Record<string, unknown>[] = [
      { registry: 'has.dot' },
      { registry: 'a>' },
      { registry: '' },
      { registry: 'x'.repeat(65) },
      { registry: 42 },
      { concurrency: 0 },
      { concurrency: 1.5 },
      { concurrency: '4' },
      { batchSize: 0 },
      { batchSize: 2.5 },
      { adapter: { readEvent: () => undefined, writeCertificate: () => undefined, readEvents: [] } },
      { adapter: { readEvent: () => undefined, writeCertificate: () => undefined, writeCertificates: 'all' } },
      { adapter: {} },
      { adapter: null },
      { adapter: { readEvent: () => undefined, writeCertificate: 'no' } },
      { nats: {} },
      { issuer: 'not a uri' },
      { formats: ['pdf'] },
      { formats: [] },
      { ackWait: 10 },
      { maxDeliver: 0 },
      { stream: 'has space' },
      { durable: 'a.b' },
      { subjects: { certified: 'divoc.*' } },
      { subjects: { deadLetter: `divoc.certify.ok` } },
      { workerId: 'bad id with spaces' },
      { pullExpires: 10 },
      { issueOptions: { unknownFields: 'drop' } },
    ];
    for (const change of cases) {
      const error = await startWorker({ ...base, ...change } as Parameters<typeof startWorker>[0]).catch(
        (e: unknown) => e,
      );
      expect(error, JSON.stringify(change)).toBeInstanceOf(WorkerConfigError);
      expect((error as WorkerConfigError).code).toBe('ERR_WORKER_CONFIG_INVALID');
    }
    expect(() => payloadAdapter({} as never)).toThrow(WorkerConfigError);
    // Control: valid batch options and batch methods start.
    const batching: RegistryAdapter = {
      ...adapter,
      readEvents: (messages) => messages.map((m) => adapter.readEvent(m) as RegistryEvent),
      writeCertificates: () => undefined,
    };
    const ok = await worker(uniqueRegistryFor(), batching, { batchSize: 8, concurrency: 16 });
    expect(ok.id).toBeTruthy();
    await ok.stop();
  });
});

describe('certifying through JetStream', () => {
  it(
    'two workers sharing the durable consumer certify every event exactly once, ' + 'and the credentials verify',
    async () => {
      const { registry, certified, publish } = await setupRegistry();
      const store = memoryStore();
      const adapter = payloadAdapter({ writeCertificate: store.write });
      const [a, b] = [
        await worker(registry, adapter, { workerId: 'w-a' }),
        await worker(registry, adapter, { workerId: 'w-b' }),
      ];
      const total = 200;
      await Promise.all(
        Array.from({ length: total }, (_, i) =>
          publish({ template: 'vaccination-v2', record: record(i), ref: `event-${i}` }),
        ),
      );
      await waitFor('all certified', () => store.certificates.size === total && certified.length >= total);

      expect(new Set(certified.map((e) => e.certificateId)).size).toBe(total);
      expect(new Set([...store.certificates.values()].map((c) => c.ref)).size).toBe(total);
      // Both workers took part (JetStream spreads pulls), and no message was processed twice.
      expect(a.metrics().certified).toBeGreaterThan(0);
      expect(b.metrics().certified).toBeGreaterThan(0);
      expect(a.metrics().certified + b.metrics().certified).toBe(total);
      expect([...store.writes.values()].every((n) => n === 1)).toBe(true);

      const event = certified[0]!;
      expect(event).toMatchObject({ type: 'certified', registry, formats: ['w3c-vc', 'divoc-qr'] });
      expect(JSON.stringify(event)).not.toContain('Person'); // ids only, no personal data
      const stored = store.certificates.get(event.certificateId)!;
      const vc = stored.issued.outputs['w3c-vc']!.credential;
      const result = await verifyCredential(vc, { trust: keys.trustStore });
      expect(result.valid, JSON.stringify(result.checks)).toBe(true);
      expect(stored.issued.outputs['divoc-qr']!.text.length).toBeGreaterThan(0);

      const text = a.metricsText();
      expect(text).toContain(
        `divoc_worker_certified_total{registry="${registry}",worker="w-a"} ${a.metrics().certified}`,
      );
      expect(text).toContain('# TYPE divoc_worker_in_flight gauge');
    },
  );

  it('dead-letters poison messages and invalid records at once, and keeps certifying', async () => {
    const { registry, certified, deadLetters, publish } = await setupRegistry();
    const store = memoryStore();
    const failures: DeadLetterEvent[] = [];
    const adapter = payloadAdapter({ writeCertificate: store.write, onFailure: (f) => void failures.push(f) });
    const w = await worker(registry, adapter, { maxMessageBytes: 4096 });

    await publish(new Uint8Array([0xff, 0xfe, 0x00, 0x7b])); // not UTF-8
    await publish('{"template": "vaccination-v2", "record": {'); // truncated JSON
    await publish('[1,2,3]'); // wrong type
    await publish({ template: 'vaccination-v2' }); // no record
    await publish({ template: 'no-such-template', record: record(1), ref: 'unknown-template' });
    await publish({ template: 'vaccination-v2', record: record(2, { dob: 'yesterday' }), ref: 'bad-dob' });
    await publish({ template: 'vaccination-v2', record: { vaccine: 'Covishield' }, ref: 'no-identity' });
    await publish({ template: 'vaccination-v2', record: record(3), ref: 'x'.repeat(5000) }); // too large
    await publish('{"template": "vaccination-v2", "record": {"name": Asha Verma}}'); // unquoted: never echoed
    await publish(`${'['.repeat(300_000)}${']'.repeat(300_000)}`.slice(0, 4000)); // nested past the depth limit
    await publish({ template: 'vaccination-v2', record: record(4), ref: 'good' });

    await waitFor('the good event', () => certified.length === 1);
    await waitFor('10 dead letters', () => deadLetters.length === 10);
    const codes = deadLetters.map((d) => d.reason.code).sort();
    expect(codes).toEqual([
      'ERR_WORKER_EVENT_INVALID',
      'ERR_WORKER_EVENT_INVALID',
      'ERR_WORKER_MESSAGE_TOO_LARGE',
      'ERR_WORKER_MESSAGE_UNPARSEABLE',
      'ERR_WORKER_MESSAGE_UNPARSEABLE',
      'ERR_WORKER_MESSAGE_UNPARSEABLE',
      'ERR_WORKER_MESSAGE_UNPARSEABLE',
      'ERR_WORKER_RECORD_INVALID',
      'ERR_WORKER_RECORD_INVALID',
      'ERR_WORKER_TEMPLATE_UNKNOWN',
    ]);
    for (const d of deadLetters) {
      expect(d.deliveryCount).toBe(1); // terminated on first delivery, never redelivered
      expect(d.reason.message.length).toBeGreaterThan(5);
    }
    const badDob = deadLetters.find((d) => d.ref === 'bad-dob')!;
    expect(badDob.reason.causeCode).toBe('ERR_ISSUER_RECORD_INVALID');
    expect(badDob.reason.message).toContain('dob');
    expect(deadLetters.find((d) => d.ref === 'no-identity')!.reason.causeCode).toBe(
      'ERR_ISSUER_CERTIFICATE_ID_INVALID',
    );
    // The original payload travels along (base64) so an operator can fix and republish it.
    const truncated = deadLetters.find(
      (d) =>
        d.reason.code === 'ERR_WORKER_MESSAGE_UNPARSEABLE' &&
        d.data &&
        Buffer.from(d.data, 'base64').toString().startsWith('{'),
    )!;
    expect(truncated).toBeDefined();
    // What a message says never quotes the payload (a registry record holds personal data).
    for (const d of deadLetters) expect(d.reason.message).not.toContain('Asha');
    expect(deadLetters.some((d) => /deeper than 256/.test(d.reason.message))).toBe(true);
    expect(failures).toHaveLength(10);
    expect(w.metrics()).toMatchObject({ certified: 1, deadLettered: 10, retried: 0 });

    // Terminated messages are gone from the work queue; nothing comes back.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(w.metrics().received).toBe(11);
    await publish({ template: 'vaccination-v2', record: record(5), ref: 'after' });
    await waitFor('the next good event', () => certified.length === 2);
  });

  it('a duplicated publish of the same event makes one certificate and one certified event', async () => {
    const { registry, certified, publish } = await setupRegistry();
    const store = memoryStore();
    await worker(registry, payloadAdapter({ writeCertificate: store.write }));
    const event = { template: 'vaccination-v2', record: record(7), ref: 'e-7' };
    await publish(event, 'dup-1');
    await publish(event, 'dup-1'); // JetStream drops it: same Nats-Msg-Id
    await publish(event, 'dup-2'); // a registry that republished under a new id: reaches a worker
    await publish({ template: 'vaccination-v2', record: record(8), ref: 'e-8' }, 'next');
    await waitFor(
      'both events',
      () => store.certificates.size === 2 && [...store.writes.values()].reduce((s, n) => s + n, 0) === 3,
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(store.certificates.size).toBe(2);
    // Core subscribers see every publish; the events stream keeps one announcement per certificate id.
    expect(certified.map((c) => c.ref).sort()).toEqual(['e-7', 'e-7', 'e-8']);
    const jsm = await nc.jetstreamManager();
    const info = await jsm.streams.info(defaultNames(registry).eventsStream);
    expect(info.state.messages).toBe(2);
  });

  it('retries transient failures with backoff, then certifies', async () => {
    const { registry, certified, publish } = await setupRegistry();
    const store = memoryStore();
    let failuresLeft = 2;
    const adapter = payloadAdapter({
      writeCertificate: (ref, id, issued) => {
        if (failuresLeft-- > 0) throw Object.assign(new Error('connection refused'), { code: 'ECONNREFUSED' });
        store.write(ref, id, issued);
      },
    });
    const w = await worker(registry, adapter);
    await publish({ template: 'vaccination-v2', record: record(9), ref: 'flaky' });
    await waitFor('certified after retries', () => certified.length === 1);
    expect(certified[0]!.deliveryCount).toBe(3);
    expect(w.metrics()).toMatchObject({ retried: 2, certified: 1, deadLettered: 0 });
  });

  it('dead-letters a message whose transient failure outlasts maxDeliver', async () => {
    const { registry, deadLetters, publish } = await setupRegistry({ maxDeliver: 3 });
    const adapter: RegistryAdapter = {
      readEvent: () => {
        throw new Error('registry database unreachable');
      },
      writeCertificate: () => undefined,
    };
    const w = await worker(registry, adapter);
    await publish({ id: 1 });
    await waitFor('dead letter', () => deadLetters.length === 1);
    expect(deadLetters[0]!.reason.code).toBe('ERR_WORKER_RETRIES_EXHAUSTED');
    expect(deadLetters[0]!.reason.message).toContain('registry database unreachable');
    expect(deadLetters[0]!.deliveryCount).toBe(3);
    expect(w.metrics().retried).toBe(2);
  });

  it('an adapter that rejects the event with WorkerEventError dead-letters it without retry', async () => {
    const { registry, deadLetters, publish } = await setupRegistry();
    const adapter: RegistryAdapter = {
      readEvent: () => {
        throw new WorkerEventError('vaccination event 42 does not exist');
      },
      writeCertificate: () => undefined,
    };
    await worker(registry, adapter);
    await publish({ id: 42 });
    await waitFor('dead letter', () => deadLetters.length === 1);
    expect(deadLetters[0]!.reason).toEqual({
      code: 'ERR_WORKER_EVENT_INVALID',
      message: 'vaccination event 42 does not exist',
    });
  });

  it('heartbeats keep a slow signing from being redelivered', async () => {
    const { registry, certified, publish } = await setupRegistry({ ackWait: 1_000 });
    const store = memoryStore();
    let calls = 0;
    const adapter = payloadAdapter({
      writeCertificate: async (ref, id, issued) => {
        calls++;
        await new Promise((resolve) => setTimeout(resolve, 2_500)); // 2.5 × the ack wait
        store.write(ref, id, issued);
      },
    });
    const w = await worker(registry, adapter, { heartbeatInterval: 300 });
    await publish({ template: 'vaccination-v2', record: record(10), ref: 'slow' });
    await waitFor('certified', () => certified.length === 1, 10_000);
    expect(calls).toBe(1);
    expect(certified[0]!.deliveryCount).toBe(1);
    expect(w.metrics().heartbeats).toBeGreaterThanOrEqual(4);
  });

  it('stop() finishes and acks the messages in hand; a new worker takes the rest', async () => {
    const { registry, certified, publish } = await setupRegistry();
    const store = memoryStore();
    const adapter = payloadAdapter({
      writeCertificate: async (ref, id, issued) => {
        await new Promise((resolve) => setTimeout(resolve, 100));
        store.write(ref, id, issued);
      },
    });
    const first = await worker(registry, adapter, { concurrency: 2 });
    for (let i = 0; i < 20; i++) await publish({ template: 'vaccination-v2', record: record(100 + i), ref: i });
    await waitFor('some progress', () => store.certificates.size >= 3);
    await first.stop();
    const done = first.metrics();
    expect(done.inFlight).toBe(0);
    expect(done.certified).toBe(store.certificates.size); // everything taken was finished
    await first.stop(); // idempotent
    const second = await worker(registry, adapter, { concurrency: 4 });
    // A certificate is in the store before its handler acks, counts it and publishes its event: wait for those too.
    await waitFor(
      'the rest',
      () => store.certificates.size === 20 && second.metrics().inFlight === 0 && certified.length === 20,
    );
    expect(second.metrics().certified).toBe(20 - done.certified);
    expect([...store.writes.values()].every((n) => n === 1)).toBe(true);
    expect(certified).toHaveLength(20);
  });
});

// Issue 14: the worker dropped record fields that `divoc issue` rejects. Now the one rule of @divoc/issuer
// (`checkRecordFields`): a dead letter naming the field, unless `issueOptions.unknownFields: 'ignore'`.
describe('unknown record fields', () => {
  it('dead-letter the event naming the field; the same record without it is certified', async () => {
    const { registry, certified, deadLetters, publish } = await setupRegistry();
    const store = memoryStore();
    await worker(registry, payloadAdapter({ writeCertificate: store.write }));
    await publish({ template: 'vaccination-v2', record: record(1, { wardNo: '7' }), ref: 'unknown-field' });
    await publish({ template: 'vaccination-v2', record: record(1), ref: 'control' });
    await waitFor('one dead letter and one certificate', () => deadLetters.length === 1 && certified.length === 1);
    expect(deadLetters[0]).toMatchObject({
      ref: 'unknown-field',
      deliveryCount: 1,
      reason: { code: 'ERR_WORKER_RECORD_INVALID', causeCode: 'ERR_ISSUER_RECORD_UNKNOWN_FIELDS' },
    });
    expect(deadLetters[0]!.reason.message).toContain('"wardNo"');
    expect(certified[0]).toMatchObject({ ref: 'control' });
  });

  it("issueOptions.unknownFields: 'ignore' drops them and certifies", async () => {
    const { registry, certified, deadLetters, publish } = await setupRegistry();
    const store = memoryStore();
    await worker(registry, payloadAdapter({ writeCertificate: store.write }), {
      issueOptions: { unknownFields: 'ignore' },
    });
    await publish({ template: 'vaccination-v2', record: record(2, { wardNo: '7' }), ref: 'ignored' });
    await waitFor('certified', () => certified.length === 1);
    expect(deadLetters).toHaveLength(0);
    const [stored] = [...store.certificates.values()];
    expect(JSON.stringify(stored!.issued.outputs['w3c-vc']!.credential)).not.toContain('wardNo');
  });
});

// Issue 17: messages are pulled and processed in micro-batches; an adapter may read and store a batch in one call.
// Every message still gets its own outcome.
describe('micro-batches', () => {
  type Store = ReturnType<typeof memoryStore>;
  /** payloadAdapter plus the optional batch methods over the same store, recording every call. */
  function batchAdapter(
    store: Store,
    hooks: {
      readEvents?: (messages: readonly CertifyMessage[]) => unknown;
      readResult?: (m: CertifyMessage) => RegistryEvent | Error | undefined;
      writeCertificates?: (items: readonly CertificateWrite[]) => unknown;
      writeResult?: (w: CertificateWrite) => Error | undefined;
    } = {},
  ) {
    const base = payloadAdapter({ writeCertificate: store.write });
    const calls = { readEvent: 0, writeCertificate: 0, readEvents: [] as number[], writeCertificates: [] as number[] };
    const adapter: RegistryAdapter = {
      readEvent: (m) => {
        calls.readEvent++;
        return base.readEvent(m);
      },
      writeCertificate: (ref, id, issued) => {
        calls.writeCertificate++;
        return base.writeCertificate(ref, id, issued);
      },
      readEvents: (messages) => {
        calls.readEvents.push(messages.length);
        const special = hooks.readEvents?.(messages);
        if (special !== undefined) return special as RegistryEvent[];
        return messages.map((m) => {
          const result = hooks.readResult?.(m);
          if (result !== undefined) return result;
          try {
            return base.readEvent(m) as RegistryEvent;
          } catch (error) {
            return error as Error;
          }
        });
      },
      writeCertificates: (items) => {
        calls.writeCertificates.push(items.length);
        const special = hooks.writeCertificates?.(items);
        if (special !== undefined) return special as undefined[];
        return items.map((w) => {
          const result = hooks.writeResult?.(w);
          if (result !== undefined) return result;
          store.write(w.ref, w.certificateId, w.issued);
          return undefined;
        });
      },
    };
    return { adapter, calls };
  }

  it('reads and stores a batch in one call each; a poison item in the batch fails alone', async () => {
    const { registry, certified, deadLetters, publish } = await setupRegistry();
    const store = memoryStore();
    let flaky = 1;
    const { adapter, calls } = batchAdapter(store, {
      readResult: (m) =>
        (m.payload as { ref?: string }).ref === 'missing'
          ? new WorkerEventError('event missing does not exist')
          : undefined,
      writeResult: (w) => {
        if (w.ref === 'duplicate-event')
          return new WorkerEventError(`certificate ${w.certificateId} already belongs to another event`);
        if (w.ref === 'flaky' && flaky-- > 0) return Object.assign(new Error('deadlock detected'), { code: '40P01' });
        return undefined;
      },
    });
    // Everything is in the stream before the worker starts, so its pulls come back full.
    for (let i = 0; i < 27; i++) await publish({ template: 'vaccination-v2', record: record(200 + i), ref: `ok-${i}` });
    await publish({ template: 'vaccination-v2', record: record(300), ref: 'missing' });
    await publish({ template: 'vaccination-v2', record: record(301), ref: 'duplicate-event' });
    await publish({ template: 'vaccination-v2', record: record(302), ref: 'flaky' });
    const w = await worker(registry, adapter, { batchSize: 16, concurrency: 32 });

    await waitFor('28 certified and 2 dead letters', () => certified.length === 28 && deadLetters.length === 2);
    // The batch methods did the work, several messages per call; the per-message ones were never needed.
    expect(calls.readEvent).toBe(0);
    expect(calls.writeCertificate).toBe(0);
    expect(Math.max(...calls.readEvents)).toBeGreaterThan(1);
    expect(Math.max(...calls.writeCertificates)).toBeGreaterThan(1);
    // Each poison item is dead-lettered alone, at once, with its own reason; the others in its batch are certified.
    const byRef = Object.fromEntries(deadLetters.map((d) => [d.ref ?? 'no-ref', d]));
    expect(byRef['no-ref']!.reason).toEqual({
      code: 'ERR_WORKER_EVENT_INVALID',
      message: 'event missing does not exist',
    });
    expect(byRef['duplicate-event']!.reason.code).toBe('ERR_WORKER_EVENT_INVALID');
    expect(byRef['duplicate-event']!.reason.message).toContain('already belongs to another event');
    for (const d of deadLetters) expect(d.deliveryCount).toBe(1);
    // Control: every good item, and the transient one after its retry, certified exactly once.
    expect(new Set(certified.map((c) => c.ref))).toEqual(
      new Set([...Array.from({ length: 27 }, (_, i) => `ok-${i}`), 'flaky']),
    );
    expect(certified.find((c) => c.ref === 'flaky')!.deliveryCount).toBe(2);
    expect(store.certificates.size).toBe(28);
    expect([...store.writes.values()].every((n) => n === 1)).toBe(true);
    expect(w.metrics()).toMatchObject({ certified: 28, deadLettered: 2, retried: 1, batchFallbacks: 0 });
    expect(w.metrics().batches).toBeLessThan(w.metrics().received);
  });

  it('a batch call that throws or answers wrongly is redone per message, for that batch only', async () => {
    const { registry, certified, deadLetters, publish } = await setupRegistry();
    const store = memoryStore();
    let readFailures = 2;
    let writeFailures = 1;
    const { adapter, calls } = batchAdapter(store, {
      readEvents: () => {
        if (readFailures === 2) {
          readFailures--;
          throw new WorkerEventError('one bad message failed the whole query');
        }
        // Then a batch call that answers nothing at all.
        if (readFailures-- > 0) return null;
        return undefined;
      },
      // Neither "stored" nor an Error: the worker must not ack on it.
      writeCertificates: (items) => (writeFailures-- > 0 ? items.map(() => true) : undefined),
    });
    for (let i = 0; i < 11; i++) await publish({ template: 'vaccination-v2', record: record(400 + i), ref: `ok-${i}` });
    await publish({ nope: true }); // poison: no template, whichever path reads it
    const w = await worker(registry, adapter, { batchSize: 12, concurrency: 12 });

    await waitFor('11 certified and 1 dead letter', () => certified.length === 11 && deadLetters.length === 1);
    expect(calls.readEvent).toBeGreaterThan(0); // the per-message fallback ran
    expect(calls.writeCertificate).toBeGreaterThan(0);
    // The poison message alone is dead-lettered, on its first delivery; nothing was retried.
    expect(deadLetters[0]!.reason).toEqual({
      code: 'ERR_WORKER_EVENT_INVALID',
      message: 'payload.template must be a string',
    });
    expect(deadLetters[0]!.deliveryCount).toBe(1);
    expect(w.metrics()).toMatchObject({ certified: 11, deadLettered: 1, retried: 0 });
    expect([...store.writes.values()].every((n) => n === 1)).toBe(true);

    // Another batch uses up the second read failure if the first pull came back as one batch.
    for (let i = 0; i < 3; i++)
      await publish({ template: 'vaccination-v2', record: record(420 + i), ref: `later-${i}` });
    await waitFor('3 more certified', () => certified.length === 14);
    // Control: once the adapter answers properly, batches go through the batch methods again.
    const before = { read: calls.readEvent, write: calls.writeCertificate };
    for (let i = 0; i < 3; i++)
      await publish({ template: 'vaccination-v2', record: record(430 + i), ref: `last-${i}` });
    await waitFor('3 more certified', () => certified.length === 17);
    expect(calls.readEvent).toBe(before.read);
    expect(calls.writeCertificate).toBe(before.write);
    expect(w.metrics().batchFallbacks).toBe(3); // two reads, one write
  });

  it('without batch methods the per-message ones serve each batch; a poison item fails alone', async () => {
    const { registry, certified, deadLetters, publish } = await setupRegistry();
    const store = memoryStore();
    for (let i = 0; i < 7; i++) await publish({ template: 'vaccination-v2', record: record(500 + i), ref: `ok-${i}` });
    await publish({ template: 'no-such-template', record: record(507), ref: 'unknown-template' });
    const w = await worker(registry, payloadAdapter({ writeCertificate: store.write }), { batchSize: 8 });
    await waitFor('7 certified and 1 dead letter', () => certified.length === 7 && deadLetters.length === 1);
    expect(deadLetters[0]).toMatchObject({ ref: 'unknown-template', reason: { code: 'ERR_WORKER_TEMPLATE_UNKNOWN' } });
    expect(store.certificates.size).toBe(7);
    expect(w.metrics()).toMatchObject({ certified: 7, deadLettered: 1, retried: 0, batchFallbacks: 0 });
  });

  it('a message that hangs times out alone; the others pulled with it are acked without waiting', async () => {
    const { registry, certified, publish } = await setupRegistry();
    const store = memoryStore();
    let hangs = 1;
    const adapter = payloadAdapter({
      writeCertificate: (ref, id, issued) => {
        if (ref === 'hang' && hangs-- > 0) return new Promise<void>(() => undefined); // never settles
        store.write(ref, id, issued);
      },
    });
    await publish({ template: 'vaccination-v2', record: record(700), ref: 'hang' });
    for (let i = 0; i < 5; i++) await publish({ template: 'vaccination-v2', record: record(701 + i), ref: `ok-${i}` });
    const w = await worker(registry, adapter, { batchSize: 8, concurrency: 16, processingTimeout: 3_000 });
    await waitFor('the 5 others', () => certified.length === 5);
    expect(w.metrics().timedOut).toBe(0); // not held until the hanging one's deadline
    expect(certified.map((c) => c.ref)).not.toContain('hang');
    // Control: the hanging one times out, is retried, and is certified on its next delivery.
    await waitFor('the hanging one, retried', () => certified.length === 6, 10_000);
    expect(certified.find((c) => c.ref === 'hang')!.deliveryCount).toBe(2);
    expect(w.metrics()).toMatchObject({ timedOut: 1, retried: 1, certified: 6 });
  });

  it('batchSize 1 processes one message per batch (control for the grouping)', async () => {
    const { registry, certified, publish } = await setupRegistry();
    const store = memoryStore();
    const { adapter, calls } = batchAdapter(store);
    for (let i = 0; i < 6; i++) await publish({ template: 'vaccination-v2', record: record(600 + i), ref: `one-${i}` });
    const w = await worker(registry, adapter, { batchSize: 1, concurrency: 4 });
    await waitFor('6 certified', () => certified.length === 6);
    expect(calls.readEvents.every((n) => n === 1)).toBe(true);
    expect(w.metrics().batches).toBe(w.metrics().received);
  });
});
