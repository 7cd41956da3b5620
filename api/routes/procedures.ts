import type { FastifyInstance } from 'fastify';
import type { FromSchema } from 'json-schema-to-ts';
import type { ProcedureDefinition } from '../../engine/definition.generated.js';
import { DomainError } from '../../engine/errors.js';
import { ScenarioError, simulate, type Scenario } from '../../engine/simulator.js';
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

const simulateBody = {
  type: 'object',
  required: ['definition', 'scenario'],
  additionalProperties: false,
  properties: {
    definition: {},
    scenario: {
      type: 'object',
      required: ['filedAt', 'data'],
      additionalProperties: false,
      properties: {
        filedAt: { type: 'string', format: 'date-time' },
        data: { type: 'object' },
        officeId: { type: 'string', minLength: 1, maxLength: 64 },
        until: { type: 'string', format: 'date-time' },
        events: {
          type: 'array',
          maxItems: 500,
          items: {
            type: 'object',
            required: ['action'],
            properties: {
              action: { enum: ['claim', 'complete', 'reassign', 'requestComplement', 'provideComplement', 'extend', 'withdraw'] },
              at: { type: 'string', format: 'date-time' },
              after: { type: 'string', pattern: '^P' },
            },
          },
        },
      },
    },
  },
} as const;

/** A draft definition, or a 422 naming every problem with its pointer (under `prefix` in the body). */
function checkedDraft(candidate: unknown, prefix = ''): ProcedureDefinition {
  const errors = validateDefinition(candidate).map((e) => ({ ...e, pointer: `${prefix}${e.pointer === '/' && prefix ? '' : e.pointer}` }));
  if (errors.length) throw new DomainError('invalid_definition', errors.map((e) => `${e.pointer} ${e.message}`).join('; '), errors);
  return candidate as ProcedureDefinition;
}

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
      checkedDraft(request.body);
      return reply.status(200).send({ valid: true, errors: [] });
    },
  );

  app.post<{ Body: FromSchema<typeof simulateBody> }>(
    '/procedures/simulate',
    {
      config: { access: ['designer', 'admin'] },
      schema: { summary: 'Dry-run a draft definition over a scenario on a virtual clock (what `mohla simulate` does)', tags: ['procedures'], body: simulateBody },
    },
    async (request) => {
      const definition = checkedDraft(request.body.definition, '/definition');
      try {
        const result = await simulate(definition, request.body.scenario as Scenario, await ctx.calendars.current());
        return { outcome: result.outcome, legalDeadline: result.legalDeadline, trace: result.trace, status: result.state.status };
      } catch (err) {
        if (err instanceof ScenarioError) throw new DomainError('invalid_input', err.message, [{ pointer: `/scenario${err.pointer}`, message: err.message }]);
        throw err;
      }
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
