/**
 * What a simulator's scenario must be before it runs (docs/simulator.md), for `mohla simulate` and the
 * API's simulate route alike: its shape, its instants, the steps its events name, and the citizen's
 * form and each task's data as the definition's schemas describe them, as the API checks them when the
 * application is real. Every problem is named by its pointer within the scenario.
 */
import type { ValidateFunction } from 'ajv';
import { DomainError } from '../engine/errors.js';
import { checkFormSize, checkTaskDataSize } from '../engine/input-bounds.js';
import type { ProcedureDefinition, UserTaskStep } from '../engine/definition.generated.js';
import { readScenarioClock, type Scenario } from '../engine/simulator.js';
import { createAjv, fieldErrors, type FieldError } from './definition-schema.js';

const text = { type: 'string', minLength: 1, maxLength: 2000 } as const;
const ids = { type: 'array', maxItems: 50, items: { type: 'string', minLength: 1 } } as const;

/** One kind of event: its action, when it happens (checked by readScenarioClock), who does it. */
function event<A extends string, R extends readonly string[], P extends Record<string, object>>(action: A, required: R, properties: P) {
  return {
    type: 'object',
    required: ['action', ...required],
    additionalProperties: false,
    properties: { action: { const: action }, at: { type: 'string' }, after: { type: 'string' }, actor: { type: 'string', minLength: 1, maxLength: 64 }, ...properties },
  } as const;
}

const scenarioSchema = {
  type: 'object',
  required: ['filedAt', 'data'],
  additionalProperties: false,
  properties: {
    filedAt: { type: 'string' },
    data: { type: 'object' },
    officeId: { type: 'string', minLength: 1, maxLength: 64 },
    until: { type: 'string' },
    events: {
      type: 'array',
      maxItems: 500,
      items: {
        type: 'object',
        required: ['action'],
        discriminator: { propertyName: 'action' },
        oneOf: [
          event('claim', ['step'], { step: text }),
          event('complete', ['step', 'outcome'], { step: text, outcome: text, data: { type: 'object' } }),
          event('reassign', ['step'], { step: text, toRole: text, toAgent: text }),
          event('requestComplement', ['step', 'documents'], { step: text, documents: ids, note: text }),
          event('provideComplement', ['documents'], { documents: ids }),
          event('extend', ['units', 'reason'], { units: { type: 'integer', minimum: 1 }, reason: text }),
          event('withdraw', [], { reason: text }),
        ],
      },
    },
  },
} as const;

const ajv = createAjv();
let shape: ValidateFunction | undefined;

/** A size refusal of engine/input-bounds.ts as the problems it names. */
function sizeProblems(check: () => void, prefix: string): FieldError[] {
  try {
    check();
    return [];
  } catch (err) {
    if (!(err instanceof DomainError)) throw err;
    return err.details.map((d) => ({ pointer: `${prefix}${d.pointer ?? ''}`, message: d.message }));
  }
}

/** Checks data against a draft's form; the form is let go afterwards, so that drafts do not pile up in ajv. */
function dataProblems(schema: object, data: unknown, pointer: string): FieldError[] {
  const validate = ajv.compile(schema);
  try {
    return validate(data) ? [] : fieldErrors(validate.errors, pointer);
  } finally {
    ajv.removeSchema(schema);
  }
}

/** What stops the scenario from running on the definition, every problem at once; empty when it can run. */
export function scenarioProblems(definition: ProcedureDefinition, candidate: unknown, zone: string): FieldError[] {
  shape ??= ajv.compile(scenarioSchema);
  const problems = shape(candidate) ? [] : fieldErrors(shape.errors);
  const scenario = candidate as Partial<Scenario>;
  const events = scenario?.events ?? [];
  // Without an object, or with events that are no list, nothing else can be read.
  if (scenario === null || typeof scenario !== 'object' || Array.isArray(scenario) || !Array.isArray(events)) return problems;
  const misshapen = (pointer: string) => problems.some((p) => p.pointer === pointer || p.pointer.startsWith(`${pointer}/`));
  const found = [...problems, ...readScenarioClock({ ...scenario, events } as Scenario, zone).problems];
  if (!misshapen('/data')) {
    const tooLarge = sizeProblems(() => checkFormSize(definition, scenario.data, '/data'), '');
    found.push(...(tooLarge.length ? tooLarge : dataProblems(definition.form, scenario.data, '/data')));
  }
  events.forEach((event, index) => {
    const at = `/events/${index}`;
    if (misshapen(at) || !('step' in event)) return;
    const step = Object.prototype.hasOwnProperty.call(definition.steps, event.step) ? definition.steps[event.step] : undefined;
    if (step?.type !== 'userTask') {
      found.push({ pointer: `${at}/step`, message: `${JSON.stringify(event.step)} is not a user task step of ${definition.id}` });
      return;
    }
    if (event.action !== 'complete') return;
    const tooLarge = sizeProblems(() => checkTaskDataSize(definition, event.data, '/data'), at);
    found.push(...tooLarge);
    // As the API does when a task is completed: the form's rules apply to what is sent, or to nothing.
    const form = (step as UserTaskStep).form;
    if (form && !tooLarge.length) found.push(...dataProblems(form, event.data ?? {}, `${at}/data`));
  });
  // The shape's reason is enough where a later check finds the same place wanting.
  const shaped = new Set(problems.map((p) => p.pointer));
  return [...problems, ...found.slice(problems.length).filter((p) => !shaped.has(p.pointer))];
}
