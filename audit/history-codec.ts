/**
 * Histories as the payload codec leaves them in Temporal are ciphertext. Auditors read them decoded
 * (history export), and a history decoded once replays and reports its outcome without keys (`mohla
 * replay --file`), since the codec passes clear payloads through.
 */
import type { Payload, PayloadCodec } from '@temporalio/common';
// A CommonJS package whose named exports Node's ES module loader cannot see.
import type { WorkflowHandle } from '@temporalio/client';
import proto from '@temporalio/proto';

const { temporal } = proto;

/** A workflow's history, as the client fetches it and the replay takes it. */
export type History = Awaited<ReturnType<WorkflowHandle['fetchHistory']>>;

type Node = Record<string, unknown>;

function isPayload(value: unknown): value is Payload {
  if (!value || typeof value !== 'object') return false;
  const candidate = value as Node;
  return candidate.data instanceof Uint8Array && !!candidate.metadata && typeof candidate.metadata === 'object';
}

/** A failure whose message and stack trace the failure converter moved into an encrypted payload. */
function restoreFailure(node: Node): void {
  const attributes = node.encodedAttributes;
  if (!isPayload(attributes)) return;
  const encoding = attributes.metadata?.encoding ? Buffer.from(attributes.metadata.encoding).toString() : '';
  if (encoding !== 'json/plain') return;
  try {
    const decoded = JSON.parse(Buffer.from(attributes.data ?? new Uint8Array()).toString('utf8')) as { message?: unknown; stack_trace?: unknown };
    if (typeof decoded.message === 'string') node.message = decoded.message;
    if (typeof decoded.stack_trace === 'string') node.stackTrace = decoded.stack_trace;
  } catch {
    // Not the converter's shape: leave the failure as Temporal holds it.
  }
}

async function decodeTree(node: unknown, codec: PayloadCodec): Promise<unknown> {
  if (!node || typeof node !== 'object' || node instanceof Uint8Array) return node;
  if (isPayload(node)) return (await codec.decode([node]))[0];
  if (Array.isArray(node)) {
    for (let i = 0; i < node.length; i++) node[i] = await decodeTree(node[i], codec);
    return node;
  }
  const object = node as Node;
  for (const key of Object.keys(object)) object[key] = await decodeTree(object[key], codec);
  if ('encodedAttributes' in object) restoreFailure(object);
  return object;
}

/** A copy of the history with every payload the codec encrypted decoded, failure messages included. */
export async function decodeHistory(history: History, codec: PayloadCodec): Promise<History> {
  const type = temporal.api.history.v1.History;
  const copy = type.decode(type.encode(history as proto.temporal.api.history.v1.IHistory).finish());
  return (await decodeTree(copy, codec)) as History;
}
