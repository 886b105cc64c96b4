/**
 * Issue 14: the service's `application/pdf` certificate takes the labels' languages from its `pdfLocale` setting
 * (the same list as `divoc issue --pdf --locale`). The page is read back with pdftotext where poppler is installed.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { API_KEYS, RECORD, auth, makeService } from './helpers.js';

const admin = auth(API_KEYS.admin);
const poppler = spawnSync('pdftotext', ['-v']).status === 0;

function pdfText(bytes: Buffer): string {
  const dir = mkdtempSync(join(tmpdir(), 'divoc-service-pdf-'));
  try {
    writeFileSync(join(dir, 'c.pdf'), bytes);
    return spawnSync('pdftotext', ['-enc', 'UTF-8', join(dir, 'c.pdf'), '-'])
      .stdout.toString('utf8')
      .normalize('NFC');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('pdfLocale', async () => {
  const { app } = await makeService({ pdfLocale: 'hi-IN,en' });
  afterAll(() => app.close());

  it('a bilingual certificate with a Hindi name; an unknown pdfLocale is refused at start, en is not', async () => {
    const issued = await app.inject({
      method: 'POST',
      url: '/credentials/issue',
      headers: admin,
      payload: { record: { ...RECORD, name: 'प्रिया क्षत्रिय' }, template: 'vaccination-v2' },
    });
    expect(issued.statusCode, issued.body).toBe(201);
    const pdf = await app.inject({
      method: 'GET',
      url: `/credentials/${issued.json().certificateId}`,
      headers: { ...admin, accept: 'application/pdf' },
    });
    expect(pdf.statusCode).toBe(200);
    expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    if (poppler) {
      const text = pdfText(pdf.rawPayload);
      expect(text).toContain('लाभार्थी / Beneficiary');
      expect(text).toContain('प्रिया क्षत्रिय');
    }
    await expect(makeService({ pdfLocale: 'xx' })).rejects.toMatchObject({
      message: expect.stringContaining('pdfLocale: unknown PDF locale "xx"'),
    });
    const control = await makeService({ pdfLocale: 'en' });
    await control.app.close();
  });
});
