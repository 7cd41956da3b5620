/**
 * oidc-provider ships no type declarations; the test that runs it uses this much of it. Types are kept
 * to what that test calls, so a change of the library's shape shows there.
 */
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  export interface ProviderClient {
    clientId: string;
  }

  export default class Provider {
    constructor(issuer: string, configuration: Record<string, unknown>);
    callback(): (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  }
}
