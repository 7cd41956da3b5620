/* Generated from procedures/schema/procedure.schema.json by `npm run generate`. Do not edit. */
import type {Expression as JsonLogicExpression} from './expression.js';
/** A JSON Schema (draft 2020-12) describing form data. */
export type JsonSchemaObject = Record<string, unknown>;

/**
 * This interface was referenced by `ProcedureDefinition`'s JSON-Schema
 * via the `definition` "RoleId".
 */
export type RoleId = string;
/**
 * How long: working days, calendar days or calendar months (rolled forward to the next working day unless rollForward is false), or an exact ISO-8601 duration.
 *
 * This interface was referenced by `ProcedureDefinition`'s JSON-Schema
 * via the `definition` "Budget".
 */
export type Budget =
  | {
      workingDays: number;
    }
  | {
      calendarDays: number;
      rollForward?: boolean;
    }
  | {
      months: number;
      rollForward?: boolean;
    }
  | {
      duration: string;
    };
/**
 * A JSON Logic expression over the application (var paths: data.<field>, steps.<stepId>.outcome, steps.<stepId>.data.<field>, branches.<parallelId>.<branchId>).
 *
 * This interface was referenced by `ProcedureDefinition`'s JSON-Schema
 * via the `definition` "Expression".
 */
export type Expression = JsonLogicExpression;
/**
 * This interface was referenced by `ProcedureDefinition`'s JSON-Schema
 * via the `definition` "StepId".
 */
export type StepId = string;
/**
 * "citizen", "assignee" (whoever holds the task), or a declared role.
 *
 * This interface was referenced by `ProcedureDefinition`'s JSON-Schema
 * via the `definition` "Recipient".
 */
export type Recipient = string;
/**
 * What happens when the deadline expires.
 *
 * This interface was referenced by `ProcedureDefinition`'s JSON-Schema
 * via the `definition` "Expiry".
 */
export type Expiry =
  | {
      action: 'escalate';
      toRole: RoleId;
      notify?: Recipient[];
      /**
       * How long: working days, calendar days or calendar months (rolled forward to the next working day unless rollForward is false), or an exact ISO-8601 duration.
       */
      next?:
        | {
            workingDays: number;
          }
        | {
            calendarDays: number;
            rollForward?: boolean;
          }
        | {
            months: number;
            rollForward?: boolean;
          }
        | {
            duration: string;
          };
    }
  | {
      action: 'autoApprove';
      /**
       * The approving end step.
       */
      end: string;
      /**
       * Document attesting that the decision was granted by silence.
       */
      attestation: string;
    }
  | {
      action: 'autoReject';
      /**
       * The rejecting end step.
       */
      end: string;
      motivation: LocalizedText;
    }
  | {
      action: 'goto';
      step: StepId;
      notify?: Recipient[];
    }
  | {
      action: 'notify';
      /**
       * @minItems 1
       */
      notify: [Recipient, ...Recipient[]];
    };
/**
 * Counts a budget from a date read from the data: `date` is an expression giving a date (YYYY-MM-DD) or a date-time; the clock falls due that long before or after it.
 *
 * This interface was referenced by `ProcedureDefinition`'s JSON-Schema
 * via the `definition` "DateAnchor".
 */
export type DateAnchor =
  | {
      date: Expression;
      before: Budget;
    }
  | {
      date: Expression;
      after: Budget;
    };
/**
 * This interface was referenced by `ProcedureDefinition`'s JSON-Schema
 * via the `definition` "Step".
 */
export type Step =
  | UserTaskStep
  | ServiceTaskStep
  | DecisionStep
  | ParallelStep
  | JoinStep
  | RequestComplementStep
  | WaitStep
  | CitizenWindowStep
  | NotifyStep
  | EndStep;
/**
 * This interface was referenced by `ProcedureDefinition`'s JSON-Schema
 * via the `definition` "MessageName".
 */
export type MessageName = string;
/**
 * This interface was referenced by `ProcedureDefinition`'s JSON-Schema
 * via the `definition` "DocumentKey".
 */
export type DocumentKey = string;

/**
 * A Mohla procedure definition: one version of an administrative procedure of the digital guide.
 */
