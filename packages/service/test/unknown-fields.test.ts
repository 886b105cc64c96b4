import { describe, expect, it } from 'vitest';
import { createMemoryStorage, parseServiceConfig, startService } from '@divoc/service';
import { API_KEYS, RECORD, auth, baseConfig } from './helpers.js';

// Issue 14: the service dropped record fields that `divoc issue` rejects. Now one rule (`checkRecordFields` of
// @divoc/issuer): rejected with 422 naming them, unless the config opts in to `unknownFields: 'ignore'`.
async function withService(
  unknownFields: 'reject' | 'ignore' | undefined,
  fn: (post: (record: object) => Promise<Response>) => Promise<void>,
) {
  const running = await startService(
    await baseConfig({
      listen: { host: '127.0.0.1', port: 0 },
      storage: createMemoryStorage(),
      ...(unknownFields !== undefined ? { unknownFields } : {}),
    }),
  );
  try {
    await fn((record) =>
      fetch(`${running.url}/credentials/issue`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...auth(API_KEYS.admin) },
        body: JSON.stringify({ record, template: 'vaccination-v2' }),
      }),
    );
  } finally {
    await running.close();
  }
}

describe('unknown record fields (service, loopback, memory storage)', () => {
  it('are rejected by default: 422 ERR_RECORD_INVALID naming each field and its near match', async () => {
    await withService(undefined, async (post) => {
      const res = await post({ ...RECORD, refId: 'U-1', facilitycountry: 'IN', wardNo: '7' });
      expect(res.status).toBe(422);
      const { error } = (await res.json()) as { error: { code: string; message: string; details: unknown } };
      expect(error.code).toBe('ERR_RECORD_INVALID');
      expect(error.message).toContain('"wardNo"');
      expect(error.details).toEqual([
        { path: '$.facilitycountry', message: expect.stringContaining('did you mean "facilityCountry"') },
        { path: '$.wardNo', message: 'unknown field for template vaccination-v2' },
      ]);
      // Positive control: the same record without them is issued; the DCC name fields are known.
      const ok = await post({ ...RECORD, refId: 'U-1', nameLatin: 'Rajesh Kumar' });
      expect(ok.status).toBe(201);
    });
  });

  it('unknownFields: "ignore" drops them (config file and object)', async () => {
    await withService('ignore', async (post) => {
      const res = await post({ ...RECORD, refId: 'U-2', wardNo: '7' });
      expect(res.status).toBe(201);
      expect(JSON.stringify(await res.json())).not.toContain('wardNo');
    });
    const base = { keys: { vc: 'vc.json' }, auth: { mode: 'none' }, log: false };
    await expect(
      parseServiceConfig({ ...base, unknownFields: 'drop' }, { baseDir: '/nonexistent', env: {} }),
    ).rejects.toMatchObject({ code: 'ERR_SERVICE_CONFIG_INVALID', message: expect.stringContaining('unknownFields') });
  });
});
