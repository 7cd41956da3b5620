/**
 * Moving running applications to a corrected version (docs/moving-applications.md): designers and
 * administrators write a plan and try it on the open applications; administrators apply it, in batches.
 */
import { DomainError } from '../../engine/errors.js';
import { checkMigrationPlan, migrationPlanSchema } from '../../engine/migration/plan.js';
import { findPlan, listPlans, migrationResults, remainingToMove, savePlan, type StoredPlan } from '../../db/migration-plans.js';
import { applyBatch, dryRun, planId, planVersions } from '../application-migration.js';
import { principalOf } from '../auth.js';
import type { ApiContext } from '../context.js';
import { instant } from '../answers.js';
import { answers, json, type ApiRoutes } from '../responses.js';

const procedureParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', pattern: '^[a-z][a-z0-9-]{1,62}$' } },
} as const;

const planParams = {
  type: 'object',
  required: ['id', 'planId'],
  properties: { ...procedureParams.properties, planId: { type: 'string', pattern: '^mp-[0-9a-f]{16}$', description: "The plan's id, as its creation answered it." } },
} as const;

const version = { type: 'integer', minimum: 1, maximum: 100_000 } as const;

const planBody = {
  type: 'object',
  required: ['fromVersion', 'toVersion'],
  additionalProperties: false,
  properties: { fromVersion: version, toVersion: version, plan: migrationPlanSchema },
} as const;

const stepIssue = {
  type: 'object',
  required: ['pointer', 'message'],
  additionalProperties: false,
  properties: { pointer: { type: 'string' }, message: { type: 'string' } },
} as const;

const planAnswer = {
  type: 'object',
  required: ['id', 'procedureId', 'fromVersion', 'toVersion', 'plan', 'stays', 'createdBy', 'createdAt'],
  additionalProperties: false,
  properties: {
    id: { type: 'string' },
    procedureId: { type: 'string' },
    fromVersion: { type: 'integer' },
    toVersion: { type: 'integer' },
    plan: migrationPlanSchema,
    stays: { type: 'array', items: stepIssue, description: 'The old steps the plan cannot move an application from, and why: applications found there stay on the old version.' },
    createdBy: { type: 'string' },
    createdAt: instant,
  },
} as const;

const reasons = { type: 'array', items: { type: 'string' } } as const;
const steps = { type: 'object', additionalProperties: { type: 'string' }, description: 'Where the application is, old step to new.' } as const;

const dryRunAnswer = {
  type: 'object',
  required: ['plan', 'movable', 'unmovable'],
  additionalProperties: false,
  properties: {
    plan: { type: 'string' },
    movable: { type: 'array', items: { type: 'object', required: ['trackingNumber', 'officeId', 'steps'], additionalProperties: false, properties: { trackingNumber: { type: 'string' }, officeId: { type: 'string' }, steps } } },
    unmovable: { type: 'array', items: { type: 'object', required: ['trackingNumber', 'officeId', 'reasons'], additionalProperties: false, properties: { trackingNumber: { type: 'string' }, officeId: { type: 'string' }, reasons } } },
  },
} as const;

const result = { type: 'string', enum: ['moved', 'refused', 'failed'], description: 'moved: it runs on the new version; refused: it stays on the old one, for the reasons given; failed: nothing changed, the next batch tries again.' } as const;

const batchAnswer = {
  type: 'object',
  required: ['plan', 'results', 'remaining'],
  additionalProperties: false,
  properties: {
    plan: { type: 'string' },
    results: {
      type: 'array',
      items: { type: 'object', required: ['trackingNumber', 'officeId', 'result', 'reasons'], additionalProperties: false, properties: { trackingNumber: { type: 'string' }, officeId: { type: 'string' }, result, reasons, steps } },
    },
    remaining: { type: 'integer', description: 'Open applications still on the old version that no batch of this plan has looked at yet.' },
  },
} as const;

const planStatusAnswer = {
  type: 'object',
  required: ['plan', 'results', 'remaining'],
  additionalProperties: false,
  properties: {
    plan: planAnswer,
    results: {
      type: 'array',
      items: { type: 'object', required: ['trackingNumber', 'result', 'reasons', 'actor', 'at'], additionalProperties: false, properties: { trackingNumber: { type: 'string' }, result, reasons, actor: { type: 'string' }, at: instant } },
    },
    remaining: batchAnswer.properties.remaining,
  },
} as const;

const dryRunQuery = {
  type: 'object',
  additionalProperties: false,
  properties: { limit: { type: 'integer', minimum: 1, maximum: 1000, default: 500 } },
} as const;

const applyBody = {
  type: 'object',
  additionalProperties: false,
  properties: {
    batchSize: { type: 'integer', minimum: 1, maximum: 200, default: 50, description: 'How many applications this batch looks at.' },
    retryRefused: { type: 'boolean', default: false, description: 'Look again at applications this plan refused before (their obstacle may be gone).' },
  },
} as const;

async function knownPlan(ctx: ApiContext, procedureId: string, id: string): Promise<StoredPlan> {
  const plan = await findPlan(ctx.orm, procedureId, id);
  if (!plan) throw new DomainError('migration_plan_not_found', `Procedure "${procedureId}" has no migration plan ${id}.`, [{ pointer: 'params:/planId', message: 'is not a plan of this procedure' }]);
  return plan;
}

