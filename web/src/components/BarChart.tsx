import { number } from '../format.js';

export interface Bar {
  label: string;
  value: number | null;
  /** A second figure drawn lighter behind the first (e.g. the 90th percentile behind the median). */
  secondary?: number | null;
}

/**
 * A horizontal bar chart drawn as a table: screen readers read the figures, and the bars follow the
 * page's direction (right to left in Arabic) with no extra work.
 */
export function BarChart({ caption, bars, unit, valueHeading, secondaryHeading }: { caption: string; bars: Bar[]; unit: string; valueHeading: string; secondaryHeading?: string }) {
  const max = Math.max(1, ...bars.flatMap((b) => [b.value ?? 0, b.secondary ?? 0]));
  return (
    <table class="bar-chart">
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col"></th>
          <th scope="col">{valueHeading}</th>
          {secondaryHeading && <th scope="col">{secondaryHeading}</th>}
          <th scope="col" aria-hidden="true"></th>
        </tr>
      </thead>
      <tbody>
        {bars.map((bar) => (
          <tr key={bar.label}>
            <th scope="row">{bar.label}</th>
            <td class="figure">
              {number(bar.value)} {bar.value !== null && unit}
            </td>
            {secondaryHeading && <td class="figure">{number(bar.secondary ?? null)}</td>}
            <td class="bar-cell" aria-hidden="true">
              <div class="bar-track">
                {bar.secondary != null && <div class="bar secondary" style={{ width: `${(bar.secondary / max) * 100}%` }} />}
                <div class="bar" style={{ width: `${((bar.value ?? 0) / max) * 100}%` }} />
              </div>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
