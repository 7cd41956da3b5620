import type { JSX } from 'preact';
import { fieldRules, withoutHidden, type FieldSchema, type FormValue } from '../form-rules.js';
import { fieldMessage, localized, t } from '../i18n.js';

export type { FieldSchema, FormValue } from '../form-rules.js';

/** "fullName" → "Full name": the last resort when a definition gives a field no label. */
function humanize(key: string): string {
  const words = key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/[_-]+/g, ' ').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function fieldLabel(key: string, schema: FieldSchema): string {
  return (schema.label && localized(schema.label)) || schema.title || humanize(key);
}

function optionLabel(schema: FieldSchema, value: unknown): string {
  const text = schema.enumLabels?.[String(value)];
  return text ? localized(text) : String(value);
}

const typeOf = (schema: FieldSchema) => (Array.isArray(schema.type) ? schema.type.find((x) => x !== 'null') : schema.type);

/** The text a person typed, as the JSON value the schema wants (empty means "not given"). */
function parse(schema: FieldSchema, raw: string): unknown {
  if (raw.trim() === '') return undefined;
  const type = typeOf(schema);
  if (type === 'integer' || type === 'number') {
    const n = Number(raw.replace(',', '.'));
    return Number.isFinite(n) ? n : raw;
  }
  return raw;
}

interface Props {
  schema: FieldSchema;
  value: FormValue;
  onChange(value: FormValue): void;
  /** Field problems from the API, by JSON pointer (`/data/cin`). */
  errors: Map<string, string>;
  /** The pointer of this object in the request body. */
  pointer: string;
  idPrefix: string;
}

/** A form generated from the definition's JSON Schema; the API checks it, errors come back beside fields. */
export function SchemaForm({ schema, value, onChange, errors, pointer, idPrefix }: Props) {
  const { visible, required } = fieldRules(schema, value);
  return (
    <div class="fields">
      {Object.entries(schema.properties ?? {}).filter(([key]) => visible.has(key)).map(([key, field]) => {
        const id = `${idPrefix}-${key}`;
        const fieldPointer = `${pointer}/${key}`;
        const error = errors.get(fieldPointer);
        // A schema's description is the designer's note (in English); a labelled field needs none.
        const hint = field.label ? undefined : field.description;
        const hintId = hint ? `${id}-hint` : undefined;
        const errorId = error ? `${id}-error` : undefined;
        const describedBy = [hintId, errorId].filter(Boolean).join(' ') || undefined;
        const label = fieldLabel(key, field);
        const set = (v: unknown) => {
          const next = { ...value };
          if (v === undefined) delete next[key];
          else next[key] = v;
          onChange(withoutHidden(schema, next));
        };
        const common = {
          id,
          name: key,
          'aria-invalid': error ? ('true' as const) : undefined,
          'aria-describedby': describedBy,
          'aria-required': required.has(key) ? ('true' as const) : undefined,
        };
        const type = typeOf(field);
        let control: JSX.Element;
        if (type === 'object' && field.properties) {
          return (
            <fieldset key={key} class="nested">
              <legend>{label}</legend>
              <SchemaForm
                schema={field}
                value={(value[key] as FormValue | undefined) ?? {}}
                onChange={(v) => set(Object.keys(v).length ? v : undefined)}
                errors={errors}
                pointer={fieldPointer}
                idPrefix={id}
              />
            </fieldset>
          );
        }
        if (type === 'boolean') {
          return (
            <div key={key} class={`field checkbox${error ? ' has-error' : ''}`}>
              <input {...common} type="checkbox" checked={value[key] === true} onChange={(e) => set((e.currentTarget as HTMLInputElement).checked)} />
              <label for={id}>{label}</label>
              {hint && <p class="hint" id={hintId}>{hint}</p>}
              {error && <p class="field-error" id={errorId}>{fieldMessage(error)}</p>}
            </div>
          );
        }
        const current = value[key] === undefined ? '' : String(value[key]);
        const onInput = (e: Event) => set(parse(field, (e.currentTarget as HTMLInputElement).value));
        if (field.enum) {
          control = (
            <select {...common} value={current} onChange={onInput}>
              <option value="">{t('choose')}</option>
              {field.enum.map((option) => (
                <option key={String(option)} value={String(option)}>
                  {optionLabel(field, option)}
                </option>
              ))}
            </select>
          );
        } else if (type === 'string' && (field.maxLength ?? 0) > 300) {
          control = <textarea {...common} rows={4} value={current} onInput={onInput} />;
        } else {
          const inputType =
            type === 'integer' || type === 'number' ? 'number' : field.format === 'date' ? 'date' : field.format === 'email' ? 'email' : key.toLowerCase().includes('phone') ? 'tel' : 'text';
          control = (
            <input
              {...common}
              type={inputType}
              dir={inputType === 'email' || inputType === 'tel' ? 'ltr' : 'auto'}
              value={current}
              onInput={onInput}
              {...(type === 'integer' ? { step: 1 } : type === 'number' ? { step: 'any' } : {})}
            />
          );
        }
        return (
          <div key={key} class={`field${error ? ' has-error' : ''}`}>
            <label for={id}>
              {label}
              {required.has(key) ? <span class="required"> *<span class="visually-hidden">{t('required')}</span></span> : <span class="optional"> ({t('optional')})</span>}
            </label>
            {hint && (
              <p class="hint" id={hintId}>
                {hint}
              </p>
            )}
            {control}
            {error && (
              <p class="field-error" id={errorId}>
                {fieldMessage(error)}
              </p>
            )}
          </div>
        );
      })}
    </div>
  );
}

/** The id SchemaForm gives the field a `/data/…` pointer names, so an error summary can link to it. */
export function fieldIdOf(pointer: string, idPrefix: string): string | undefined {
  return pointer.startsWith('/data/') ? `${idPrefix}-${pointer.slice(6).replace(/\//g, '-')}` : undefined;
}

/** The label of the field a `/data/…` pointer names, in the page's language, if the form has that field. */
export function fieldLabelAt(schema: FieldSchema, pointer: string): string | undefined {
  if (!pointer.startsWith('/data/')) return undefined;
  let field: FieldSchema | undefined = schema;
  let key = '';
  for (const segment of pointer.slice(6).split('/')) {
    key = segment.replace(/~1/g, '/').replace(/~0/g, '~');
    field = field?.properties?.[key];
  }
  return field ? fieldLabel(key, field) : undefined;
}

/** The API's field problems by pointer; the first message wins for a field. */
export function errorsByPointer(errors: Array<{ pointer?: string; message: string }>): Map<string, string> {
  const map = new Map<string, string>();
  for (const e of errors) if (e.pointer && !map.has(e.pointer)) map.set(e.pointer, e.message);
  return map;
}
