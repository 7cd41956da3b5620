import { readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Migrations are imported statically through migrations/index.ts rather than discovered on disk: the
 * same list then works under tsx, under vitest and in a compiled build.
 */
export function writeMigrationsIndex(dir: string): void {
  const names = readdirSync(dir)
    .filter((f) => /^Migration\d+\.ts$/.test(f))
    .map((f) => f.replace(/\.ts$/, ''))
    .sort();
  const lines = [
    '// Written by `npm run migration:create`: the committed migrations, oldest first. Append-only.',
    "import type { MigrationObject } from '@mikro-orm/core';",
    ...names.map((n) => `import { ${n} } from './${n}.js';`),
    '',
    'export const migrationsList: MigrationObject[] = [',
    ...names.map((n) => `  { name: '${n}', class: ${n} },`),
    '];',
    '',
  ];
  writeFileSync(path.join(dir, 'index.ts'), lines.join('\n'));
}
