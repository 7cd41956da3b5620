/* Generated from procedures/schema/procedure.schema.json by `npm run generate`. Do not edit. */
/** A JSON Schema (draft 2020-12) describing form data. */
export type JsonSchemaObject = Record<string, unknown>;

/**
 * This interface was referenced by `ProcedureDefinition`'s JSON-Schema
 * via the `definition` "Step".
 */
export type Step = UserTaskStep | EndStep;
/**
 * This interface was referenced by `ProcedureDefinition`'s JSON-Schema
 * via the `definition` "StepId".
 */
export type StepId = string;

/**
 * A Mohla procedure definition: one version of an administrative procedure of the digital guide.
 */
export interface ProcedureDefinition {
  $schema?: string;
  /**
   * Stable identifier of the procedure, shared by all its versions.
   */
  id: string;
  /**
   * Version number, starting at 1.
   */
  version: number;
  title: LocalizedText;
  description?: LocalizedText;
  category: string;
  /**
   * The roles whose members take part (candidate roles of the tasks).
   *
   * @minItems 1
   */
  roles: [string, ...string[]];
  /**
   * JSON Schema of the citizen's application form.
   */
  form: JsonSchemaObject;
  /**
   * Id of the first step.
   */
  start: string;
  /**
   * The steps, keyed by their id.
   */
  steps: {
    [k: string]: Step;
  };
}
/**
 * A text in Arabic, French and English.
 *
 * This interface was referenced by `ProcedureDefinition`'s JSON-Schema
 * via the `definition` "LocalizedText".
 */
export interface LocalizedText {
  ar: string;
  fr: string;
  en: string;
}
/**
 * A task for an agent of the candidate role, closed by one of its declared outcomes.
 *
 * This interface was referenced by `ProcedureDefinition`'s JSON-Schema
 * via the `definition` "UserTaskStep".
 */
export interface UserTaskStep {
  type: 'userTask';
  role: string;
  title: LocalizedText;
  /**
   * JSON Schema of the data the agent enters.
   */
  form?: JsonSchemaObject;
  outcomes: {
    [k: string]: Transition;
  };
}
/**
 * This interface was referenced by `ProcedureDefinition`'s JSON-Schema
 * via the `definition` "Transition".
 */
export interface Transition {
  next: StepId;
  label?: LocalizedText;
}
/**
 * Closes the application with its outcome.
 *
 * This interface was referenced by `ProcedureDefinition`'s JSON-Schema
 * via the `definition` "EndStep".
 */
export interface EndStep {
  type: 'end';
  outcome: 'approved' | 'rejected' | 'withdrawn' | 'closed';
  /**
   * Document issued to the citizen.
   */
  document?: string;
}
