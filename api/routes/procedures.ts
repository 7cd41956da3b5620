import type { FromSchema } from 'json-schema-to-ts';
import type { ProcedureDefinition } from '../../engine/definition.generated.js';
import { DomainError } from '../../engine/errors.js';
import { simulate, type Scenario } from '../../engine/simulator.js';
import { definitionLanguage, duplicateKeyProblems, refusals, reviewDefinition } from '../../registry/catalogue.js';
import type { FieldError } from '../../registry/definition-schema.js';
import { guideEntry, pickLanguage, type GuideEntry } from '../../registry/guide.js';
import type { SourceProblem } from '../../registry/json-source.js';
import { previewMessages, type MessagePreview } from '../../registry/message-preview.js';
import { scenarioProblems } from '../../registry/scenario.js';
import { principalOf } from '../auth.js';
import { duplicateKeysOf } from '../edge.js';
import type { ApiContext } from '../context.js';
import { instant, legalDeadlineSchema, listAnswer, textOrNull } from '../answers.js';
import { problemSchema } from '../problem.js';
import { answers, file, json, type ApiRoutes } from '../responses.js';
import { DocumentDataError } from '../../documents/document-data.js';
import { previewDocument } from '../../documents/preview.js';
import { documentPublicUrl } from '../../documents/key-ring.js';
import type { Fits } from '../same-type.js';
import { localizedText } from '../../registry/localized-text.js';

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

/** The scenario is checked by the registry (registry/scenario.ts), as `mohla simulate` checks its file. */
const simulateBody = {
  type: 'object',
  required: ['definition', 'scenario'],
  additionalProperties: false,
  properties: {
    definition: {},
    scenario: {
      type: 'object',
      description:
        'When the application is filed (filedAt), the form (data), and the events that follow, as docs/simulator.md describes them. An instant without an offset is local time in the calendar\'s zone.',
    },
  },
} as const;

const procedureRef = {
  id: { type: 'string' },
  version: { type: 'integer' },
  hash: { type: 'string', description: 'The hash of the published content: two versions with the same hash are the same procedure.' },
} as const;

const procedureListAnswer = {
  type: 'object',
  required: ['procedures'],
  additionalProperties: false,
  properties: {
    procedures: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'version', 'hash', 'title', 'category'],
        additionalProperties: false,
        properties: { ...procedureRef, title: localizedText, category: { type: 'string' } },
      },
    },
  },
} as const;

const procedureAnswer = {
  type: 'object',
  required: ['id', 'version', 'hash', 'definition'],
  additionalProperties: false,
  properties: {
    ...procedureRef,
    // Its own schema describes it: written as published, whatever the language's version holds.
    definition: { description: 'The definition as published, in the procedure language (procedures/schema/procedure.schema.json).' },
  },
} as const;

const versionsAnswer = listAnswer('id', 'versions', {
  type: 'object',
  required: ['version', 'hash', 'publishedAt', 'source'],
  additionalProperties: false,
  properties: { version: { type: 'integer' }, hash: { type: 'string' }, publishedAt: instant, source: { type: 'string', description: 'shipped or api.' } },
});

const previewBody = {
  type: 'object',
  required: ['definition'],
  additionalProperties: false,
  properties: {
    definition: {},
    language: { type: 'string', enum: ['ar', 'fr', 'en'], default: 'fr', description: 'The language to render the messages in.' },
    audience: { type: 'string', enum: ['citizen', 'staff'], default: 'citizen', description: 'Whom the messages speak to, for texts that choose with {audience, select, …}.' },
  },
} as const;

const documentPreviewBody = {
  type: 'object',
  required: ['definition', 'document'],
  additionalProperties: false,
  properties: {
    definition: {},
    document: { type: 'string', minLength: 1, maxLength: 64, description: 'The document to print: a key of the definition\'s `issuedDocuments`.' },
    data: { type: 'object', description: 'Sample values of the form (optional): a field left out is printed with a sample value.' },
  },
} as const;

