import type { FastifyInstance } from 'fastify';
import type { FromSchema } from 'json-schema-to-ts';
import { DomainError } from '../../engine/errors.js';
import { validateDefinition } from '../../registry/catalogue.js';
import { guideEntry, pickLanguage } from '../../registry/guide.js';
import { principalOf } from '../auth.js';
import type { ApiContext } from '../context.js';

const idParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', pattern: '^[a-z][a-z0-9-]{1,62}$' } },
} as const;

const versionQuery = {
  type: 'object',
  additionalProperties: false,
  properties: { version: { type: 'integer', minimum: 1 } },
} as const;

const langQuery = {
  type: 'object',
  additionalProperties: false,
  properties: { lang: { type: 'string', enum: ['ar', 'fr', 'en'] } },
} as const;

/** Definitions are checked by the registry with its own schema, so the body here is any JSON value. */
const definitionBody = {} as const;

export function procedureRoutes(app: FastifyInstance, ctx: ApiContext): void {
  async function published(id: string, version?: number) {
    const procedure = await ctx.procedures.get(id, version);
    if (!procedure) {
      throw new DomainError('procedure_not_found', `No published procedure "${id}"${version ? ` v${version}` : ''}.`);
    }
    return procedure;
  }

  app.get('/procedures', { config: { access: 'public' }, schema: { summary: 'The published procedures (latest version of each)', tags: ['procedures'] } }, async () => ({
    procedures: (await ctx.procedures.list()).map((p) => ({
      id: p.id,
      version: p.version,
      hash: p.hash,
      title: p.definition.title,
      category: p.definition.category,
    })),
  }));

  app.get<{ Params: FromSchema<typeof idParams>; Querystring: FromSchema<typeof versionQuery> }>(
    '/procedures/:id',
    { config: { access: 'public' }, schema: { summary: 'One procedure: the latest version, or ?version=N', tags: ['procedures'], params: idParams, querystring: versionQuery } },
    async (request) => {
      const p = await published(request.params.id, request.query.version);
      return { id: p.id, version: p.version, hash: p.hash, definition: p.definition };
    },
  );

  app.get<{ Params: FromSchema<typeof idParams> }>(
    '/procedures/:id/versions',
    { config: { access: 'public' }, schema: { summary: 'Every published version of a procedure', tags: ['procedures'], params: idParams } },
    async (request) => {
      const versions = await ctx.procedures.versions(request.params.id);
      if (!versions.length) throw new DomainError('procedure_not_found', `No published procedure "${request.params.id}".`);
      return { id: request.params.id, versions };
    },
  );

  app.post(
    '/procedures/validate',
    { config: { access: ['designer', 'admin'] }, schema: { summary: 'Validate a draft definition without publishing it', tags: ['procedures'], body: definitionBody } },
    async (request, reply) => {
      const errors = validateDefinition(request.body);
      if (errors.length) {
        throw new DomainError('invalid_definition', errors.map((e) => `${e.pointer} ${e.message}`).join('; '), errors);
      }
      return reply.status(200).send({ valid: true, errors: [] });
    },
  );

  app.post(
    '/procedures',
    { config: { access: ['designer', 'admin'] }, schema: { summary: 'Publish a new procedure version (immutable once published)', tags: ['procedures'], body: definitionBody } },
    async (request, reply) => {
      const { status, procedure } = await ctx.procedures.publish(request.body, principalOf(request).sub, 'api');
      return reply
        .status(status === 'published' ? 201 : 200)
        .header('location', `/procedures/${procedure.id}?version=${procedure.version}`)
        .send({ status, id: procedure.id, version: procedure.version, hash: procedure.hash });
    },
  );

  app.get<{ Querystring: FromSchema<typeof langQuery> }>(
    '/guide',
    { config: { access: 'public' }, schema: { summary: 'The digital guide: every procedure, in ar, fr or en', tags: ['guide'], querystring: langQuery } },
    async (request) => {
      const lang = pickLanguage(request.query.lang, request.headers['accept-language']);
      return { language: lang, procedures: (await ctx.procedures.list()).map((p) => guideEntry(p, lang)) };
    },
  );

  app.get<{ Params: FromSchema<typeof idParams>; Querystring: FromSchema<typeof langQuery> }>(
    '/guide/:id',
    { config: { access: 'public' }, schema: { summary: "One procedure's guide page", tags: ['guide'], params: idParams, querystring: langQuery } },
    async (request) => guideEntry(await published(request.params.id), pickLanguage(request.query.lang, request.headers['accept-language'])),
  );
}
