import type { ComponentChildren } from 'preact';

/**
 * A list shown as a table (the `list` style): its name for screen readers, either a hidden caption or
 * the heading that `labelledBy` names; one header row of `columns`; then the rows it is given.
 */
export function ListTable(props: { class?: string; caption?: string; labelledBy?: string; columns: ComponentChildren[]; children: ComponentChildren }) {
  return (
    <table class={props.class ? `list ${props.class}` : 'list'} aria-labelledby={props.labelledBy}>
      {props.caption !== undefined && <caption class="visually-hidden">{props.caption}</caption>}
      <thead>
        <tr>
          {props.columns.map((column, i) => (
            <th key={i} scope="col">
              {column}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>{props.children}</tbody>
    </table>
  );
}
