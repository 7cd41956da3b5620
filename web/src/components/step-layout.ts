/**
 * The step graph laid out for drawing: layers from the start with as few crossings as the layout can
 * find (ELK's layered algorithm, run in the page without a worker), each arrow labelled with what takes
 * it (an outcome, a branch, an expiry). A parallel step fans out into its branches and their join
 * gathers them; the parallel step's own `next` is drawn from its join, where the application goes on.
 */
import type { ElkExtendedEdge, ElkNode } from 'elkjs/lib/elk-api.js';
import { stepEdges } from '../../../engine/checks/graph.js';
import type { Budget, ProcedureDefinition, Step } from '../../../engine/definition.generated.js';
import { t, type MessageKey } from '../i18n.js';
import { budgetText, clocksStartingAt } from './Clocks.js';

const STEP_WIDTH = 184;
const STEP_HEIGHT = 54;
const LINE_HEIGHT = 15;
const CHAR_WIDTH = 6.6;

export interface DiagramEdge {
  from: string;
  to: string;
  /** What takes this arrow; empty when a step has only one way on. */
  label: string;
}

export interface PlacedStep {
  id: string;
  step: Step;
  x: number;
  y: number;
  width: number;
  height: number;
  /** The deadlines, service levels and clocks counted from this step, one line each. */
  times: string[];
}

export interface PlacedEdge extends DiagramEdge {
  points: Array<{ x: number; y: number }>;
  labelAt?: { x: number; y: number; width: number };
}

export interface StepLayout {
  steps: PlacedStep[];
  edges: PlacedEdge[];
  width: number;
  height: number;
}

const FIXED_LABELS: Array<[RegExp, MessageKey | '']> = [
  [/\/serviceLevel\/onExpiry\//, 'edgeExpired'],
  [/\/onFailure$/, 'edgeFailure'],
  [/\/otherwise$/, 'edgeOtherwise'],
  [/\/onTimeout$/, 'edgeTimeout'],
  [/\/ifAlreadyRequested$/, 'edgeAlreadyAsked'],
  [/\/onExpiry$/, 'edgeExpired'],
  [/\/parallel$/, 'edgeJoined'],
];

function edgeLabel(step: Step, pointer: string): string {
  const outcome = /\/outcomes\/([^/]+)\/next$/.exec(pointer)?.[1];
  if (outcome) return outcome;
  const branch = /\/branches\/([^/]+)\/start$/.exec(pointer)?.[1];
  if (branch) return branch;
  const decisionCase = /\/cases\/(\d+)\/next$/.exec(pointer)?.[1];
  if (decisionCase !== undefined) return `${t('edgeCase')} ${Number(decisionCase) + 1}`;
  const fixed = FIXED_LABELS.find(([pattern]) => pattern.test(pointer))?.[1];
  if (fixed) return t(fixed);
  // A step with two ways on names the ordinary one too.
  if (step.type === 'requestComplement') return t('edgeAnswered');
  if (step.type === 'citizenWindow') return t('edgeActed');
  return '';
}

/** Every arrow of the diagram, with its label. */
export function diagramEdges(definition: ProcedureDefinition): DiagramEdge[] {
  return Object.entries(definition.steps).flatMap(([id, step]) =>
    stepEdges(definition, id, step)
      .filter((e) => definition.steps[e.to] && !(step.type === 'parallel' && e.pointer.endsWith('/next')))
      .map((e) => ({ from: id, to: e.to, label: edgeLabel(step, e.pointer) })),
  );
}

/** What is counted on a step: its service level or waiting time, the legal deadline at the start, the clocks it starts. */
export function stepTimes(definition: ProcedureDefinition, id: string, step: Step): string[] {
  const times: string[] = [];
  const budget = (key: MessageKey, b: Budget | undefined) => b && times.push(`${t(key)} ${budgetText(b)}`);
  if (step.type === 'userTask') budget('timeServiceLevel', step.serviceLevel?.budget);
  if (step.type === 'wait') budget('timeWait', step.for);
  if (step.type === 'citizenWindow') budget('timeWindow', step.within);
  if (step.type === 'requestComplement') budget('timeAnswer', step.answerWithin);
  if (id === definition.start) times.push(`${t('timeLegal')} ${budgetText(definition.deadline.budget)}`);
  return [...times, ...clocksStartingAt(definition, id).map((c) => `⏱ ${c}`)];
}

/** The ELK graph of a definition: one box per step, sized for its lines, one labelled edge per arrow. */
function elkGraph(definition: ProcedureDefinition, times: Map<string, string[]>): ElkNode {
  const edges: ElkExtendedEdge[] = diagramEdges(definition).map((e, i) => ({
    id: `e${i}`,
    sources: [e.from],
    targets: [e.to],
    ...(e.label ? { labels: [{ text: e.label, width: e.label.length * CHAR_WIDTH + 8, height: LINE_HEIGHT }] } : {}),
  }));
  return {
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'DOWN',
      'elk.layered.crossingMinimization.strategy': 'LAYER_SWEEP',
      'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
      'elk.edgeRouting': 'POLYLINE',
      'elk.edgeLabels.placement': 'CENTER',
      'elk.spacing.nodeNode': '28',
      'elk.layered.spacing.nodeNodeBetweenLayers': '40',
      'elk.spacing.edgeLabel': '4',
      'elk.padding': '[top=12,left=12,bottom=12,right=12]',
    },
    children: Object.keys(definition.steps).map((id) => ({ id, width: STEP_WIDTH, height: STEP_HEIGHT + (times.get(id)?.length ?? 0) * LINE_HEIGHT })),
    edges,
  };
}

/** Reads ELK's answer back into the steps and arrows the diagram draws. */
function placed(definition: ProcedureDefinition, graph: ElkNode, times: Map<string, string[]>): StepLayout {
  const labels = diagramEdges(definition);
  const steps = (graph.children ?? []).map((n) => ({ id: n.id, step: definition.steps[n.id]!, x: n.x ?? 0, y: n.y ?? 0, width: n.width ?? STEP_WIDTH, height: n.height ?? STEP_HEIGHT, times: times.get(n.id) ?? [] }));
  const edges = ((graph.edges ?? []) as ElkExtendedEdge[]).map((e, i) => {
    const section = e.sections?.[0];
    const points = section ? [section.startPoint, ...(section.bendPoints ?? []), section.endPoint] : [];
    const label = e.labels?.[0];
    return { ...labels[i]!, points, ...(label ? { labelAt: { x: label.x ?? 0, y: label.y ?? 0, width: label.width ?? 0 } } : {}) };
  });
  return { steps, edges, width: graph.width ?? 0, height: graph.height ?? 0 };
}

/** Lays a definition out with ELK, fetched on first use as its own chunk (it is large, and only the playground draws). */
export async function layoutSteps(definition: ProcedureDefinition, times: Map<string, string[]>): Promise<StepLayout> {
  const { default: ELK } = await import('elkjs/lib/elk.bundled.js');
  const graph = await new ELK().layout(elkGraph(definition, times));
  return placed(definition, graph, times);
}
