// The bundled third-party data is inlined into dist/ by tsup; its licence notes must travel with it.
import { copyFileSync, mkdirSync } from 'node:fs';

const notices = [
  ['src/contexts/divoc/LICENSE', 'divoc-contexts.LICENSE'],
  ['src/contexts/divoc/README.md', 'divoc-contexts.README.md'],
  ['src/valuesets/dcc/LICENSE', 'eu-dcc-valuesets.LICENSE'],
  ['src/valuesets/dcc/README.md', 'eu-dcc-valuesets.README.md'],
];
mkdirSync('dist/licenses', { recursive: true });
for (const [from, to] of notices) copyFileSync(from, `dist/licenses/${to}`);
