import { useEffect, useState } from 'preact/hooks';
import type { ProcedureDefinition, Step } from '../../../engine/definition.generated.js';
import { localized, t, useLanguage } from '../i18n.js';
import { diagramEdges, layoutSteps, stepTimes, type StepLayout } from './step-layout.js';

function title(id: string, step: Step): string {
  return step.type === 'userTask' && step.title ? localized(step.title) : id;
}

function pathOf(points: Array<{ x: number; y: number }>): string {
  return points.map((p, i) => `${i ? 'L' : 'M'} ${p.x} ${p.y}`).join(' ');
}

/**
 * The steps of a definition as a diagram (laid out by ELK), with the text list below it for screen
 * readers and keyboards: each step there has a button that puts the editor's cursor on its JSON, as a
 * click on its box does. Steps a simulation went through are marked, in the drawing and in the list.
 */
export function StepDiagram({ definition, visited, onSelect }: { definition: ProcedureDefinition; visited?: string[] | undefined; onSelect?: (stepId: string) => void }) {
  const lang = useLanguage();
  const [laid, setLaid] = useState<{ layout?: StepLayout; failed?: boolean }>({});
  const source = JSON.stringify(definition);
  useEffect(() => {
    let current = true;
    // Laid out again once typing pauses, not on every key.
    const timer = setTimeout(() => {
      const times = new Map(Object.entries(definition.steps).map(([id, step]) => [id, stepTimes(definition, id, step)]));
      layoutSteps(definition, times).then(
        (layout) => current && setLaid({ layout }),
        () => current && setLaid({ failed: true }),
      );
    }, 250);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [source, lang]);
  const went = new Set(visited ?? []);
  const edges = diagramEdges(definition);
  const { layout } = laid;
  return (
    <figure class="diagram">
      {laid.failed && <p>{t('cannotDraw')}</p>}
      {layout && (
        <svg viewBox={`0 0 ${layout.width} ${layout.height}`} width={layout.width} height={layout.height} role="img" aria-labelledby="diagram-title" dir="ltr">
          <title id="diagram-title">
            {t('diagramOf')} {localized(definition.title)}
          </title>
          <defs>
            <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
              <path d="M 0 0 L 10 5 L 0 10 z" fill="#44546a" />
            </marker>
          </defs>
          {layout.edges.map((e, i) => (
            <g key={i} class={`edge${went.has(e.from) && went.has(e.to) ? ' visited' : ''}`} data-from={e.from} data-to={e.to}>
              <path d={pathOf(e.points)} fill="none" marker-end="url(#arrow)" />
              {e.labelAt && (
                <text x={e.labelAt.x + e.labelAt.width / 2} y={e.labelAt.y + 11} text-anchor="middle" class="edge-label">
                  {e.label}
                </text>
              )}
            </g>
          ))}
          {layout.steps.map((n) => (
            <g
              key={n.id}
              class={`node ${n.step.type}${went.has(n.id) ? ' visited' : ''}`}
              data-step={n.id}
              transform={`translate(${n.x} ${n.y})`}
              onClick={() => onSelect?.(n.id)}
            >
              <rect width={n.width} height={n.height} rx={n.step.type === 'end' ? 27 : 6} />
              <text x={n.width / 2} y={20} text-anchor="middle" class="kind">
                {n.step.type === 'parallel' || n.step.type === 'join' ? `⊕ ${n.step.type}` : n.step.type}
              </text>
              <text x={n.width / 2} y={39} text-anchor="middle" class="name">
                {title(n.id, n.step).slice(0, 26)}
              </text>
              {n.times.map((line, i) => (
                <text key={i} x={n.width / 2} y={56 + i * 15} text-anchor="middle" class="clock">
                  <title>{line}</title>
                  {line.slice(0, 30)}
                </text>
              ))}
            </g>
          ))}
        </svg>
      )}
      <figcaption>
        <ul class="diagram-text">
          {Object.entries(definition.steps).map(([id, step]) => (
            <li key={id} class={went.has(id) ? 'visited' : undefined}>
              {onSelect ? (
                <button type="button" class="link" onClick={() => onSelect(id)} aria-label={`${t('goToJson')} ${id}`}>
                  <code>{id}</code>
                </button>
              ) : (
                <code>{id}</code>
              )}{' '}
              ({step.type}) →{' '}
              {edges
                .filter((e) => e.from === id)
                .map((e) => (e.label ? `${e.to} (${e.label})` : e.to))
                .join(', ') || '∎'}
              {stepTimes(definition, id, step).map((line) => (
                <span key={line} class="clock">
                  {' '}
                  · {line}
                </span>
              ))}
              {went.has(id) && <span class="badge"> {t('visitedStep')}</span>}
            </li>
          ))}
        </ul>
      </figcaption>
    </figure>
  );
}
