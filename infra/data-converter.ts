/**
 * How every Temporal client and worker of Mohla turns values into payloads: the API's client, the worker,
 * replays (server and `--file`), history export, projection rebuilds, `mohla dev`, the tests and the
 * bench all take their data converter from here, so none of them writes or reads personal data in clear.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Client } from '@temporalio/client';
import type { DataConverter, PayloadCodec } from '@temporalio/common';
import { EncryptionCodec, type CodecKey } from './payload-codec.js';

/** The failure converter's module, for the workflow bundle and the worker (they load it by path). */
export const FAILURE_CONVERTER_PATH = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'workflows', 'failure-converter.cjs');

/** For `new Client({ dataConverter })`, `Worker.create({ dataConverter })` and replay workers. */
export function temporalDataConverter(keys: readonly CodecKey[]): DataConverter {
  return { failureConverterPath: FAILURE_CONVERTER_PATH, payloadCodecs: [new EncryptionCodec(keys)] };
}

/**
 * The codec a client was built with, for decoding what the client itself does not (fetched histories):
 * the API's routes and the tests have the client, not the keys.
 */
export function codecOf(client: Client): PayloadCodec {
  const codecs = client.options.loadedDataConverter.payloadCodecs;
  return {
    encode: async (payloads) => {
      for (const codec of codecs) payloads = await codec.encode(payloads);
      return payloads;
    },
    decode: async (payloads) => {
      for (const codec of [...codecs].reverse()) payloads = await codec.decode(payloads);
      return payloads;
    },
  };
}
