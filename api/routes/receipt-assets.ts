import type { FastifyInstance } from 'fastify';
import { RECEIPT_SCRIPT, RECEIPT_SCRIPT_PATH, RECEIPT_STYLESHEET, RECEIPT_STYLESHEET_PATH } from '../receipt.js';

/** The printable receipt's stylesheet and print button: public, like any page's assets. */
export function receiptAssetRoutes(app: FastifyInstance): void {
  const cached = 'public, max-age=3600';
  app.get(RECEIPT_STYLESHEET_PATH, { config: { access: 'public' }, schema: { hide: true } }, async (_request, reply) =>
    reply.type('text/css; charset=utf-8').header('cache-control', cached).send(RECEIPT_STYLESHEET),
  );
  app.get(RECEIPT_SCRIPT_PATH, { config: { access: 'public' }, schema: { hide: true } }, async (_request, reply) =>
    reply.type('text/javascript; charset=utf-8').header('cache-control', cached).send(RECEIPT_SCRIPT),
  );
}
