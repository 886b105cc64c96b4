import { expect } from 'vitest';
import { decodeDcc, transliterateIcao, validateUvciChecksum, verifyDcc } from '@divoc/dcc';
import { CVX_BY_VACCINE, decodeShc, verifyShc } from '@divoc/shc';
import { decodeVdsnc, toAlpha3, verifyVdsnc } from '@divoc/vdsnc';
import { decodeDivocQr, decodePixelPass, verifyDivocQr } from '@divoc/qr';
import { decodeCompactCredential, verifyCredential } from '@divoc/vc';
import type { FhirResource } from '@divoc/shc';
import { shortCertificateId, type IssuedFormats } from '../src/index.js';
import type { Fixture } from './fixtures.js';

type Json = Record<string, unknown>;

/** The credential PixelPass text carries (CBOR data, or JSON text). */
function pixelpassCredential(text: string): Json {
  const decoded = decodePixelPass(text);
  return (decoded.kind === 'cbor' ? decoded.data : JSON.parse(decoded.text)) as Json;
}

/** Verifies every output with its own package's verifier; returns the formats that verified. */
export async function verifyAll(result: IssuedFormats, fixture: Fixture, now = new Date()): Promise<string[]> {
  const ok: string[] = [];
  const { outputs } = result;
  const { trustStore } = fixture;
  const expectValid = (
    format: string,
    r: { valid: boolean; checks: Array<{ name: string; ok: boolean; code?: string }> },
  ): void => {
    expect(
      r.checks.filter((c) => !c.ok),
      `${format} checks`,
    ).toEqual([]);
    expect(r.valid, format).toBe(true);
    ok.push(format);
  };
  if (outputs['w3c-vc'])
    expectValid('w3c-vc', await verifyCredential(JSON.parse(outputs['w3c-vc'].json), { trust: trustStore, now }));
  if (outputs['divoc-qr'])
    expectValid('divoc-qr', await verifyDivocQr(outputs['divoc-qr'].text, { trust: trustStore, now }));
  if (outputs['vc-compact'])
    expectValid(
      'vc-compact',
      await verifyCredential(decodeCompactCredential(outputs['vc-compact'].text), { trust: trustStore, now }),
    );
  if (outputs.pixelpass)
    expectValid(
      'pixelpass',
      await verifyCredential(pixelpassCredential(outputs.pixelpass.text), { trust: trustStore, now }),
    );
  if (outputs.dcc) expectValid('dcc', await verifyDcc(outputs.dcc.hc1, { trust: trustStore, now }));
  if (outputs.shc)
    expectValid(
      'shc',
      await verifyShc(outputs.shc.qr.length === 1 ? outputs.shc.qr[0]! : outputs.shc.qr, { trust: trustStore, now }),
    );
  if (outputs.vdsnc)
    expectValid('vdsnc', await verifyVdsnc(outputs.vdsnc.json, { cscaCertificates: [fixture.vdsncCsca], now }));
  return ok;
}

/** One person and event, as each output reads back after decoding. `undefined`: the format has no such field. */
export interface Reading {
  name?: string;
  dob?: string;
  vaccine?: string;
  dose?: number;
  totalDoses?: number;
  date?: string;
  country?: string;
  certificateId?: string;
}

function fromCredential(credential: Json): Reading {
  const subject = credential.credentialSubject as Json;
  const evidence = (credential.evidence as Json[])[0]!;
  const facility = (evidence.facility ?? {}) as Json;
  const address = (facility.address ?? {}) as Json;
  const r: Reading = { name: subject.name as string, certificateId: evidence.certificateId as string };
  if (subject.dob !== undefined) r.dob = subject.dob as string;
  if (evidence.vaccine !== undefined) r.vaccine = evidence.vaccine as string;
  if (evidence.dose !== undefined) r.dose = evidence.dose as number;
  if (evidence.totalDoses !== undefined) r.totalDoses = evidence.totalDoses as number;
  const date = (evidence.date ?? evidence.sampleCollectionTimestamp ?? evidence.firstPositiveTestDate) as
    string | undefined;
  if (date !== undefined) r.date = date.slice(0, 10);
  const country = (evidence.country ?? address.addressCountry) as string | undefined;
  if (country) r.country = country;
  return r;
}

