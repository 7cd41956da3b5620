import { RECEIPT_SCRIPT, RECEIPT_SCRIPT_PATH, RECEIPT_STYLESHEET, RECEIPT_STYLESHEET_PATH } from '../receipt.js';
import { answers, text, type ApiRoutes } from '../responses.js';

/** The printable receipt's stylesheet and print button: public, like any page's assets. */
export function receiptAssetRoutes(app: ApiRoutes): void {
  const cached = 'public, max-age=3600';
  // Files of the receipt's page rather than operations of the API: out of the OpenAPI document.
  const stylesheet = { hide: true, operationId: 'getReceiptStylesheet', response: answers({ 200: text("The receipt page's stylesheet.", ['text/css']) }) } as const;
  const script = { hide: true, operationId: 'getReceiptScript', response: answers({ 200: text("The receipt page's print button.", ['text/javascript']) }) } as const;
  app.get(RECEIPT_STYLESHEET_PATH, { config: { access: 'public' }, schema: stylesheet }, async (_request, reply) =>
    reply.type('text/css; charset=utf-8').header('cache-control', cached).send(RECEIPT_STYLESHEET),
  );
  app.get(RECEIPT_SCRIPT_PATH, { config: { access: 'public' }, schema: script }, async (_request, reply) =>
    reply.type('text/javascript; charset=utf-8').header('cache-control', cached).send(RECEIPT_SCRIPT),
  );
}
