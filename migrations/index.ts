// Written by `npm run migration:create`: the committed migrations, oldest first. Append-only.
import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261121064621 } from './Migration20261121064621.js';
import { Migration20261121070520 } from './Migration20261121070520.js';
import { Migration20261121070948 } from './Migration20261121070948.js';
import { Migration20261121072528 } from './Migration20261121072528.js';
import { Migration20261121072935 } from './Migration20261121072935.js';
import { Migration20261121075606 } from './Migration20261121075606.js';
import { Migration20261121100500 } from './Migration20261121100500.js';
import { Migration20261121101500 } from './Migration20261121101500.js';
import { Migration20261206010000 } from './Migration20261206010000.js';
import { Migration20261206010100 } from './Migration20261206010100.js';
import { Migration20261206060000 } from './Migration20261206060000.js';
import { Migration20261206060100 } from './Migration20261206060100.js';
import { Migration20261206060200 } from './Migration20261206060200.js';
import { Migration20261206063000 } from './Migration20261206063000.js';
import { Migration20261206090000 } from './Migration20261206090000.js';
import { Migration20261206091500 } from './Migration20261206091500.js';
import { Migration20261212120000 } from './Migration20261212120000.js';
import { Migration20261213090000 } from './Migration20261213090000.js';
import { Migration20261214090000 } from './Migration20261214090000.js';
import { Migration20261214100000 } from './Migration20261214100000.js';
import { Migration20261215090000 } from './Migration20261215090000.js';

export const migrationsList: MigrationObject[] = [
  { name: 'Migration20261121064621', class: Migration20261121064621 },
  { name: 'Migration20261121070520', class: Migration20261121070520 },
  { name: 'Migration20261121070948', class: Migration20261121070948 },
  { name: 'Migration20261121072528', class: Migration20261121072528 },
  { name: 'Migration20261121072935', class: Migration20261121072935 },
  { name: 'Migration20261121075606', class: Migration20261121075606 },
  { name: 'Migration20261121100500', class: Migration20261121100500 },
  { name: 'Migration20261121101500', class: Migration20261121101500 },
  { name: 'Migration20261206010000', class: Migration20261206010000 },
  { name: 'Migration20261206010100', class: Migration20261206010100 },
  { name: 'Migration20261206060000', class: Migration20261206060000 },
  { name: 'Migration20261206060100', class: Migration20261206060100 },
  { name: 'Migration20261206060200', class: Migration20261206060200 },
  { name: 'Migration20261206063000', class: Migration20261206063000 },
  { name: 'Migration20261206090000', class: Migration20261206090000 },
  { name: 'Migration20261206091500', class: Migration20261206091500 },
  { name: 'Migration20261212120000', class: Migration20261212120000 },
  { name: 'Migration20261213090000', class: Migration20261213090000 },
  { name: 'Migration20261214090000', class: Migration20261214090000 },
  { name: 'Migration20261214100000', class: Migration20261214100000 },
  { name: 'Migration20261215090000', class: Migration20261215090000 },
];
