import type { FastifyRequest } from 'fastify';
import { DomainError } from '../engine/errors.js';
import { normaliseFileName } from '../documents/file-name.js';
import type { DocumentStorage, StagedFile } from '../documents/storage.js';

/** A form may carry a few small fields beside its file (browsers add none, some clients add a name). */
const MULTIPART_LIMITS = { files: 1, fields: 5, parts: 6, fieldSize: 4 * 1024, fieldNameSize: 100, headerPairs: 20 };

export interface ReceivedFile {
  file: StagedFile;
  /** The normalised name the client gave, if any. */
  fileName?: string;
}

interface Slot {
  id: string;
  maxSizeMb: number;
}

/**
 * Reads a multipart request that must carry exactly one file, streaming the file to staging as it
 * arrives. Every way a multipart body can be wrong answers a 4xx naming the field, and leaves nothing
 * staged.
 */
export async function receiveOneFile(
  request: FastifyRequest,
  storage: DocumentStorage,
  slot: Slot,
  limitBytes: number,
  /** Given the form's other fields, for a route that reads one beside the file. */
  onField?: (name: string, value: string) => void,
): Promise<ReceivedFile> {
  let received: ReceivedFile | undefined;
  try {
    for await (const part of request.parts({ limits: { ...MULTIPART_LIMITS, fileSize: limitBytes } })) {
      if (part.type !== 'file') {
        if (typeof part.value === 'string') onField?.(part.fieldname, part.value);
        continue;
      }
      const name = normaliseFileName(part.filename, '');
      if (!name.ok) throw new DomainError('invalid_input', `The file's name is refused: ${name.reason}.`, [{ pointer: `body:/${part.fieldname}`, message: name.reason }]);
      const file = await storage.stage(part.file);
      received = { file, ...(name.name ? { fileName: name.name } : {}) };
      if (part.file.truncated) throw tooLarge(slot);
    }
  } catch (err) {
    await received?.file.discard();
    throw multipartProblem(err, slot);
  }
  if (!received) throw new DomainError('invalid_input', 'The request holds no file.', [{ pointer: 'body:/file', message: 'is required' }]);
  return received;
}

function tooLarge(slot: Slot): DomainError {
  return new DomainError('file_too_large', `"${slot.id}" may be at most ${slot.maxSizeMb} MB.`, [{ pointer: 'body:/file', message: `is larger than ${slot.maxSizeMb} MB` }]);
}

/** What @fastify/multipart and its parser throw, as the problem a client can act on. */
function multipartProblem(err: unknown, slot: Slot): unknown {
  if (err instanceof DomainError) return err;
  const { code, message = '' } = err as { code?: string; message?: string };
  const invalid = (detail: string, pointer: string, why: string) => new DomainError('invalid_input', detail, [{ pointer, message: why }]);
  switch (code) {
    case 'FST_REQ_FILE_TOO_LARGE':
      return tooLarge(slot);
    case 'FST_FILES_LIMIT':
      return invalid('Send one file per request; this one holds more.', 'body:/file', 'must be a single file');
    case 'FST_FIELDS_LIMIT':
    case 'FST_PARTS_LIMIT':
      return invalid(`The form holds too many fields; send the file alone (at most ${MULTIPART_LIMITS.fields} fields).`, 'body:/', 'has too many fields');
    case 'FST_PROTO_VIOLATION':
      return invalid('A form field is named after a prototype property.', 'body:/', 'has a field named __proto__, constructor or prototype');
    case 'ERR_STREAM_PREMATURE_CLOSE':
      return invalid('The multipart body ended before the file did; send the whole form again.', 'body:/file', 'is incomplete');
    case 'FST_INVALID_MULTIPART_CONTENT_TYPE':
      return new DomainError('unsupported_media_type', 'Send the file as multipart/form-data.', [{ pointer: 'header:/content-type', message: 'must be multipart/form-data' }]);
  }
  // The parser's own complaints about the body's shape: no boundary, a body that ends early, a malformed part header.
  if (/boundary/i.test(message)) {
    return invalid('The multipart body has no boundary: the Content-Type must be multipart/form-data; boundary=….', 'header:/content-type', 'has no boundary');
  }
  if (/terminated early|unexpected end|malformed|header/i.test(message)) {
    return invalid('The multipart body is incomplete or malformed; send the whole form again.', 'body:/file', 'is incomplete');
  }
  return err;
}
