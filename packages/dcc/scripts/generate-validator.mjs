// Precompiles the DCC JSON schema into src/generated/dcc-schema.ts with Ajv standalone (no Ajv and no
// `new Function` at run time). Run by the build; `--check` exits 1 if the file is missing or stale.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadTypeScript, standaloneModule, writeOrCheck } from '../../schemas/scripts/standalone.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dirArg = process.argv.indexOf('--dir');
const outDir = dirArg > 0 ? process.argv[dirArg + 1] : join(root, 'src/generated');

export async function generatedFiles() {
  const { formats, DCC_AJV_OPTIONS } = await loadTypeScript(root, "export * from './src/schema/formats.ts';\n");
  const schema = JSON.parse(readFileSync(join(root, 'src/schema/dcc-schema-1.3.3.json'), 'utf8'));
  const code = standaloneModule({
    schema,
    options: DCC_AJV_OPTIONS,
    formats,
    // An annotation of the EU schema, checked by our own value-set pass, not by Ajv.
    setup: (ajv) => ajv.addKeyword({ keyword: 'valueset-uri', schemaType: 'string' }),
    formatsImport: '../schema/formats.js',
    runtimeImport: "import { ajvRuntime as runtime } from '@divoc/schemas';",
    source: 'src/schema/dcc-schema-1.3.3.json',
  });
  return new Map([['dcc-schema.ts', code]]);
}

const isMain = process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1];
if (isMain) writeOrCheck(outDir, await generatedFiles(), process.argv.includes('--check'));
