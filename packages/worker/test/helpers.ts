/**
 * Tests talk to the NATS server on loopback (127.0.0.1:4222, JetStream enabled; `.ci/run` starts it when down).
 * Every test run uses its own registry name, hence its own subjects, streams and consumer, and deletes them after.
 */
import { randomBytes } from 'node:crypto';
import { connect, type NatsConnection } from 'nats';
import { ed25519Issuer, omit, registryRecord, type Ed25519Issuer } from '../../../test/support/fixtures.js';
import { defaultNames } from '@divoc/worker';

export const NATS_URL = process.env.DIVOC_TEST_NATS_URL ?? 'nats://127.0.0.1:4222';

export async function connectNats(): Promise<NatsConnection> {
  try {
    return await connect({ servers: NATS_URL, name: 'divoc-worker-test', timeout: 3_000 });
  } catch (error) {
    throw new Error(
      `NATS with JetStream is not reachable at ${NATS_URL}: start it (see .ci/run). ${(error as Error).message}`,
    );
  }
}

export function uniqueRegistry(prefix = 't'): string {
  return `${prefix}${Date.now().toString(36)}${randomBytes(4).toString('hex')}`;
}

/** Removes the streams (and with them the consumer) of a test registry. */
export async function removeRegistry(nc: NatsConnection, registry: string): Promise<void> {
  const jsm = await nc.jetstreamManager();
  const names = defaultNames(registry);
  for (const stream of [names.stream, names.eventsStream]) await jsm.streams.delete(stream).catch(() => undefined);
}

export type VcKeys = Pick<Ed25519Issuer, 'keyPair' | 'signer' | 'trustStore'>;

/** An Ed25519 key pair, its signer and a trust store that trusts it. */
export async function vcKeys(): Promise<VcKeys> {
  const { keyPair, signer, trustStore } = await ed25519Issuer();
  return { keyPair, signer, trustStore };
}

export function record(n: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...omit(registryRecord, ['identity']), refId: `R-${n}`, name: `Person ${n}`, gender: 'Female', ...extra };
}

export async function waitFor(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs = 20_000,
): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Collects JSON messages published on a subject (core subscription: sees JetStream publishes too). */
export function collect<T>(nc: NatsConnection, subject: string): T[] {
  const seen: T[] = [];
  const sub = nc.subscribe(subject);
  void (async () => {
    for await (const m of sub) seen.push(JSON.parse(new TextDecoder().decode(m.data)) as T);
  })();
  return seen;
}