/** Decodes every output and checks that each says what the DDCC core data set says. */
export function expectConsistent(result: IssuedFormats): Record<string, Reading> {
  const { ddcc, outputs } = result;
  const name = ddcc.person.name;
  const readings: Record<string, Reading> = {};
  const hcid = ddcc.certificate.hcid;
  const event = ddcc.kind === 'vaccination' ? ddcc.vaccination : undefined;
  const eventDate =
    ddcc.kind === 'vaccination'
      ? ddcc.vaccination.date
      : ddcc.kind === 'test'
        ? ddcc.test.date.slice(0, 10)
        : ddcc.recovery.firstPositiveDate;
  const country =
    ddcc.kind === 'vaccination'
      ? ddcc.vaccination.country
      : ddcc.kind === 'test'
        ? ddcc.test.country
        : ddcc.recovery.country;

  for (const format of ['w3c-vc', 'divoc-qr', 'vc-compact', 'pixelpass'] as const) {
    const out = outputs[format];
    if (!out) continue;
    const credential = (
      format === 'w3c-vc'
        ? JSON.parse(outputs['w3c-vc']!.json)
        : format === 'divoc-qr'
          ? decodeDivocQr(outputs['divoc-qr']!.text).credential
          : format === 'vc-compact'
            ? decodeCompactCredential(outputs['vc-compact']!.text)
            : pixelpassCredential(outputs.pixelpass!.text)
    ) as Json;
    const r = fromCredential(credential);
    readings[format] = r;
    expect(r.name, `${format} name`).toBe(name.text);
    expect(r.certificateId, `${format} certificate id`).toBe(hcid);
    if (r.dob !== undefined) expect(r.dob, `${format} dob`).toBe(ddcc.person.birthDate);
    if (event) {
      expect(r.dose, `${format} dose`).toBe(event.dose);
      expect(r.totalDoses, `${format} total doses`).toBe(event.totalDoses);
      expect(r.vaccine, `${format} vaccine`).toBe(event.brand.display);
    }
  }

  if (outputs.dcc) {
    const payload = decodeDcc(outputs.dcc.hc1).payload;
    const latin = name.latin ?? name;
    expect(payload.nam.fn, 'dcc fn').toBe(name.family);
    expect(payload.nam.gn, 'dcc gn').toBe(name.given);
    expect(payload.nam.fnt, 'dcc fnt').toBe(transliterateIcao(latin.family ?? ''));
    expect(payload.nam.gnt ?? '', 'dcc gnt').toBe(transliterateIcao(latin.given ?? ''));
    expect(payload.dob, 'dcc dob').toBe(ddcc.person.birthDate ?? '');
    const entry = (payload.v?.[0] ?? payload.t?.[0] ?? payload.r?.[0])!;
    expect(entry.co, 'dcc country').toBe(country);
    expect(entry.ci).toBe(outputs.dcc.uvci);
    expect(entry.ci.split(':')[4]!.split('#')[0], 'dcc uvci carries the hcid').toBe(
      hcid.toUpperCase().replace(/[^A-Z0-9/:]/g, ''),
    );
    expect(validateUvciChecksum(entry.ci)).toBe(true);
    const r: Reading = {
      name: [payload.nam.gn, payload.nam.fn].filter(Boolean).join(' '),
      dob: payload.dob,
      country: entry.co,
      certificateId: entry.ci,
    };
    if (payload.v?.[0]) {
      const v = payload.v[0];
      expect(v.mp, 'dcc vaccine').toBe(event!.brand.euProduct);
      expect(v.ma, 'dcc manufacturer').toBe(event!.manufacturer?.code);
      expect(v.dn, 'dcc dose').toBe(event!.dose);
      expect(v.sd, 'dcc total doses').toBe(event!.totalDoses);
      expect(v.dt, 'dcc date').toBe(eventDate);
      Object.assign(r, { vaccine: v.mp, dose: v.dn, totalDoses: v.sd, date: v.dt });
    } else if (payload.t?.[0]) {
      expect(payload.t[0].sc.slice(0, 10), 'dcc test date').toBe(eventDate);
      r.date = payload.t[0].sc.slice(0, 10);
    } else {
      expect(payload.r![0]!.fr, 'dcc first positive').toBe(eventDate);
      expect(payload.r![0]!.df).toBe(ddcc.kind === 'recovery' ? ddcc.recovery.validFrom : '');
      expect(payload.r![0]!.du).toBe(ddcc.kind === 'recovery' ? ddcc.recovery.validUntil : '');
      r.date = payload.r![0]!.fr;
    }
    readings.dcc = r;
  }

  if (outputs.shc) {
    const bundle = decodeShc(outputs.shc.jws).payload.vc.credentialSubject.fhirBundle;
    const resources = bundle.entry!.map((e) => e.resource as FhirResource & Json);
    const patient = resources[0]!;
    expect((patient.name as Array<{ text: string }>)[0]!.text, 'shc name').toBe(name.text);
    expect(patient.birthDate, 'shc birthDate').toBe(ddcc.person.birthDate);
    const r: Reading = { name: (patient.name as Array<{ text: string }>)[0]!.text };
    if (patient.birthDate !== undefined) r.dob = patient.birthDate as string;
    const event2 = resources[1]!;
    if (event) {
      const coding = (event2.vaccineCode as { coding: Array<{ system: string; code: string }> }).coding[0]!;
      const cvx = CVX_BY_VACCINE[event.brand.canonical ?? ''];
      if (cvx !== undefined)
        expect(coding, 'shc vaccine').toEqual({ system: 'http://hl7.org/fhir/sid/cvx', code: cvx });
      else expect(coding, 'shc vaccine').toEqual({ system: 'http://id.who.int/icd11/mms', code: event.vaccine!.code });
      expect(event2.occurrenceDateTime, 'shc date').toBe(eventDate);
      expect(event2.lotNumber, 'shc lot').toBe(event.lot);
      Object.assign(r, { vaccine: coding.code, date: event2.occurrenceDateTime });
    } else {
      expect((event2.effectiveDateTime as string).slice(0, 10), 'shc test date').toBe(eventDate);
      r.date = (event2.effectiveDateTime as string).slice(0, 10);
    }
    readings.shc = r;
  }

  if (outputs.vdsnc) {
    const decoded = decodeVdsnc(outputs.vdsnc.json);
    const msg = decoded.message as Json;
    const pid = msg.pid as Json;
    expect(pid.n, 'vdsnc name').toBe((name.latin ?? name).text);
    expect(pid.dob, 'vdsnc dob').toBe(ddcc.person.birthDate);
    const r: Reading = { name: pid.n as string, certificateId: (msg.uvci ?? msg.utci) as string };
    if (pid.dob !== undefined) r.dob = pid.dob as string;
    expect(r.certificateId, 'vdsnc id').toBe(shortCertificateId(hcid));
    expect(result.identifiers.vdsnc).toBe(r.certificateId);
    if (event) {
      const ve = (msg.ve as Json[])[0]!;
      const vd = (ve.vd as Json[])[0]!;
      expect(ve.nam, 'vdsnc vaccine').toBe(event.brand.canonical);
      expect(vd.seq, 'vdsnc dose').toBe(event.dose);
      expect(vd.dvc, 'vdsnc date').toBe(eventDate);
      expect(vd.ctr, 'vdsnc country').toBe(toAlpha3(country!));
      expect(vd.lot, 'vdsnc lot').toBe(event.lot);
      if (event.nextDose !== undefined) expect(vd.dvn).toBe(event.nextDose);
      Object.assign(r, { vaccine: ve.nam, dose: vd.seq, date: vd.dvc, country: vd.ctr });
    } else {
      const sp = msg.sp as Json;
      expect(sp.ctr, 'vdsnc country').toBe(toAlpha3(country!));
      expect(((msg.dat as Json).sc as string).slice(0, 10)).toBe(eventDate);
    }
    readings.vdsnc = r;
  }
  return readings;
}
