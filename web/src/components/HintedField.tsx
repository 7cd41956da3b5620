import type { ComponentChildren } from 'preact';
import { t } from '../i18n.js';

/** What the control of a HintedField is described by, and whether it is marked invalid. */
export interface FieldDescription {
  'aria-invalid'?: true;
  'aria-describedby': string;
}

/**
 * A form field with a hint under its label and, once the value is refused, the reason under the control.
 * `control` receives the ARIA attributes that tie it to both, so that a screen reader reads the hint and
 * the reason with the control. `invalid` marks the field where its problem is told elsewhere.
 */
export function HintedField(props: { id: string; label: ComponentChildren; optional?: boolean; hint: ComponentChildren; problem?: string; invalid?: boolean; class?: string; control(description: FieldDescription): ComponentChildren }) {
  const { id, problem } = props;
  const invalid = props.invalid ?? Boolean(problem);
  const described: FieldDescription = problem ? { 'aria-invalid': true, 'aria-describedby': `${id}-hint ${id}-error` } : { 'aria-describedby': `${id}-hint` };
  return (
    <div class={['field', props.class, invalid ? 'has-error' : undefined].filter(Boolean).join(' ')}>
      <label for={id}>
        {props.label}
        {props.optional && (
          <>
            {' '}
            <span class="optional">({t('optional')})</span>
          </>
        )}
      </label>
      <p class="hint" id={`${id}-hint`}>
        {props.hint}
      </p>
      {props.control(described)}
      {problem && (
        <p class="field-error" id={`${id}-error`}>
          {problem}
        </p>
      )}
    </div>
  );
}
