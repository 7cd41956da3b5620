/** What a worker process issues documents with, from the configuration: the storage the API reads them from. */
import path from 'node:path';
import type { Config } from '../infra/config.js';
import { documentPublicUrl } from '../documents/key-ring.js';
import { padesSigner, type PadesSigner } from '../documents/pades.js';
import { FileSystemStorage, type DocumentStorage } from '../documents/storage.js';
import { readOffices, type Office } from '../registry/offices.js';

export function issuingSetup(config: Config): { storage: DocumentStorage; offices: readonly Office[]; publicUrl: string; pades?: PadesSigner } {
  const pades = padesSigner(config.documents);
  return {
    // The same folder the API keeps documents in (api/start.ts).
    storage: new FileSystemStorage(path.join(config.dataDir, 'documents')),
    offices: readOffices(config.proceduresDir),
    // Refuses a production start without PUBLIC_URL: the address is printed on every document.
    publicUrl: documentPublicUrl(config),
    ...(pades ? { pades } : {}),
  };
}
