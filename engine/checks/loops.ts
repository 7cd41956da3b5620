/**
 * Loops that never wait. When an event moves an application, the interpreter goes from step to step until
 * every path waits for someone: a person (a task), a timer (a wait step) or the citizen (a complement
 * request). A loop of steps that all go on at once would never stop, so it is refused.
 *
 * A service task does not count as waiting: it calls another system and goes on as soon as that answers,
 * with nobody in between, so a loop that polls a service needs a wait step. A complement request that may
 * be made only once waits the first time, but a second visit goes straight on to `ifAlreadyRequested`.
 * A parallel step waits when it cannot complete unless some branch waits.
 */
import type { ParallelStep, ProcedureDefinition } from '../definition.generated.js';
import type { Problems } from './problems.js';

const has = (object: object, key: string) => Object.prototype.hasOwnProperty.call(object, key);

class ImmediateGraph {
  private readonly completes = new Map<string, boolean>();
  private readonly computing = new Set<string>();

  constructor(private readonly definition: ProcedureDefinition) {}

  /** The steps an application goes on to at once from this one, with nobody acting in between. */
  next(id: string): string[] {
    const steps = this.definition.steps;
    const step = steps[id];
    if (!step) return [];
    const targets = ((): string[] => {
      switch (step.type) {
        case 'serviceTask':
          return [step.next, ...(step.onFailure ? [step.onFailure] : [])];
        case 'decision':
          return [...step.cases.map((c) => c.next), step.otherwise];
        case 'notify':
          return [step.next];
        case 'requestComplement':
          return step.onlyOnce && step.ifAlreadyRequested ? [step.ifAlreadyRequested] : [];
        case 'parallel':
          return Object.values(step.branches).map((b) => b.start);
        case 'join': {
          const parallel = steps[step.parallel];
          return parallel?.type === 'parallel' && this.completesAtOnce(step.parallel, parallel) ? [parallel.next] : [];
        }
        case 'wait':
          // A wait until a date goes on at once when the date has passed or the data gives none.
          return step.until !== undefined ? [step.next] : [];
        case 'citizenWindow':
        case 'userTask':
        case 'end':
          return [];
      }
    })();
    return targets.filter((to) => has(steps, to));
  }

  /** Enough branches can reach a join of this parallel step without waiting for its completion rule. */
  private completesAtOnce(id: string, step: ParallelStep): boolean {
    const known = this.completes.get(id);
    if (known !== undefined) return known;
    // A parallel step nested in its own branches is read as waiting: the loop is reported on its own steps.
    if (this.computing.has(id)) return false;
    this.computing.add(id);
    const branches = Object.values(step.branches);
    const fast = branches.filter((branch) => this.joinsAtOnce(id, branch.start)).length;
    const needed = step.completion.mode === 'nOfM' ? step.completion.n : step.completion.mode === 'all' ? branches.length : 1;
    this.computing.delete(id);
    this.completes.set(id, fast >= needed);
    return fast >= needed;
  }

  private joinsAtOnce(parallelId: string, start: string): boolean {
    const steps = this.definition.steps;
    const seen = new Set<string>();
    const queue = has(steps, start) ? [start] : [];
    while (queue.length) {
      const id = queue.pop()!;
      if (seen.has(id)) continue;
      seen.add(id);
      const step = steps[id];
      if (step?.type === 'join' && step.parallel === parallelId) return true;
      queue.push(...this.next(id));
    }
    return false;
  }
}

/**
 * Strongly connected components (Tarjan's algorithm), each in the order the definition lists its steps.
 * Written with a stack of its own rather than recursion: a long chain of steps must not exhaust the
 * call stack of the validator.
 */
function components(ids: string[], next: (id: string) => string[]): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const order = new Map(ids.map((id, i) => [id, i]));
  for (const root of ids) {
    if (index.has(root)) continue;
    const frames: Array<{ id: string; targets: string[]; at: number }> = [];
    const open = (id: string) => {
      index.set(id, index.size);
      low.set(id, index.get(id)!);
      stack.push(id);
      onStack.add(id);
      frames.push({ id, targets: next(id), at: 0 });
    };
    open(root);
    while (frames.length) {
      const frame = frames[frames.length - 1]!;
      if (frame.at < frame.targets.length) {
        const to = frame.targets[frame.at++]!;
        if (!index.has(to)) open(to);
        else if (onStack.has(to)) low.set(frame.id, Math.min(low.get(frame.id)!, index.get(to)!));
        continue;
      }
      frames.pop();
      const parent = frames[frames.length - 1];
      if (parent) low.set(parent.id, Math.min(low.get(parent.id)!, low.get(frame.id)!));
      if (low.get(frame.id) === index.get(frame.id)) {
        const component = new Set<string>();
        let member: string;
        do {
          member = stack.pop()!;
          onStack.delete(member);
          component.add(member);
        } while (member !== frame.id);
        found.push([...component].sort((a, b) => order.get(a)! - order.get(b)!));
      }
    }
  }
  return found;
}

/** One way round the loop, from `first` back to it, through the component's steps. */
function wayRound(first: string, members: Set<string>, next: (id: string) => string[]): string[] {
  const cameFrom = new Map<string, string>();
  const queue = [first];
  for (let i = 0; i < queue.length; i++) {
    const id = queue[i]!;
    for (const to of next(id)) {
      if (to === first) {
        const path = [id];
        while (path[0] !== first) path.unshift(cameFrom.get(path[0]!)!);
        return [...path, first];
      }
      if (members.has(to) && !cameFrom.has(to)) {
        cameFrom.set(to, id);
        queue.push(to);
      }
    }
  }
  return [first, first];
}

export function checkLoops(definition: ProcedureDefinition, problems: Problems): void {
  const graph = new ImmediateGraph(definition);
  const next = (id: string) => graph.next(id);
  for (const component of components(Object.keys(definition.steps), next)) {
    const first = component[0]!;
    const loops = component.length > 1 || next(first).includes(first);
    if (!loops) continue;
    const steps = wayRound(first, new Set(component), next).map((s) => `"${s}"`);
    // A long way round is named by its first steps: enough to find it.
    const way = (steps.length > 9 ? [...steps.slice(0, 8), `… (${steps.length - 1} steps)`, steps[0]!] : steps).join(' → ');
    problems.refuseFromVersion2(
      `/steps/${first}`,
      `steps ${way} go round without waiting for a person, a timer or the citizen, so the application would never stop: put a task, a wait step or a complement request on the loop`,
    );
  }
}
