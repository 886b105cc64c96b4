import {
  createSigner,
  generateKeyPair,
  TrustStore,
  trustedKeyFromKeyPair,
  verificationMethodId,
  type KeyPair,
} from '@divoc/keys';
import type { IssuerKeys } from '@divoc/issuer';
import type { CertificateSink, IssuedCertificate } from '../src/index.js';

export interface TestKeys {
  keyPair: KeyPair;
  id: string;
  issuer: string;
  keys: IssuerKeys;
  trustStore: TrustStore;
}

export async function testKeys(): Promise<TestKeys> {
  const keyPair = await generateKeyPair('Ed25519');
  const id = verificationMethodId(keyPair);
  const trustStore = new TrustStore();
  trustStore.add(trustedKeyFromKeyPair(keyPair, { id }));
  const issuer = id.split('#')[0] as string;
  return { keyPair, id, issuer, keys: { vc: { signer: createSigner(keyPair, { id }) } }, trustStore };
}

/** A vaccination record the built-in template accepts; `n` makes it (and its certificate id) unique. */
export function record(n: number, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    refId: `R-${n}`,
    name: `Person ${n}`,
    dob: '1990-04-12',
    gender: 'Female',
    nationality: 'Indian',
    identity: `did:in.gov.uidai.aadhaar:${String(100000000000 + n)}`,
    vaccine: 'COVISHIELD',
    manufacturer: 'Serum Institute of India',
    batch: '4121Z025',
    vaccinationDate: '2021-09-01',
    dose: 1,
    totalDoses: 2,
    facilityName: 'District Hospital',
    district: 'Pune',
    state: 'Maharashtra',
    country: 'IN',
    ...overrides,
  };
}

export async function* asyncRecords(count: number, start = 1): AsyncGenerator<Record<string, unknown>> {
  for (let n = start; n < start + count; n++) {
    // A real cursor yields between rows: so does this one.
    await Promise.resolve();
    yield record(n);
  }
}

/** An in-memory store with the sink contract: `has` says what is stored, `write` stores a whole batch. */
export class MemorySink implements CertificateSink {
  readonly stored = new Map<string, IssuedCertificate>();
  /** Every certificate id ever written, duplicates included (so a test can see a double write). */
  readonly writes: string[] = [];
  afterWrite?: (sink: MemorySink) => void;
  failNextWrite = false;

  has(ids: readonly string[]): string[] {
    return ids.filter((id) => this.stored.has(id));
  }

  async write(certificates: readonly IssuedCertificate[]): Promise<void> {
    if (this.failNextWrite) {
      this.failNextWrite = false;
      throw new Error('the registry database is down');
    }
    for (const certificate of certificates) {
      this.writes.push(certificate.certificateId);
      this.stored.set(certificate.certificateId, certificate);
    }
    this.afterWrite?.(this);
  }
}
