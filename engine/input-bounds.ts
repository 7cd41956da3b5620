/**
 * How large what people send into an application may be. Everything a filing or an action carries
 * enters the application's Temporal history (the start, the update's request) and its state (which
 * every update answers with), and Temporal refuses a payload over 2 MiB and a workflow-task completion
 * over 4 MiB. A refusal there comes after the projection, a local activity, has already run inside that
 * workflow task; so sizes are checked before: by the API, with an answer naming the field, and again by
 * the workflow's update validators, which run before anything is projected.
 *
 * Pure: the workflow's validators use it.
 */
import type { ApplicationEvent } from './interpreter/events.js';
import type { ApplicationState } from './interpreter/state.js';
import type { ProcedureDefinition } from './definition.generated.js';
import { DomainError } from './errors.js';
import { pointerSegment } from './form-schema.js';

const DEFAULT_FORM_BYTES = 65_536;
const DEFAULT_TASK_DATA_BYTES = 16_384;
/** An action without its task data: ids, reasons and notes (2,000 characters each), document lists. */
const ACTION_BYTES = 16_384;
/** The state an action may leave behind: half of Temporal's payload limit, for the update's answer. */
const APPLICATION_STATE_BYTES = 1_048_576;

/** Bytes of the value as the Temporal client sends it (JSON in UTF-8), without an encoder (workflow sandbox). */
function jsonBytes(value: unknown): number {
  const text = JSON.stringify(value) ?? '';
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit < 0xdc00 && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

/** Deeper than any form, task data or procedure definition goes; far enough from a stack overflow. */
export const MAX_JSON_DEPTH = 64;

/**
 * A procedure definition, as JSON in UTF-8. Every application's start carries its definition into the
 * Temporal history beside the citizen's form (at most 256 KiB), under Temporal's 2 MiB payload limit;
 * the largest shipped definition is under 30 KiB.
 */
const MAX_DEFINITION_BYTES = 524_288;

interface BoundProblem {
  pointer: string;
  message: string;
}

/**
 * The pointer of the first value nested deeper than `maxDepth` levels of objects and arrays. Iterative:
 * what it guards against would overflow the stack of a recursive walk.
 */
function firstTooDeep(value: unknown, maxDepth: number): string | undefined {
  const pending: Array<{ value: unknown; pointer: string; depth: number }> = [{ value, pointer: '', depth: 0 }];
  while (pending.length) {
    const { value: current, pointer, depth } = pending.pop()!;
    if (current === null || typeof current !== 'object') continue;
    if (depth >= maxDepth) return pointer || '/';
    const entries = Array.isArray(current) ? current.map((v, i) => [String(i), v] as const) : Object.entries(current);
    for (let i = entries.length - 1; i >= 0; i--) {
      const [key, child] = entries[i]!;
      pending.push({ value: child, pointer: `${pointer}/${pointerSegment(key)}`, depth: depth + 1 });
    }
  }
  return undefined;
}

/**
 * A definition the checker can read without running out of stack or memory: checked before the schema,
 * whose validator, like the form compiler, recurses into what it checks.
 */
export function definitionBoundsProblem(definition: unknown): BoundProblem | undefined {
  const deep = firstTooDeep(definition, MAX_JSON_DEPTH);
  if (deep !== undefined) return { pointer: deep, message: `is nested more than ${MAX_JSON_DEPTH} levels deep` };
  const bytes = jsonBytes(definition);
  if (bytes > MAX_DEFINITION_BYTES) return { pointer: '/', message: `is ${bytes} bytes of JSON; a definition may hold at most ${MAX_DEFINITION_BYTES}` };
  return undefined;
}

export interface InputBounds {
  formBytes: number;
  taskDataBytes: number;
}

function inputBounds(definition: Pick<ProcedureDefinition, 'limits'>): InputBounds {
  return {
    formBytes: definition.limits?.formBytes ?? DEFAULT_FORM_BYTES,
    taskDataBytes: definition.limits?.taskDataBytes ?? DEFAULT_TASK_DATA_BYTES,
  };
}

function tooLarge(pointer: string, what: string, bytes: number, limit: number): DomainError {
  return new DomainError('input_too_large', `${what} is ${bytes} bytes of JSON; at most ${limit} are allowed.`, [
    { pointer, message: `is larger than ${limit} bytes` },
  ]);
}

/** A citizen's form, as filed. */
export function checkFormSize(definition: Pick<ProcedureDefinition, 'limits'>, data: unknown, pointer = '/data'): void {
  const limit = inputBounds(definition).formBytes;
  const bytes = jsonBytes(data);
  if (bytes > limit) throw tooLarge(pointer, 'The form', bytes, limit);
}

/** An agent's task data. */
export function checkTaskDataSize(definition: Pick<ProcedureDefinition, 'limits'>, data: unknown, pointer = '/data'): void {
  if (data === undefined) return;
  const limit = inputBounds(definition).taskDataBytes;
  const bytes = jsonBytes(data);
  if (bytes > limit) throw tooLarge(pointer, "The task's data", bytes, limit);
}

/**
 * An action on an application: its task data, the rest of the request, and the state it would leave.
 * For the update validators, not for the transition itself: histories recorded before these bounds
 * must replay as they ran.
 */
export function checkActionSize(definition: Pick<ProcedureDefinition, 'limits'>, state: ApplicationState, event: ApplicationEvent): void {
  const data = event.type === 'taskCompleted' ? event.data : undefined;
  checkTaskDataSize(definition, data);
  const rest = jsonBytes({ ...event, data: undefined });
  if (rest > ACTION_BYTES) throw tooLarge('/', 'The request', rest, ACTION_BYTES);
  const after = jsonBytes(state) + (data === undefined ? 0 : jsonBytes(data)) + rest;
  if (after > APPLICATION_STATE_BYTES) {
    throw new DomainError('input_too_large', `The application would hold ${after} bytes; at most ${APPLICATION_STATE_BYTES} are allowed.`, [
      { pointer: data === undefined ? '/' : '/data', message: 'would make the application larger than allowed' },
    ]);
  }
}