const previewAnswer = {
  type: 'object',
  required: ['language', 'audience', 'messages'],
  additionalProperties: false,
  properties: {
    language: previewBody.properties.language,
    audience: previewBody.properties.audience,
    messages: {
      type: 'array',
      description: "Each message of the definition's `messages`, in the order it gives them.",
      items: {
        type: 'object',
        required: ['name', 'subject', 'text', 'problems'],
        additionalProperties: false,
        properties: {
          name: { type: 'string' },
          subject: { ...textOrNull, description: 'The e-mail subject (the title, then the tracking number); null when the checker refuses this language\'s texts.' },
          text: { ...textOrNull, description: 'The SMS and e-mail body with sample values; null when the checker refuses this language\'s texts.' },
          problems: {
            type: 'array',
            description: "What the checker says of this message, in every language, each with its pointer; a warning does not keep it from rendering.",
            items: {
              type: 'object',
              required: ['pointer', 'message', 'severity'],
              additionalProperties: false,
              properties: { pointer: { type: 'string' }, message: { type: 'string' }, severity: { type: 'string', enum: ['error', 'warning'] } },
            },
          },
        },
      },
    },
  },
} as const;

const _previewFits: Fits<MessagePreview, FromSchema<typeof previewAnswer>['messages'][number]> = true;
void _previewFits;

const validAnswer = {
  type: 'object',
  required: ['valid', 'errors'],
  additionalProperties: false,
  properties: {
    valid: { type: 'boolean', const: true },
    errors: { type: 'array', maxItems: 0, items: problemSchema.properties.errors.items, description: 'None: an invalid draft is a 422 problem naming each error.' },
    warnings: {
      type: 'array',
      items: problemSchema.properties.errors.items,
      description: 'What a check added by a later language version finds in a definition of an earlier one: reported, never refused.',
    },
  },
} as const;

const simulationAnswer = {
  type: 'object',
  required: ['outcome', 'legalDeadline', 'clocks', 'trace', 'visited', 'status'],
  additionalProperties: false,
  properties: {
    outcome: textOrNull,
    legalDeadline: {
      type: ['object', 'null'],
      required: ['dueAt', 'dueDate', 'explanation'],
      additionalProperties: false,
      properties: {
        dueAt: { type: 'string' },
        dueDate: { type: 'string', format: 'date' },
        explanation: { type: 'array', items: { type: 'string' } },
        met: legalDeadlineSchema.properties.met,
      },
    },
    clocks: {
      type: 'array',
      description: 'The named clocks that started, where each stands when the scenario ends.',
      items: {
        type: 'object',
        required: ['id', 'label', 'status', 'dueAt', 'dueDate', 'explanation'],
        additionalProperties: false,
        properties: {
          id: { type: 'string' },
          label: { type: 'string', description: 'In English.' },
          status: { type: 'string' },
          dueAt: textOrNull,
          dueDate: { type: ['string', 'null'], format: 'date' },
          explanation: { type: 'array', items: { type: 'string' } },
        },
      },
    },
    trace: {
      type: 'array',
      description: 'What happened on the virtual clock, in order.',
      items: {
        type: 'object',
        required: ['at', 'kind', 'text'],
        additionalProperties: false,
        properties: { at: { type: 'string' }, kind: { type: 'string' }, text: { type: 'string' } },
      },
    },
    visited: { type: 'array', description: 'The steps entered, in order (a step entered twice is named twice).', items: { type: 'string' } },
    status: { type: 'string' },
  },
} as const;

const publishedAnswer = {
  type: 'object',
  required: ['status', 'id', 'version', 'hash'],
  additionalProperties: false,
  properties: { status: { type: 'string', enum: ['published', 'unchanged'] }, ...procedureRef },
} as const;

const legalBasis = {
  type: 'object',
  required: ['law', 'articles', 'note', 'confirmed'],
  additionalProperties: false,
  properties: { law: { type: 'string' }, articles: { type: 'array', items: { type: 'string' } }, note: { type: 'string' }, confirmed: { type: 'boolean' } },
} as const;

