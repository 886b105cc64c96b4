// The naive way to sign a registry export: read the whole file, then one record at a time build the credential,
// sign it with @digitalbazaar/vc (eddsa-rdfc-2022, the same suite and key type `divoc issue` uses by default)
// and write it. One core, no journal, no resume. Run as its own process so its peak memory is its own:
//   node benchmarks/bulk-baseline.mjs --in export.csv --out DIR [--rows N]
// Prints one JSON line: { rows, issued, failed, seconds, recordsPerSecond, peakRssMiB }.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { buildCredential, createDocumentLoader } from '@divoc/schemas';
import {
  generateKeyPair,
  verificationMethodId,
  didKeyFromKeyPair,
  publicKeyMultibase,
  privateKeyMultibase,
} from '@divoc/keys';
import * as dbVc from '@digitalbazaar/vc';
import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import { cryptosuite as eddsaRdfc2022 } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';

const { values } = parseArgs({
  options: { in: { type: 'string' }, out: { type: 'string' }, rows: { type: 'string' } },
});
const limit = values.rows ? Number(values.rows) : Infinity;

const keyPair = await generateKeyPair('Ed25519');
const vmId = verificationMethodId(keyPair);
const controller = didKeyFromKeyPair(keyPair);
const key = await Ed25519Multikey.from({
  '@context': 'https://w3id.org/security/multikey/v1',
  type: 'Multikey',
  id: vmId,
  controller,
  publicKeyMultibase: publicKeyMultibase(keyPair),
  secretKeyMultibase: privateKeyMultibase(keyPair),
});
const loader = createDocumentLoader();
const started = process.hrtime.bigint();

// Naive: the whole export in memory, split on newlines (the sample has no multi-line cells).
const [header, ...lines] = readFileSync(values.in, 'utf8').split('\n').filter(Boolean);
const columns = header.split(',');
mkdirSync(values.out, { recursive: true });
let issued = 0;
let failed = 0;
let rows = 0;
for (const line of lines) {
  if (rows >= limit) break;
  rows++;
  // Good enough for the sample's quoting (a quoted cell holds no quote).
  const cells = line.match(/("[^"]*"|[^,]*)(,|$)/g).map((c) => c.replace(/,$/, '').replace(/^"(.*)"$/, '$1'));
  const record = {};
  columns.forEach((c, i) => {
    if (cells[i] !== undefined && cells[i] !== '') record[c] = cells[i];
  });
  try {
    const credential = buildCredential(
      'vaccination',
      { ...record, certificateId: `${record.refId}` },
      { issuer: controller },
    );
    credential['@context'].push('https://w3id.org/security/data-integrity/v2');
    const signed = await dbVc.issue({
      credential,
      suite: new DataIntegrityProof({ signer: key.signer(), cryptosuite: eddsaRdfc2022 }),
      documentLoader: loader,
    });
    writeFileSync(join(values.out, `${record.refId}.json`), JSON.stringify(signed, null, 2));
    issued++;
  } catch {
    failed++;
  }
}
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
console.log(
  JSON.stringify({
    rows,
    issued,
    failed,
    seconds: Number(seconds.toFixed(2)),
    recordsPerSecond: Number((rows / seconds).toFixed(1)),
    peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
  }),
);
