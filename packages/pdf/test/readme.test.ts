import { expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PDFDocument } from 'pdf-lib';
import { createSigner, generateKeyPair, verificationMethodId } from '@divoc/keys';
import { buildCredential } from '@divoc/schemas';
import { issueCredential } from '@divoc/vc';
import { createPdfMaker, parsePdfTemplate, renderCertificatePdf } from '../src/index.js';

it('the README example runs as written', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'divoc-pdf-readme-'));
  try {
    const keyPair = await generateKeyPair('Ed25519');
    const signer = createSigner(keyPair, { id: verificationMethodId(keyPair) });
    const record = {
      refId: '12346',
      name: 'Bhaya Mitra',
      dob: '1994-09-01',
      gender: 'Male',
      country: 'IN',
      vaccine: 'Covishield',
      manufacturer: 'Serum Institute of India',
      batch: '4121Z005',
      vaccinationDate: '2021-05-03T10:15:00.000Z',
      dose: '1',
      totalDoses: '2',
      facilityName: 'ABC Medical Center',
      facilityCountry: 'IN',
      vaccinatorName: 'Sooraj Singh',
      certificateId: '244768056',
    };
    const credential = await issueCredential(
      buildCredential('vaccination', record, { issuer: 'https://divoc.example' }),
      { signer },
    );

    const pdf = await renderCertificatePdf(credential as unknown as Record<string, unknown>);
    writeFileSync(join(dir, 'certificate.pdf'), pdf);
    expect(new TextDecoder().decode(pdf.subarray(0, 5))).toBe('%PDF-');
    const doc = await PDFDocument.load(readFileSync(join(dir, 'certificate.pdf')));
    expect(doc.getPageCount()).toBe(1);
    expect(doc.getTitle()).toBe('Certificate 244768056');

    writeFileSync(
      join(dir, 'layout.json'),
      JSON.stringify({
        version: 1,
        page: { width: 400, height: 300 },
        texts: [{ text: 'Name: {{name}} · born {{dob|age}}', x: 20, y: 40, size: 12 }],
        qr: { x: 200, y: 60, size: 180, payload: ['vc-compact', 'divoc-qr'] },
      }),
    );
    const maker = await createPdfMaker({ cwd: dir, templatePath: join(dir, 'layout.json') });
    const page = await maker.make({
      certificateId: '244768056',
      record,
      issuer: 'https://divoc.example',
      issuanceDate: '2021-05-03',
      qr: { 'divoc-qr': 'any text the QR should carry' },
    });
    expect(page.length > 0).toBe(true);
    expect((await PDFDocument.load(page)).getPage(0).getSize()).toEqual({ width: 400, height: 300 });

    const bilingual = await createPdfMaker({ cwd: dir, locale: 'hi-IN,en' });
    const hindi = await bilingual.render({
      certificateId: '244768057',
      record: { ...record, name: 'प्रिया क्षत्रिय' },
      issuer: 'https://divoc.example',
      issuanceDate: '2021-05-03',
      qr: { 'divoc-qr': 'any text the QR should carry' },
    });
    writeFileSync(join(dir, 'certificate-hi.pdf'), hindi.pdf);
    expect(hindi.warnings).toEqual([]);
    const thai = await bilingual.render({
      certificateId: '244768058',
      record: { ...record, name: 'สมชาย' },
      issuer: 'https://divoc.example',
      issuanceDate: '2021-05-03',
      qr: { 'divoc-qr': 'any text the QR should carry' },
    });
    expect([thai.warnings[0]?.code, thai.warnings[0]?.field]).toEqual(['WARN_PDF_GLYPH_MISSING', 'name']);

    let thrown: { code?: string; message?: string } | undefined;
    try {
      parsePdfTemplate({ version: 1, page: { size: 'B9' }, texts: [], qr: { x: 0, y: 0, size: 100 } });
    } catch (error) {
      thrown = error as typeof thrown;
    }
    expect(thrown?.code).toBe('ERR_PDF_TEMPLATE_INVALID');
    expect(thrown?.message).toBe('template.page.size must be one of A4, A5, Letter');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