export interface ProcedureDefinition {
  $schema?: string;
  /**
   * The version of the procedure language this definition is written in, which fixes how the engine reads it (operators, checks, guards). 1 is the language as first shipped, 2 the current one. Absent, a definition published before versions existed is read as 1, any other as 2. A published definition keeps its language version for good, so its running applications keep their meaning.
   */
  languageVersion?: 1 | 2;
  /**
   * Stable identifier of the procedure, shared by all its versions.
   */
  id: string;
  /**
   * Version number, starting at 1. A published version never changes.
   */
  version: number;
  title: LocalizedText;
  description: LocalizedText;
  eligibility?: LocalizedText;
  category:
    | 'civil-status'
    | 'certificates'
    | 'urban-planning'
    | 'economic-activity'
    | 'public-domain'
    | 'access-to-information'
    | 'complaints'
    | 'human-resources'
    | 'participation'
    | 'taxation'
    | 'council'
    | 'legal-affairs';
  /**
   * The kinds of office that handle it.
   *
   * @minItems 1
   */
  offices: [
    'commune' | 'annex' | 'prefecture' | 'province' | 'region' | 'ministry' | 'agency',
    ...('commune' | 'annex' | 'prefecture' | 'province' | 'region' | 'ministry' | 'agency')[]
  ];
  /**
   * The roles whose members take part: candidate roles of tasks, escalation targets and recipients.
   *
   * @minItems 1
   */
  roles: [RoleId, ...RoleId[]];
  legalBasis: LegalBasis;
  /**
   * JSON Schema (2020-12) of the citizen's application form. Any schema in it may carry the annotations `label` (a LocalizedText) and `enumLabels` (EnumLabels), for people only.
   */
  form: JsonSchemaObject;
  /**
   * The documents of the procedure's guide: only these may be asked for.
   */
  documents: RequiredDocument[];
  fees: Fee[];
  /**
   * Where an application may be filed: on the web, at a kiosk, at a counter (by an agent for a citizen), or `internal`: filed by staff of the office, with no citizen (language 2; then the only channel, with `filingRoles`).
   *
   * @minItems 1
   */
  channels: ['web' | 'kiosk' | 'counter' | 'internal', ...('web' | 'kiosk' | 'counter' | 'internal')[]];
  /**
   * An internal procedure's filers: the roles (declared in `roles`) whose holders in the staff directory may file it (language 2, with the `internal` channel only).
   *
   * @minItems 1
   */
  filingRoles?: [RoleId, ...RoleId[]];
  deadline: LegalDeadline;
  /**
   * Named clocks besides the legal deadline (language 2): each runs from an event or counts from a date in the data, stops when the application enters one of its steps, and warns and expires on its own.
   */
  clocks?: {
    [k: string]: Clock;
  };
  /**
   * The procedure's own notifications, keyed by the name a `notify` step gives as its `template`: a title (the e-mail subject) and a text in Arabic, French and English, written as ICU messages. The arguments a text may use are listed in docs/procedure-language.md (trackingNumber, procedure, dueAt, documents, documentCount, outcome, audience…).
   */
  messages?: {
    [k: string]: ProcedureMessage;
  };
  /**
   * Days after an application closes during which its personal data is kept (form, documents, reasons, messages, its Temporal history); then `mohla retention` erases them. Absent: 1826 days, five years.
   */
  retentionDays?: number;
  /**
   * The documents the procedure issues, by the name an end step's `document` or `letter`, or a silence-means-consent expiry's `attestation`, gives them. A definition without it issues nothing (its documents are names only).
   */
  issuedDocuments?: {
    [k: string]: IssuedDocument;
  };
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
  /**
   * How large what people send into an application may be, in bytes of JSON (UTF-8). Everything a citizen or an agent sends enters the application's Temporal history and its state, so these keep them far below Temporal's limits. Defaults: 65536 for the form, 16384 for a task's data.
   */
  limits?: {
    /**
     * The citizen's form, as sent.
     */
    formBytes?: number;
    /**
     * The data an agent sends when completing a task.
     */
    taskDataBytes?: number;
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
 * This interface was referenced by `ProcedureDefinition`'s JSON-Schema
 * via the `definition` "LegalBasis".
 */
export interface LegalBasis {
  /**
   * The law or decree, e.g. "Law 31.13".
   */
  law: string;
  articles?: string[];
  note: string;
  /**
   * false when the fact could not be checked against the legal text: the note must then say "unconfirmed".
   */
  confirmed: boolean;
}
/**
 * This interface was referenced by `ProcedureDefinition`'s JSON-Schema
 * via the `definition` "RequiredDocument".
 */
export interface RequiredDocument {
  id: string;
  label: LocalizedText;
  /**
   * @minItems 1
   */
  formats: ['pdf' | 'jpeg' | 'png', ...('pdf' | 'jpeg' | 'png')[]];
  maxSizeMb: number;
  /**
   * true when the citizen may file without it.
   */
  optional?: boolean;
  /**
   * The administration gets it itself (Law 55.19): never asked of the citizen.
   */
  fetchedByAdministration?: boolean;
}
/**
 * This interface was referenced by `ProcedureDefinition`'s JSON-Schema
 * via the `definition` "Fee".
 */
export interface Fee {
  label: LocalizedText;
  amountMad: number;
  note?: LocalizedText;
}
/**
 * The procedure's legal deadline.
 *
 * This interface was referenced by `ProcedureDefinition`'s JSON-Schema
 * via the `definition` "LegalDeadline".
 */
export interface LegalDeadline {
  budget: Budget;
  variants?: BudgetVariant[];
  /**
   * filing: at the filing instant; completeFile: once the file is complete (after a complement, or at filing when none is asked); stepEntry: when `step` is entered.
   */
  startsOn: 'filing' | 'completeFile' | 'stepEntry';
  step?: StepId;
  /**
   * While the citizen completes the file the clock pauses, restarts from the complete file, or runs on.
   */
  onComplement: 'pause' | 'restart' | 'continue';
  extension?: Extension;
  warnings?: WarningRung[];
  onExpiry: Expiry;
  legalBasis?: LegalBasis;
}
/**
 * A different budget when the condition holds at filing (e.g. urgency); in language 2 with its own `extension`, which then replaces the deadline's.
 *
 * This interface was referenced by `ProcedureDefinition`'s JSON-Schema
 * via the `definition` "BudgetVariant".
 */
export interface BudgetVariant {
  when: Expression;
  budget: Budget;
  label?: LocalizedText;
  extension?: Extension;
}
/**
 * This interface was referenced by `ProcedureDefinition`'s JSON-Schema
 * via the `definition` "Extension".
 */
export interface Extension {
  /**
   * How many extensions at most.
   */
  maxCount: number;
  /**
   * How much each extension adds, in the budget's unit.
   */
  units: number;
  /**
   * A reasoned notice must reach the citizen before the current due date (Law 31.13).
   */
  noticeRequired: boolean;
  /**
   * The only reasons accepted, when the law restricts them.
   */
  reasons?: string[];
}
/**
 * Warn these recipients this long before the due instant.
 *
 * This interface was referenced by `ProcedureDefinition`'s JSON-Schema
 * via the `definition` "WarningRung".
 */
export interface WarningRung {
  before: Budget;
  /**
   * @minItems 1
   */
  notify: [Recipient, ...Recipient[]];
}
/**
 * A named clock (language 2). It counts either `budget` from its start, or from a date in the data (`from`), never both.
 *
 * This interface was referenced by `ProcedureDefinition`'s JSON-Schema
 * via the `definition` "Clock".
 */
export interface Clock {
  label: LocalizedText;
  budget?: Budget;
  from?: DateAnchor;
  /**
   * filing: at the filing instant; stepEntry: the first time the application enters `step`.
   */
  startsOn: 'filing' | 'stepEntry';
  step?: StepId;
  /**
   * Entering one of these steps meets the clock (on time or late).
   *
   * @minItems 1
   */
  stopsOn: [StepId, ...StepId[]];
  warnings?: WarningRung[];
  onExpiry: Expiry;
  legalBasis: LegalBasis;
}
/**
 * One notification in three languages: the title is a few words of plain text for the e-mail subject, before the tracking number; the text is the message itself, short enough for an SMS, an ICU message per language.
 *
 * This interface was referenced by `ProcedureDefinition`'s JSON-Schema
 * via the `definition` "ProcedureMessage".
 */
export interface ProcedureMessage {
  title: MessageText;
  text: MessageText;
}
/**
 * This interface was referenced by `ProcedureDefinition`'s JSON-Schema
 * via the `definition` "MessageText".
 */
export interface MessageText {
  ar: string;
  fr: string;
  en: string;
}
/**
 * A document the procedure issues: the template it is printed with, its title, how it reaches the citizen and what it shows besides what every document shows (office, procedure, tracking number, holder, dates, verification code).
 *
 * This interface was referenced by `ProcedureDefinition`'s JSON-Schema
 * via the `definition` "IssuedDocument".
 */
export interface IssuedDocument {
  /**
   * certificate (a granted application), attestation (consent by silence) or refusal-letter (a motivated refusal).
   */
  template: 'certificate' | 'attestation' | 'refusal-letter';
  title: DocumentText;
  /**
   * download (from the citizen's space, the receipt page and the kiosk), collection (at the office: the citizen is told when it is ready) or post (sent to the applicant: the citizen is told when it is posted).
   */
  delivery: 'download' | 'collection' | 'post';
  holder: FormValue;
  /**
   * Other values of the form the document shows, each with its label, in this order.
   */
  fields?: DocumentField[];
  legalBasis?: DocumentText1;
  remedy?: DocumentText2;
}
/**
 * A text printed on an issued document: Arabic and French always, English when the procedure offers it (the document is then printed in the three languages).
 *
 * This interface was referenced by `ProcedureDefinition`'s JSON-Schema
 * via the `definition` "DocumentText".
 */
export interface DocumentText {
  ar: string;
  fr: string;
  en?: string;
}
/**
 * The form field holding the applicant's name as the document prints it.
 */
export interface FormValue {
  var: string;
}
/**
 * A value of the form the document shows, under its label.
 *
 * This interface was referenced by `ProcedureDefinition`'s JSON-Schema
 * via the `definition` "DocumentField".
 */
export interface DocumentField {
  label: DocumentText;
  var: string;
}
/**
 * A text printed on an issued document: Arabic and French always, English when the procedure offers it (the document is then printed in the three languages).
 */
export interface DocumentText1 {
  ar: string;
  fr: string;
  en?: string;
}
/**
 * A text printed on an issued document: Arabic and French always, English when the procedure offers it (the document is then printed in the three languages).
 */
export interface DocumentText2 {
  ar: string;
  fr: string;
  en?: string;
}
/**
 * A task for an agent of the candidate role, closed by one of its declared outcomes.
 *
 * This interface was referenced by `ProcedureDefinition`'s JSON-Schema
 * via the `definition` "UserTaskStep".
 */
export interface UserTaskStep {
  type: 'userTask';
  /**
   * Candidate role.
   */
  role: string;
  title: LocalizedText;
  instructions?: LocalizedText;
  /**
   * JSON Schema of the data the agent enters; it may carry `label` and `enumLabels` like the citizen's form.
   */
  form?: JsonSchemaObject;
  outcomes: {
    [k: string]: Transition;
  };
  serviceLevel?: ServiceLevel;
  /**
   * Agents may complete several of this step's tasks at once with the same outcome (POST /tasks/bulk). Only for a step whose form, if any, requires nothing: a bulk completion enters no data.
   */
  bulkComplete?: boolean;
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
 * An internal service level for one step, counted from entering it.
 *
 * This interface was referenced by `ProcedureDefinition`'s JSON-Schema
 * via the `definition` "ServiceLevel".
 */
export interface ServiceLevel {
  budget: Budget;
  warnings?: WarningRung[];
  onExpiry?: Expiry;
}
/**
 * An automatic step: a named activity with its input mapping and retry policy.
 *
 * This interface was referenced by `ProcedureDefinition`'s JSON-Schema
 * via the `definition` "ServiceTaskStep".
 */
export interface ServiceTaskStep {
  type: 'serviceTask';
  /**
   * A service activity of Mohla's registry.
   */
  activity: string;
  /**
   * Activity parameters: each value is a JSON Logic expression over the application.
   */
  input?: {
    [k: string]: Expression;
  };
  /**
   * Keeps the result under steps.<stepId>.result for later decisions.
   */
  resultAs?: boolean;
  retry?: RetryPolicy;
  next: StepId;
  /**
   * Where to go when the activity fails for good; without it the failure waits for a supervisor.
   */
  onFailure?: string;
}
/**
 * This interface was referenced by `ProcedureDefinition`'s JSON-Schema
 * via the `definition` "RetryPolicy".
 */
export interface RetryPolicy {
  maximumAttempts?: number;
  /**
   * The wait before the first retry, an ISO 8601 duration such as PT10S.
   */
  initialInterval?: string;
  backoffCoefficient?: number;
  /**
   * The longest wait between retries, an ISO 8601 duration such as PT1H.
   */
  maximumInterval?: string;
}
/**
 * Goes to the first case whose condition holds, otherwise to `otherwise`.
 *
 * This interface was referenced by `ProcedureDefinition`'s JSON-Schema
 * via the `definition` "DecisionStep".
 */
export interface DecisionStep {
  type: 'decision';
  /**
   * @minItems 1
   */
  cases: [
    {
      when: Expression;
      next: StepId;
    },
    ...{
      when: Expression;
      next: StepId;
    }[]
  ];
  otherwise: StepId;
}
/**
 * Runs branches side by side (e.g. a commission's reviews). A branch ends at a join step naming this step.
 *
 * This interface was referenced by `ProcedureDefinition`'s JSON-Schema
 * via the `definition` "ParallelStep".
 */
export interface ParallelStep {
  type: 'parallel';
  branches: {
    [k: string]: {
      start: StepId;
      label?: LocalizedText;
    };
  };
  completion:
    | {
        mode: 'all' | 'any';
      }
    | {
        mode: 'nOfM';
        n: number;
      };
  /**
   * Where the application goes once enough branches have joined.
   */
  next: string;
}
/**
 * Ends a branch of a parallel step.
 *
 * This interface was referenced by `ProcedureDefinition`'s JSON-Schema
 * via the `definition` "JoinStep".
 */
export interface JoinStep {
  type: 'join';
  /**
   * The parallel step this branch belongs to.
   */
  parallel: string;
}
/**
 * Asks the citizen for missing documents, or to re-enter named fields of the form (language 2); the legal deadline pauses or restarts as the deadline says.
 *
 * This interface was referenced by `ProcedureDefinition`'s JSON-Schema
 * via the `definition` "RequestComplementStep".
 */
export interface RequestComplementStep {
  type: 'requestComplement';
  /**
   * Ids of the guide's documents that may be asked for here; the agent picks among them. Empty when the step asks only for fields (language 2).
   *
   * @minItems 0
   */
  documents: string[];
  /**
   * Language 2: fields of the citizen's form (top-level names) the citizen may be asked to re-enter or clarify; the agent picks among them. The answer carries their new values and the whole amended form must still be valid.
   *
   * @minItems 1
   */
  fields?: [string, ...string[]];
  /**
   * A complement may be asked only once per file (Law 55.19).
   */
  onlyOnce: boolean;
  /**
   * Where to go when onlyOnce forbids a second request.
   */
  ifAlreadyRequested?: string;
  /**
   * How long: working days, calendar days or calendar months (rolled forward to the next working day unless rollForward is false), or an exact ISO-8601 duration.
   */
  answerWithin:
    | {
        workingDays: number;
      }
    | {
        calendarDays: number;
        rollForward?: boolean;
      }
    | {
        months: number;
        rollForward?: boolean;
      }
    | {
        duration: string;
      };
  /**
   * Where the file goes once the citizen answers.
   */
  next: string;
  /**
   * Where it goes when the citizen does not answer in time.
   */
  onTimeout: string;
}
/**
 * Waits for a time (e.g. a public inquiry), or until a date from the data (language 2): exactly one of `for` and `until`.
 *
 * This interface was referenced by `ProcedureDefinition`'s JSON-Schema
 * via the `definition` "WaitStep".
 */
export interface WaitStep {
  type: 'wait';
  for?: Budget;
  /**
   * A JSON Logic expression over the application (var paths: data.<field>, steps.<stepId>.outcome, steps.<stepId>.data.<field>, branches.<parallelId>.<branchId>).
   */
  until?: JsonLogicExpression;
  next: StepId;
}
/**
 * Language 2: opens a time window in which the citizen may act (e.g. complain after a refusal). The application stays open and waits `within` (counted from entering the step); if the citizen acts in time it goes to `next`, otherwise to `onExpiry`. With `reviewWithin`, the legal deadline counts anew with that budget once the citizen acts: the administration's time to answer the act (e.g. a complaint); its warnings and expiry stay the deadline's own.
 *
 * This interface was referenced by `ProcedureDefinition`'s JSON-Schema
 * via the `definition` "CitizenWindowStep".
 */
export interface CitizenWindowStep {
  type: 'citizenWindow';
  within: Budget;
  /**
   * What the citizen may do while the window is open: its name as the citizen's page and messages show it (e.g. "Complain to the head of the body"), instructions, and the form the citizen fills in.
   */
  action: {
    label: LocalizedText;
    instructions?: LocalizedText;
    /**
     * JSON Schema of what the citizen enters when acting; it may carry `label` and `enumLabels` like the application form. Conditions read it as steps.<stepId>.data.<field>.
     */
    form?: JsonSchemaObject;
  };
  /**
   * Where the application goes once the citizen acts.
   */
  next: string;
  /**
   * Where it goes when the window closes without the citizen acting.
   */
  onExpiry: string;
  /**
   * Who else hears that the window opened (the citizen always does).
   */
  notify?: Recipient[];
  /**
   * What the legal deadline does while the window is open: stop (the administration has answered; it stops for good), pause (it resumes when the window closes) or continue (the default).
   */
  legalDeadline?: 'stop' | 'pause' | 'continue';
  reviewWithin?: Budget;
  /**
   * The refusal letter issued when the window opens (an entry of `issuedDocuments` whose template is refusal-letter), so that the citizen holds the motivated refusal, and the date by which to contest it, while the window is open. The letter prints the step's `motivation` (required with `letter`). An end that later sends the same letter for the same refusal does not send it again.
   */
  letter?: string;
  motivation?: LocalizedText;
}
/**
 * Sends a message and moves on.
 *
 * This interface was referenced by `ProcedureDefinition`'s JSON-Schema
 * via the `definition` "NotifyStep".
 */
export interface NotifyStep {
  type: 'notify';
  /**
   * @minItems 1
   */
  notify: [Recipient, ...Recipient[]];
  template: string;
  channels?: ('sms' | 'email')[];
  next: StepId;
}
/**
 * Closes the application with its outcome.
 *
 * This interface was referenced by `ProcedureDefinition`'s JSON-Schema
 * via the `definition` "EndStep".
 */
export interface EndStep {
  type: 'end';
  /**
   * approved, rejected, withdrawn or closed; in language 2 also partiallyGranted (part granted, part refused: needs a motivation) and forwarded (sent to the competent body, named in `forwardedTo`).
   */
  outcome: 'approved' | 'rejected' | 'withdrawn' | 'closed' | 'partiallyGranted' | 'forwarded';
  /**
   * Document issued to the citizen.
   */
  document?: string;
  /**
   * The refusal letter sent with a rejection: an entry of `issuedDocuments` whose template is refusal-letter.
   */
  letter?: string;
  forwardedTo?: LocalizedText;
  motivation?: LocalizedText;
}
/**
 * Form annotation: the text people see for each value of the `enum` beside it, keyed by the value. The engine ignores it.
 *
 * This interface was referenced by `ProcedureDefinition`'s JSON-Schema
 * via the `definition` "EnumLabels".
 */
export interface EnumLabels {
  [k: string]: LocalizedText;
}
/**
 * A value read from the application's form: `data.<field>` (a field of the form, `data.a.b` inside an object field).
 *
 * This interface was referenced by `ProcedureDefinition`'s JSON-Schema
 * via the `definition` "FormValue".
 */
export interface FormValue1 {
  var: string;
}
