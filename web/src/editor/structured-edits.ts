/**
 * The common changes to a definition made without writing JSON: each rewrites only the text it
 * concerns (jsonc-parser's `modify` and `applyEdits`), so the rest of the file keeps its layout, its
 * compact one-line objects and its key order, and a review's diff shows the change and nothing else.
 * The text stays the source of truth: the playground re-reads it after every edit.
 */
import { applyEdits, findNodeAtLocation, modify, parseTree, type Edit, type FormattingOptions, type JSONPath, type Node } from 'jsonc-parser';
import { stepEdges } from '../../../engine/checks/graph.js';
import type { Budget, ProcedureDefinition, Step } from '../../../engine/definition.generated.js';

type Language = 'ar' | 'fr' | 'en';

/** The file's own indentation, so that what an edit adds looks like what is around it. */
function formatting(text: string): FormattingOptions {
  const indent = /\n([ \t]+)"/.exec(text)?.[1] ?? '  ';
  return { insertSpaces: !indent.startsWith('\t'), tabSize: indent.startsWith('\t') ? 1 : indent.length, eol: text.includes('\r\n') ? '\r\n' : '\n' };
}

/** A value as the shipped files write small objects: on one line, with spaces inside the braces. */
function oneLine(value: unknown): string {
  if (Array.isArray(value)) return value.length ? `[${value.map(oneLine).join(', ')}]` : '[]';
  if (value && typeof value === 'object') {
    const entries = Object.entries(value);
    return entries.length ? `{ ${entries.map(([k, v]) => `${JSON.stringify(k)}: ${oneLine(v)}`).join(', ')} }` : '{}';
  }
  return JSON.stringify(value);
}

function lineIndent(text: string, offset: number): string {
  const start = text.lastIndexOf('\n', offset - 1) + 1;
  return /^[ \t]*/.exec(text.slice(start))![0];
}

/**
 * A new property written after the object's last one, in its layout: on the same line for an object
 * written on one line, else on a line of its own at the siblings' indentation. (jsonc-parser's `modify`
 * would lay the previous sibling out again as well.)
 */
function insertProperty(text: string, object: Node, key: string, value: unknown): string {
  const last = object.children?.at(-1);
  if (!last) return applyEdits(text, [{ offset: object.offset + 1, length: object.length - 2, content: oneLine({ [key]: value }).slice(1, -1) }]);
  const end = last.offset + last.length;
  if (!text.slice(object.offset, end).includes('\n')) return applyEdits(text, [{ offset: end, length: 0, content: `, ${JSON.stringify(key)}: ${oneLine(value)}` }]);
  const options = formatting(text);
  const indent = lineIndent(text, last.offset);
  const unit = options.insertSpaces ? ' '.repeat(options.tabSize ?? 2) : '\t';
  const body = JSON.stringify(value, null, unit).split('\n').join(`${options.eol}${indent}`);
  return applyEdits(text, [{ offset: end, length: 0, content: `,${options.eol}${indent}${JSON.stringify(key)}: ${body}` }]);
}

/** Sets (or, with `undefined`, removes) the value at `path`, creating what is missing on the way, touching nothing else. */
function set(text: string, path: JSONPath, value: unknown): string {
  const root = parseTree(text)!;
  const existing = findNodeAtLocation(root, path);
  if (value === undefined) return existing ? applyEdits(text, modify(text, path, undefined, { formattingOptions: formatting(text) })) : text;
  if (existing) {
    // An object or array the file wrote on one line stays on one line.
    const spansLines = text.slice(existing.offset, existing.offset + existing.length).includes('\n');
    const content = typeof value === 'object' && value !== null && spansLines ? null : oneLine(value);
    if (content !== null) return applyEdits(text, [{ offset: existing.offset, length: existing.length, content }]);
    return applyEdits(text, modify(text, path, value, { formattingOptions: formatting(text) }));
  }
  // The deepest object that exists gets the missing part as one new property.
  let depth = path.length - 1;
  while (depth > 0 && !findNodeAtLocation(root, path.slice(0, depth))) depth--;
  const parent = depth === 0 ? root : findNodeAtLocation(root, path.slice(0, depth))!;
  if (parent.type !== 'object') throw new Error(`${path.slice(0, depth).join('/')} is not an object`);
  const nested = path.slice(depth + 1).reduceRight<unknown>((inner, segment) => ({ [segment]: inner }), value);
  return insertProperty(text, parent, String(path[depth]), nested);
}

function definitionOf(text: string): ProcedureDefinition {
  return JSON.parse(text) as ProcedureDefinition;
}

function requireStep(definition: ProcedureDefinition, id: string): Step {
  const step = definition.steps[id];
  if (!step) throw new Error(`no step "${id}"`);
  return step;
}

