/**
 * The step graph: every transition names a step that exists, every step is reachable from the start and
 * can reach an end, every branch of a parallel step reaches its join and no end closes the application
 * half-way through a branch, and a step that may ask for a complement only once says where to go when it
 * is entered again.
 */
import type { Expiry, ProcedureDefinition, Step } from '../definition.generated.js';
import type { Problems } from './problems.js';

/** An edge of the step graph, with the pointer of the reference that makes it. */
interface Edge {
  to: string;
  pointer: string;
}

const has = (object: object, key: string) => Object.prototype.hasOwnProperty.call(object, key);

function expiryEdges(expiry: Expiry | undefined, pointer: string): Edge[] {
  if (expiry && (expiry.action === 'autoApprove' || expiry.action === 'autoReject')) {
    return [{ to: expiry.end, pointer: `${pointer}/end` }];
  }
  if (expiry?.action === 'goto') return [{ to: expiry.step, pointer: `${pointer}/step` }];
  return [];
}

/** Where a step can lead. A join leads where its parallel step goes on. */
export function stepEdges(definition: ProcedureDefinition, stepId: string, step: Step): Edge[] {
  const at = `/steps/${stepId}`;
  switch (step.type) {
    case 'userTask':
      return [
        ...Object.entries(step.outcomes).map(([o, t]) => ({ to: t.next, pointer: `${at}/outcomes/${o}/next` })),
        ...expiryEdges(step.serviceLevel?.onExpiry, `${at}/serviceLevel/onExpiry`),
      ];
    case 'serviceTask':
      return [
        { to: step.next, pointer: `${at}/next` },
        ...(step.onFailure ? [{ to: step.onFailure, pointer: `${at}/onFailure` }] : []),
      ];
    case 'decision':
      return [
        ...step.cases.map((c, i) => ({ to: c.next, pointer: `${at}/cases/${i}/next` })),
        { to: step.otherwise, pointer: `${at}/otherwise` },
      ];
    case 'parallel':
      return [
        ...Object.entries(step.branches).map(([b, branch]) => ({ to: branch.start, pointer: `${at}/branches/${b}/start` })),
        { to: step.next, pointer: `${at}/next` },
      ];
    case 'join': {
      const parallel = definition.steps[step.parallel];
      return parallel?.type === 'parallel' ? [{ to: parallel.next, pointer: `${at}/parallel` }] : [];
    }
    case 'requestComplement':
      return [
        { to: step.next, pointer: `${at}/next` },
        { to: step.onTimeout, pointer: `${at}/onTimeout` },
        ...(step.ifAlreadyRequested ? [{ to: step.ifAlreadyRequested, pointer: `${at}/ifAlreadyRequested` }] : []),
      ];
    case 'citizenWindow':
      return [
        { to: step.next, pointer: `${at}/next` },
        { to: step.onExpiry, pointer: `${at}/onExpiry` },
      ];
    case 'wait':
    case 'notify':
      return [{ to: step.next, pointer: `${at}/next` }];
    case 'end':
      return [];
  }
}

function reachableFrom(starts: string[], next: (id: string) => string[]): Set<string> {
  const seen = new Set<string>();
  const queue = [...starts];
  while (queue.length) {
    const id = queue.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    queue.push(...next(id));
  }
  return seen;
}

/** The steps a step leads to, among those that exist. */
function successors(definition: ProcedureDefinition): (id: string) => string[] {
  const steps = definition.steps;
  return (id) => {
    const step = steps[id];
    return step ? stepEdges(definition, id, step).map((e) => e.to).filter((to) => has(steps, to)) : [];
  };
}

/** Steps that go nowhere, in the order a designer reads them. */
export function checkTransitions(definition: ProcedureDefinition, problems: Problems): void {
  if (!has(definition.steps, definition.start)) problems.refuse('/start', `start step "${definition.start}" does not exist`);
  for (const [stepId, step] of Object.entries(definition.steps)) {
    for (const edge of stepEdges(definition, stepId, step)) {
      if (!has(definition.steps, edge.to)) problems.refuse(edge.pointer, `step "${edge.to}" does not exist`);
    }
  }
}

/**
 * What a branch can reach before it meets a join of its own parallel step (or any join, as the join rule
 * has always read it). A branch that comes back to its parallel step stops there too: what follows the
 * parallel step is not in the branch.
 */
function branchSteps(definition: ProcedureDefinition, parallelId: string, start: string, stopAtEveryJoin: boolean): Set<string> {
  const steps = definition.steps;
  const next = successors(definition);
  const stops = (id: string) => {
    const step = steps[id];
    if (!stopAtEveryJoin && id === parallelId) return true;
    return step?.type === 'join' && (stopAtEveryJoin || step.parallel === parallelId);
  };
  return reachableFrom(has(steps, start) ? [start] : [], (id) => (stops(id) ? [] : next(id)));
}

/**
 * The steps that run only inside a branch of a parallel step, each with that parallel step: reached
 * from a branch's start before its join, and never from the start outside any branch.
 */