/** The plan as answered: its content and the steps no application can move from. */
async function planView(ctx: ApiContext, plan: StoredPlan) {
  const { from, to } = await planVersions(ctx, plan);
  const { stays } = checkMigrationPlan(from.definition, to.definition, plan.plan);
  return { ...plan, createdAt: plan.createdAt.toISOString(), stays };
}

export function migrationRoutes(app: ApiRoutes, ctx: ApiContext): void {
  app.post(
    '/procedures/:id/migrations',
    {
      config: { access: ['designer', 'admin'] },
      schema: {
        summary: 'Write a plan that moves running applications from one version to a later one',
        description:
          "Steps map by id unless `plan.steps` says otherwise; deadlines are kept unless `plan.deadlines` says `recompute`. A plan that maps a step to none, or to a step of another kind, is refused with the field. The same plan posted again answers the one stored (200).",
        tags: ['procedures'],
        operationId: 'createMigrationPlan',
        params: procedureParams,
        body: planBody,
        response: answers({ 201: json('The plan, stored.', planAnswer), 200: json('The same plan, stored before.', planAnswer) }),
      },
    },
    async (request, reply) => {
      const { fromVersion, toVersion, plan = {} } = request.body;
      const procedureId = request.params.id;
      const { from, to } = await planVersions(ctx, { procedureId, fromVersion, toVersion });
      const { errors } = checkMigrationPlan(from.definition, to.definition, plan);
      if (errors.length) throw new DomainError('invalid_input', errors.map((e) => `${e.pointer} ${e.message}`).join('; '), errors);
      const stored = await savePlan(ctx.orm, { id: planId(procedureId, fromVersion, toVersion, plan), procedureId, fromVersion, toVersion, plan, createdBy: principalOf(request).sub, createdAt: new Date() });
      return reply.status(stored.created ? 201 : 200).send(await planView(ctx, stored.plan));
    },
  );

  app.get(
    '/procedures/:id/migrations',
    {
      config: { access: ['designer', 'admin'] },
      schema: {
        summary: "The procedure's migration plans, oldest first",
        tags: ['procedures'],
        operationId: 'listMigrationPlans',
        params: procedureParams,
        response: answers({ 200: json('The plans.', { type: 'object', required: ['plans'], additionalProperties: false, properties: { plans: { type: 'array', items: planAnswer } } }) }),
      },
    },
    async (request) => ({ plans: await Promise.all((await listPlans(ctx.orm, request.params.id)).map((plan) => planView(ctx, plan))) }),
  );

  app.get(
    '/procedures/:id/migrations/:planId',
    {
      config: { access: ['designer', 'admin'] },
      schema: {
        summary: 'A migration plan, what its batches did to each application, and how many are left',
        tags: ['procedures'],
        operationId: 'getMigrationPlan',
        params: planParams,
        response: answers({ 200: json('The plan and its results.', planStatusAnswer) }),
      },
    },
    async (request) => {
      const plan = await knownPlan(ctx, request.params.id, request.params.planId);
      const results = await migrationResults(ctx.orm, plan.id);
      return { plan: await planView(ctx, plan), results: results.map((r) => ({ ...r, at: r.at.toISOString() })), remaining: await remainingToMove(ctx.orm, plan) };
    },
  );

  app.get(
    '/procedures/:id/migrations/:planId/dry-run',
    {
      config: { access: ['designer', 'admin'] },
      schema: {
        summary: 'Try the plan on the open applications without moving any: which would move, which cannot and why',
        tags: ['procedures'],
        operationId: 'dryRunMigrationPlan',
        params: planParams,
        querystring: dryRunQuery,
        response: answers({ 200: json('Each open application still on the old version, oldest first.', dryRunAnswer) }),
      },
    },
    async (request) => {
      const plan = await knownPlan(ctx, request.params.id, request.params.planId);
      const assessed = await dryRun(ctx, plan, request.query.limit ?? 500);
      return {
        plan: plan.id,
        movable: assessed.flatMap((a) => (a.verdict.movable ? [{ trackingNumber: a.trackingNumber, officeId: a.officeId, steps: a.verdict.steps }] : [])),
        unmovable: assessed.flatMap((a) => (a.verdict.movable ? [] : [{ trackingNumber: a.trackingNumber, officeId: a.officeId, reasons: a.verdict.reasons }])),
      };
    },
  );

  app.post(
    '/procedures/:id/migrations/:planId/apply',
    {
      config: { access: ['admin'] },
      schema: {
        summary: 'Apply the plan to the next batch of open applications',
        description:
          'Each application is moved by its own workflow, which checks the move again; one that cannot move stays on its version and is reported with the reasons. A retried batch moves nothing twice.',
        tags: ['procedures'],
        operationId: 'applyMigrationPlan',
        params: planParams,
        body: applyBody,
        response: answers({ 200: json("Each application's result, and how many are left.", batchAnswer) }),
      },
    },
    async (request) => {
      const plan = await knownPlan(ctx, request.params.id, request.params.planId);
      const { batchSize = 50, retryRefused = false } = request.body ?? {};
      const results = await applyBatch(ctx, plan, principalOf(request).sub, { size: batchSize, refusedToo: retryRefused });
      return { plan: plan.id, results, remaining: await remainingToMove(ctx.orm, plan) };
    },
  );
}
