// `npm run schemas`: writes every published JSON Schema from its zod schema.
// `node dist/schemas/emit.js --check` writes nothing and fails if a committed
// file differs (test/unit/schemas.test.ts checks the same).

import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFileAtomic } from '../io/atomic.js';
import { FORMATS, jsonSchemaText } from './index.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const checkOnly = process.argv.includes('--check');

for (const format of FORMATS) {
  if (!format.published) continue;
  const path = join(root, format.published.path);
  const text = jsonSchemaText(format);
  if (checkOnly) {
    const committed = await readFile(path, 'utf8').catch(() => undefined);
    if (committed !== text) {
      process.stderr.write(`${format.published.path} differs from src/schemas (run \`npm run schemas\`)\n`);
      process.exitCode = 1;
    }
  } else {
    await writeFileAtomic(path, text);
    process.stdout.write(`wrote ${format.published.path}\n`);
  }
}