export function branchOnlySteps(definition: ProcedureDefinition): Map<string, string> {
  const steps = definition.steps;
  const next = successors(definition);
  const outside = reachableFrom(has(steps, definition.start) ? [definition.start] : [], (id) => {
    const step = steps[id];
    return step?.type === 'parallel' ? [step.next].filter((to) => has(steps, to)) : next(id);
  });
  const found = new Map<string, string>();
  for (const [id, step] of Object.entries(steps)) {
    if (step.type !== 'parallel') continue;
    for (const branch of Object.values(step.branches)) {
      for (const member of branchSteps(definition, id, branch.start, false)) {
        if (member !== id && steps[member]?.type !== 'join' && !outside.has(member)) found.set(member, id);
      }
    }
  }
  return found;
}

/** The steps a `goto` expiry of the legal deadline or of a clock moves to: reachable as much as the start. */
function gotoTargets(definition: ProcedureDefinition): string[] {
  const expiries = [definition.deadline.onExpiry, ...Object.values(definition.clocks ?? {}).map((c) => c.onExpiry)];
  return expiries.flatMap((e) => (e.action === 'goto' ? [e.step] : []));
}

export function checkGraph(definition: ProcedureDefinition, problems: Problems): void {
  const steps = definition.steps;
  // Without a start every step would be reported unreachable: the one real error is enough.
  if (!has(steps, definition.start)) return;
  const next = successors(definition);
  const expiryTargets = [...expiryEdges(definition.deadline.onExpiry, '/deadline/onExpiry').map((e) => e.to), ...gotoTargets(definition)].filter((to) => has(steps, to));
  const reachable = reachableFrom([definition.start, ...expiryTargets], next);
  // A transition to a step that does not exist is refused on its own (checkTransitions): it was meant for
  // some step, maybe the ones it leaves unreached, and it leads somewhere, so neither is said again.
  const dangling = Object.entries(steps)
    .filter(([id, step]) => stepEdges(definition, id, step).some((e) => !has(steps, e.to)))
    .map(([id]) => id);
  const lostExpiry = [...expiryEdges(definition.deadline.onExpiry, '').map((e) => e.to), ...gotoTargets(definition)].some((to) => !has(steps, to));
  for (const id of Object.keys(steps)) {
    if (!reachable.has(id) && !dangling.length && !lostExpiry) problems.refuse(`/steps/${id}`, `step "${id}" cannot be reached from the start`);
  }
  const predecessors = new Map<string, string[]>();
  for (const id of Object.keys(steps)) for (const to of next(id)) predecessors.set(to, [...(predecessors.get(to) ?? []), id]);
  // A join that names no parallel step is refused on its own: where it leads is unknown, not nowhere.
  const lostJoins = Object.entries(steps).filter(([, s]) => s.type === 'join' && steps[s.parallel]?.type !== 'parallel').map(([id]) => id);
  const ends = [...Object.entries(steps).filter(([, s]) => s.type === 'end').map(([id]) => id), ...lostJoins, ...dangling];
  const canEnd = reachableFrom(ends, (id) => predecessors.get(id) ?? []);
  for (const id of Object.keys(steps)) {
    if (reachable.has(id) && !canEnd.has(id)) problems.refuse(`/steps/${id}`, `no end can be reached from step "${id}"`);
  }
  for (const [id, step] of Object.entries(steps)) {
    if (step.type === 'parallel') checkBranches(definition, id, step.branches, problems);
    if (step.type === 'requestComplement' && !step.onlyOnce && step.ifAlreadyRequested) {
      // Only a complement asked once goes there: any other is asked again, and this step is never taken.
      problems.refuseFromVersion2(`/steps/${id}/ifAlreadyRequested`, `step "${id}" may ask for a complement every time ("onlyOnce": false), so it never goes to "${step.ifAlreadyRequested}": set "onlyOnce": true or remove ifAlreadyRequested`);
    }
    if (step.type === 'requestComplement' && step.onlyOnce && !step.ifAlreadyRequested) {
      const again = reachableFrom(next(id), next).has(id);
      if (again) {
        problems.refuse(`/steps/${id}/ifAlreadyRequested`, `step "${id}" can be entered again but a complement may be asked only once: say where to go then`);
      }
    }
  }
}

function checkBranches(definition: ProcedureDefinition, id: string, branches: Record<string, { start: string }>, problems: Problems): void {
  const steps = definition.steps;
  for (const [branchId, branch] of Object.entries(branches)) {
    // A join naming no parallel step is refused on its own: the branch may well be meant to reach it.
    const joins = [...branchSteps(definition, id, branch.start, true)].some((s) => {
      const candidate = steps[s];
      return candidate?.type === 'join' && (candidate.parallel === id || !has(steps, candidate.parallel) || steps[candidate.parallel]?.type !== 'parallel');
    });
    if (!joins) problems.refuse(`/steps/${id}/branches/${branchId}`, `branch "${branchId}" never reaches a join of "${id}"`);
    // An end closes the whole application: the other branches' tasks would be cancelled unanswered.
    for (const s of branchSteps(definition, id, branch.start, false)) {
      if (steps[s]?.type === 'end') {
        problems.refuseFromVersion2(
          `/steps/${id}/branches/${branchId}`,
          `branch "${branchId}" can reach end "${s}" before its join: the end would close the application and cancel the other branches' tasks; lead the branch to a join of "${id}" and decide after it`,
        );
      }
    }
  }
}