/** Adds a step (an end step unless told otherwise) after the last one. */
export function addStep(text: string, id: string, step: Step = { type: 'end', outcome: 'approved' } as Step): string {
  if (definitionOf(text).steps[id]) throw new Error(`a step "${id}" already exists`);
  return set(text, ['steps', id], step);
}

/** Removes a step; what still leads to it is left for the checker to name, so that nothing is rewired silently. */
export function removeStep(text: string, id: string): string {
  requireStep(definitionOf(text), id);
  return set(text, ['steps', id], undefined);
}

/** The pointers whose value is a step's id, by which `id` is named anywhere in the definition. */
function referencesTo(definition: ProcedureDefinition, id: string): JSONPath[] {
  const pointers = Object.entries(definition.steps).flatMap(([from, step]) => stepEdges(definition, from, step).map((e) => e.pointer));
  // A join's edge is made by its `parallel` field but leads where the parallel step goes on: follow the field.
  const named = pointers.filter((p) => valueAt(definition, p) === id);
  if (definition.start === id) named.push('/start');
  for (const [clockId, clock] of Object.entries(definition.clocks ?? {})) if ((clock as { step?: string }).step === id) named.push(`/clocks/${clockId}/step`);
  if ((definition.deadline as { step?: string }).step === id) named.push('/deadline/step');
  return [...new Set(named)].map((p) => p.slice(1).split('/').map((s) => (/^\d+$/.test(s) ? Number(s) : s.replace(/~1/g, '/').replace(/~0/g, '~'))));
}

function valueAt(value: unknown, pointer: string): unknown {
  let at = value;
  for (const segment of pointer.slice(1).split('/')) at = at && typeof at === 'object' ? (at as Record<string, unknown>)[segment.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined;
  return at;
}

/** Renames a step: its key where it stands, and every place that names it (transitions, branches, joins, the start, clocks). */
export function renameStep(text: string, from: string, to: string): string {
  const definition = definitionOf(text);
  requireStep(definition, from);
  if (definition.steps[to]) throw new Error(`a step "${to}" already exists`);
  const root = parseTree(text)!;
  const edits: Edit[] = referencesTo(definition, from).map((path) => {
    const node = findNodeAtLocation(root, path)!;
    return { offset: node.offset, length: node.length, content: JSON.stringify(to) };
  });
  const key = findNodeAtLocation(root, ['steps', from])!.parent!.children![0]!;
  edits.push({ offset: key.offset, length: key.length, content: JSON.stringify(to) });
  // Expressions read a parallel step's branches as `branches.<step>.<branch>…`.
  if (definition.steps[from]!.type === 'parallel') edits.push(...branchVariables(root, from, to));
  return applyEdits(text, edits);
}

function branchVariables(root: Node, from: string, to: string): Edit[] {
  const edits: Edit[] = [];
  const prefix = `branches.${from}`;
  const visit = (node: Node) => {
    if (node.type === 'property' && node.children?.[0]?.value === 'var') {
      const value = node.children[1];
      if (value?.type === 'string' && typeof value.value === 'string' && (value.value === prefix || value.value.startsWith(`${prefix}.`))) {
        edits.push({ offset: value.offset, length: value.length, content: JSON.stringify(`branches.${to}${value.value.slice(prefix.length)}`) });
      }
    }
    node.children?.forEach(visit);
  };
  visit(root);
  return edits;
}

/** Sends a task's outcome to a step (a new outcome is added). */
export function connectOutcome(text: string, stepId: string, outcome: string, target: string): string {
  const definition = definitionOf(text);
  const step = requireStep(definition, stepId);
  if (step.type !== 'userTask') throw new Error(`step "${stepId}" is a ${step.type}, which has no outcomes`);
  requireStep(definition, target);
  return step.outcomes[outcome] ? set(text, ['steps', stepId, 'outcomes', outcome, 'next'], target) : set(text, ['steps', stepId, 'outcomes', outcome], { next: target });
}

/** Sets the budget of a task's service level, or of the legal deadline when no step is named. */
export function setDeadline(text: string, stepId: string | undefined, budget: Budget): string {
  if (stepId === undefined) return set(text, ['deadline', 'budget'], budget);
  const step = requireStep(definitionOf(text), stepId);
  if (step.type !== 'userTask') throw new Error(`step "${stepId}" is a ${step.type}; only a task has a service level`);
  return set(text, ['steps', stepId, 'serviceLevel', 'budget'], budget);
}

/** Sets a form field's label in one language. */
export function setFieldLabel(text: string, field: string, language: Language, label: string): string {
  const form = definitionOf(text).form as { properties?: Record<string, unknown> };
  if (!form.properties?.[field]) throw new Error(`the form has no field "${field}"`);
  return set(text, ['form', 'properties', field, 'label', language], label);
}