/** A procedure's page of the guide, in one language (registry/guide.ts). */
const guideEntryAnswer = {
  type: 'object',
  required: ['id', 'version', 'language', 'title', 'description', 'eligibility', 'category', 'categoryLabel', 'offices', 'channels', 'documents', 'fees', 'steps', 'legalDeadline', 'legalBasis', 'clocks'],
  additionalProperties: false,
  properties: {
    id: { type: 'string' },
    version: { type: 'integer' },
    language: { type: 'string', enum: ['ar', 'fr', 'en'] },
    title: { type: 'string' },
    description: { type: 'string' },
    eligibility: textOrNull,
    category: { type: 'string' },
    categoryLabel: { type: 'string', description: "The category's name in the language asked for." },
    offices: { type: 'array', items: { type: 'string' }, description: 'The kinds of office that take it.' },
    channels: { type: 'array', items: { type: 'string' } },
    documents: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'label', 'formats', 'maxSizeMb', 'optional', 'fetchedByAdministration'],
        additionalProperties: false,
        properties: {
          id: { type: 'string' },
          label: { type: 'string' },
          formats: { type: 'array', items: { type: 'string' } },
          maxSizeMb: { type: 'number' },
          optional: { type: 'boolean' },
          fetchedByAdministration: { type: 'boolean' },
        },
      },
    },
    fees: {
      type: 'array',
      items: {
        type: 'object',
        required: ['label', 'amountMad', 'note'],
        additionalProperties: false,
        properties: { label: { type: 'string' }, amountMad: { type: 'number' }, note: textOrNull },
      },
    },
    steps: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'kind', 'text'],
        additionalProperties: false,
        properties: { id: { type: 'string' }, kind: { type: 'string' }, text: { type: 'string' } },
      },
    },
    legalDeadline: {
      type: 'object',
      required: ['budget', 'variants', 'startsOn', 'extension', 'onExpiry', 'legalBasis'],
      additionalProperties: false,
      properties: {
        budget: { type: 'string' },
        variants: {
          type: 'array',
          items: {
            type: 'object',
            required: ['budget', 'label', 'extension'],
            additionalProperties: false,
            properties: { budget: { type: 'string' }, label: textOrNull, extension: { ...textOrNull, description: "The variant's own extension, which replaces the deadline's; null: the deadline's applies." } },
          },
        },
        startsOn: { type: 'string' },
        extension: textOrNull,
        onExpiry: { type: 'string' },
        legalBasis: { ...legalBasis, type: ['object', 'null'] },
      },
    },
    legalBasis,
    clocks: {
      type: 'array',
      description: 'The legal times besides the deadline (a summons before a session, a posting after it): each named, with its rule in words.',
      items: {
        type: 'object',
        required: ['label', 'rule', 'legalBasis'],
        additionalProperties: false,
        properties: { label: { type: 'string' }, rule: { type: 'string' }, legalBasis },
      },
    },
  },
} as const;

const _guideFits: Fits<GuideEntry, FromSchema<typeof guideEntryAnswer>> = true;
void _guideFits;

const guideAnswer = {
  type: 'object',
  required: ['language', 'procedures'],
  additionalProperties: false,
  properties: { language: guideEntryAnswer.properties.language, procedures: { type: 'array', items: guideEntryAnswer } },
} as const;

const detail = ({ pointer, message }: FieldError) => ({ pointer, message });

/**
 * A draft definition and its warnings, or a 422 naming every problem with its pointer (under `prefix`
 * in the body). `duplicates` are the keys its text gave twice, by pointer into the body.
 */
function checkedDraft(candidate: unknown, prefix = '', duplicates: SourceProblem[] = []): { definition: ProcedureDefinition; warnings: FieldError[] } {
  const own = duplicates.filter((d) => d.pointer.startsWith(`${prefix}/`)).map((d) => ({ ...d, pointer: d.pointer.slice(prefix.length) }));
  const review = reviewDefinition(candidate);
  const problems = [...duplicateKeyProblems(candidate, own), ...review.errors, ...review.warnings].map((e) => ({
    ...e,
    pointer: `${prefix}${e.pointer === '/' && prefix ? '' : e.pointer}`,
  }));
  const errors = refusals(problems).map(detail);
  if (errors.length) throw new DomainError('invalid_definition', errors.map((e) => `${e.pointer} ${e.message}`).join('; '), errors);
  return { definition: candidate as ProcedureDefinition, warnings: problems.filter((p) => p.severity === 'warning').map(detail) };
}

