import { stepEdges } from '../../../engine/checks/graph.js';
import type { ProcedureDefinition, Step } from '../../../engine/definition.generated.js';
import { localized, t } from '../i18n.js';
import { clocksStartingAt } from './Clocks.js';

const WIDTH = 176;
const HEIGHT = 54;
const GAP_X = 28;
const GAP_Y = 46;

interface Node {
  id: string;
  step: Step;
  layer: number;
  x: number;
  y: number;
}

function title(id: string, step: Step): string {
  return step.type === 'userTask' && step.title ? localized(step.title) : id;
}

/**
 * The steps as layers from the start (breadth first), with an arrow for every way one step leads to
 * another: the same edges the definition checker follows. Steps no path reaches are drawn last, apart.
 */
export function layout(definition: ProcedureDefinition): { nodes: Node[]; edges: Array<{ from: Node; to: Node }>; width: number; height: number } {
  const layers = new Map<string, number>();
  const queue = [definition.start];
  layers.set(definition.start, 0);
  while (queue.length) {
    const id = queue.shift()!;
    const step = definition.steps[id];
    if (!step) continue;
    for (const edge of stepEdges(definition, id, step)) {
      if (!layers.has(edge.to) && definition.steps[edge.to]) {
        layers.set(edge.to, layers.get(id)! + 1);
        queue.push(edge.to);
      }
    }
  }
  const deepest = Math.max(0, ...layers.values());
  for (const id of Object.keys(definition.steps)) if (!layers.has(id)) layers.set(id, deepest + 1);
  const byLayer = new Map<number, string[]>();
  for (const [id, layer] of layers) byLayer.set(layer, [...(byLayer.get(layer) ?? []), id]);
  const widest = Math.max(...[...byLayer.values()].map((ids) => ids.length));
  const width = widest * (WIDTH + GAP_X) + GAP_X;
  const nodes = new Map<string, Node>();
  for (const [layer, ids] of byLayer) {
    const rowWidth = ids.length * (WIDTH + GAP_X) - GAP_X;
    ids.forEach((id, i) => {
      nodes.set(id, { id, step: definition.steps[id]!, layer, x: (width - rowWidth) / 2 + i * (WIDTH + GAP_X), y: GAP_Y / 2 + layer * (HEIGHT + GAP_Y) });
    });
  }
  const edges = [...nodes.values()].flatMap((from) =>
    stepEdges(definition, from.id, from.step)
      .map((e) => nodes.get(e.to))
      .filter((to): to is Node => to !== undefined)
      .map((to) => ({ from, to })),
  );
  return { nodes: [...nodes.values()], edges, width, height: (Math.max(...layers.values()) + 1) * (HEIGHT + GAP_Y) };
}

export function StepDiagram({ definition }: { definition: ProcedureDefinition }) {
  const { nodes, edges, width, height } = layout(definition);
  return (
    <figure class="diagram">
      <svg viewBox={`0 0 ${width} ${height}`} width={width} height={height} role="img" aria-labelledby="diagram-title" dir="ltr">
        <title id="diagram-title">{t('diagramOf')} {localized(definition.title)}</title>
        <defs>
          <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
            <path d="M 0 0 L 10 5 L 0 10 z" fill="#44546a" />
          </marker>
        </defs>
        {edges.map(({ from, to }, i) => {
          const x1 = from.x + WIDTH / 2;
          const y1 = from.y + HEIGHT;
          const x2 = to.x + WIDTH / 2;
          const y2 = to.layer > from.layer ? to.y : to.y + HEIGHT / 2;
          const back = to.layer <= from.layer;
          const d = back ? `M ${x1} ${y1} C ${x1 + 60} ${y1 + 40}, ${to.x + WIDTH + 60} ${y2}, ${to.x + WIDTH} ${y2}` : `M ${x1} ${y1} L ${x2} ${y2}`;
          return <path key={i} d={d} fill="none" stroke="#44546a" stroke-width="1.5" marker-end="url(#arrow)" />;
        })}
        {nodes.map((n) => (
          <g key={n.id} class={`node ${n.step.type}`} transform={`translate(${n.x} ${n.y})`}>
            <rect width={WIDTH} height={HEIGHT} rx={n.step.type === 'end' ? 27 : 6} />
            <text x={WIDTH / 2} y={21} text-anchor="middle" class="kind">
              {n.step.type}
            </text>
            <text x={WIDTH / 2} y={40} text-anchor="middle" class="name">
              {title(n.id, n.step).slice(0, 26)}
            </text>
            {clocksStartingAt(definition, n.id).length > 0 && (
              <text x={WIDTH / 2} y={HEIGHT + 14} text-anchor="middle" class="clock">
                <title>{clocksStartingAt(definition, n.id).join('\n')}</title>⏱ {clocksStartingAt(definition, n.id).join(' · ').slice(0, 34)}
              </text>
            )}
          </g>
        ))}
      </svg>
      <figcaption>
        <ul class="diagram-text">
          {nodes.map((n) => (
            <li key={n.id}>
              <code>{n.id}</code> ({n.step.type}) → {stepEdges(definition, n.id, n.step).map((e) => e.to).join(', ') || '∎'}
              {clocksStartingAt(definition, n.id).map((c) => (
                <span key={c} class="clock">
                  {' '}
                  · ⏱ {t('clockStarts')}: {c}
                </span>
              ))}
            </li>
          ))}
        </ul>
      </figcaption>
    </figure>
  );
}