export function procedureRoutes(app: ApiRoutes, ctx: ApiContext): void {
  async function published(id: string, version?: number) {
    const procedure = await ctx.procedures.get(id, version);
    if (!procedure) {
      throw new DomainError('procedure_not_found', `No published procedure "${id}"${version ? ` v${version}` : ''}.`);
    }
    return procedure;
  }

  app.get(
    '/procedures',
    {
      config: { access: 'public' },
      schema: {
        summary: 'The published procedures (latest version of each)',
        tags: ['procedures'],
        operationId: 'listProcedures',
        response: answers({ 200: json('Each procedure at its latest version.', procedureListAnswer) }),
      },
    },
    async () => ({
    procedures: (await ctx.procedures.list()).map((p) => ({
      id: p.id,
      version: p.version,
      hash: p.hash,
      title: p.definition.title,
      category: p.definition.category,
    })),
  }),
  );

  app.get(
    '/procedures/:id',
    {
      config: { access: 'public' },
      schema: {
        summary: 'One procedure: the latest version, or ?version=N',
        tags: ['procedures'],
        operationId: 'getProcedure',
        params: idParams,
        querystring: versionQuery,
        response: answers({ 200: json('The procedure and its definition.', procedureAnswer) }),
      },
    },
    async (request) => {
      const p = await published(request.params.id, request.query.version);
      return { id: p.id, version: p.version, hash: p.hash, definition: p.definition };
    },
  );

  app.get(
    '/procedures/:id/versions',
    {
      config: { access: 'public' },
      schema: {
        summary: 'Every published version of a procedure',
        tags: ['procedures'],
        operationId: 'listProcedureVersions',
        params: idParams,
        response: answers({ 200: json('The versions, oldest first.', versionsAnswer) }),
      },
    },
    async (request) => {
      const versions = await ctx.procedures.versions(request.params.id);
      if (!versions.length) throw new DomainError('procedure_not_found', `No published procedure "${request.params.id}".`);
      return { id: request.params.id, versions };
    },
  );

  app.post(
    '/procedures/validate',
    {
      config: { access: ['designer', 'admin'], definitionBody: true },
      schema: {
        summary: 'Validate a draft definition without publishing it',
        tags: ['procedures'],
        operationId: 'validateProcedure',
        body: definitionBody,
        response: answers({ 200: json('The draft is valid.', validAnswer) }),
      },
    },
    async (request, reply) => {
      const { warnings } = checkedDraft(request.body, '', duplicateKeysOf(request));
      return reply.status(200).send({ valid: true, errors: [], ...(warnings.length ? { warnings } : {}) });
    },
  );

  app.post(
    '/procedures/simulate',
    {
      config: { access: ['designer', 'admin'], definitionBody: true },
      schema: {
        summary: 'Dry-run a draft definition over a scenario on a virtual clock (what `mohla simulate` does)',
        tags: ['procedures'],
        operationId: 'simulateProcedure',
        body: simulateBody,
        response: answers({ 200: json('How the scenario ends, and what happened on the way.', simulationAnswer) }),
      },
    },
    async (request) => {
      const duplicates = duplicateKeysOf(request);
      const { definition } = checkedDraft(request.body.definition, '/definition', duplicates);
      const calendar = await ctx.calendars.current();
      const problems = [
        ...duplicates.filter((d) => !d.pointer.startsWith('/definition/')),
        ...scenarioProblems(definition, request.body.scenario, calendar.zone).map((p) => ({ pointer: `/scenario${p.pointer === '/' ? '' : p.pointer}`, message: p.message })),
      ];
      if (problems.length) throw new DomainError('invalid_input', problems.map((p) => `${p.pointer} ${p.message}`).join('; '), problems);
      const result = await simulate(definition, request.body.scenario as unknown as Scenario, calendar, { language: definitionLanguage(definition) });
      return { outcome: result.outcome, legalDeadline: result.legalDeadline, clocks: result.clocks, trace: result.trace, visited: result.visited, status: result.state.status };
    },
  );

  app.post(
    '/procedures/messages/preview',
    {
      config: { access: ['designer', 'admin'], definitionBody: true },
      schema: {
        summary: "Show a draft definition's own messages in one language, with sample values, before publishing it",
        tags: ['procedures'],
        operationId: 'previewProcedureMessages',
        body: previewBody,
        response: answers({ 200: json("Each message rendered, or the checker's words on what keeps it from rendering.", previewAnswer) }),
      },
    },
    async (request) => {
      const review = reviewDefinition(request.body.definition);
      // A message the checker refuses is answered with its problems; anything else wrong is the draft's 422.
      const elsewhere = review.errors.filter((e) => !e.pointer.startsWith('/messages/')).map((e) => ({ pointer: `/definition${e.pointer === '/' ? '' : e.pointer}`, message: e.message }));
      if (elsewhere.length) throw new DomainError('invalid_definition', elsewhere.map((e) => `${e.pointer} ${e.message}`).join('; '), elsewhere);
      const { language = 'fr', audience = 'citizen' } = request.body;
      const messages = previewMessages(request.body.definition as ProcedureDefinition, [...review.errors, ...review.warnings], { language, audience, now: new Date() });
      return { language, audience, messages };
    },
  );

  app.post(
    '/procedures/documents/preview',
    {
      config: { access: ['designer', 'admin'], definitionBody: true },
      schema: {
        summary: "Print one of a draft definition's issued documents with sample values, before publishing it",
        tags: ['procedures'],
        operationId: 'previewProcedureDocument',
        body: documentPreviewBody,
        response: answers({ 200: file('The document as a PDF, with sample values and a verification code that verifies nothing.', ['application/pdf']) }),
      },
    },
    async (request, reply) => {
      const review = reviewDefinition(request.body.definition);
      const errors = review.errors.map((e) => ({ pointer: `/definition${e.pointer === '/' ? '' : e.pointer}`, message: e.message }));
      if (errors.length) throw new DomainError('invalid_definition', errors.map((e) => `${e.pointer} ${e.message}`).join('; '), errors);
      const definition = request.body.definition as ProcedureDefinition;
      const declared = Object.keys(definition.issuedDocuments ?? {});
      if (!declared.includes(request.body.document)) {
        const message = declared.length ? `names no document of the definition (it declares ${declared.join(', ')})` : 'names no document: the definition declares no issuedDocuments';
        throw new DomainError('invalid_input', `document ${message}`, [{ pointer: '/document', message }]);
      }
      let pdf: Buffer;
      try {
        pdf = await previewDocument(definition, request.body.document, { data: request.body.data, offices: ctx.offices, publicUrl: ctx.publicUrl ?? documentPublicUrl(), now: new Date() });
      } catch (err) {
        // A sample value the template refuses (a control character, a name too long): the field is named, never its value.
        if (err instanceof DocumentDataError) throw new DomainError('invalid_input', `data ${err.message}`, [{ pointer: '/data', message: err.message }]);
        throw err;
      }
      return reply
        .type('application/pdf')
        .header('content-disposition', `inline; filename="${request.body.document}-preview.pdf"`)
        .header('content-security-policy', "sandbox; default-src 'none'")
        .header('x-content-type-options', 'nosniff')
        .send(pdf);
    },
  );

  app.post(
    '/procedures',
    {
      config: { access: ['designer', 'admin'], definitionBody: true },
      schema: {
        summary: 'Publish a new procedure version (immutable once published)',
        tags: ['procedures'],
        operationId: 'publishProcedure',
        body: definitionBody,
        response: answers({
          201: json('Published (Location names the version).', publishedAnswer),
          200: json('This very content was published already: nothing changed.', publishedAnswer),
        }),
      },
    },
    async (request, reply) => {
      const { status, procedure } = await ctx.procedures.publish(request.body, principalOf(request).sub, 'api', duplicateKeyProblems(request.body, duplicateKeysOf(request)));
      return reply
        .status(status === 'published' ? 201 : 200)
        .header('location', `/procedures/${procedure.id}?version=${procedure.version}`)
        .send({ status, id: procedure.id, version: procedure.version, hash: procedure.hash });
    },
  );

  app.get(
    '/guide',
    {
      config: { access: 'public' },
      schema: {
        summary: 'The digital guide: every procedure, in ar, fr or en',
        tags: ['guide'],
        operationId: 'getGuide',
        querystring: langQuery,
        response: answers({ 200: json('Every procedure, in the language asked for (or Accept-Language, or French).', guideAnswer) }),
      },
    },
    async (request) => {
      const lang = pickLanguage(request.query.lang, request.headers['accept-language']);
      return { language: lang, procedures: (await ctx.procedures.list()).map((p) => guideEntry(p, lang)) };
    },
  );

  app.get(
    '/guide/:id',
    {
      config: { access: 'public' },
      schema: {
        summary: "One procedure's guide page",
        tags: ['guide'],
        operationId: 'getGuidePage',
        params: idParams,
        querystring: langQuery,
        response: answers({ 200: json("The procedure's page, in the language asked for.", guideEntryAnswer) }),
      },
    },
    async (request) => guideEntry(await published(request.params.id), pickLanguage(request.query.lang, request.headers['accept-language'])),
  );
}
