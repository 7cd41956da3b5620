/**
 * Who is told, how, and in which words: turns one outbox row (a notify command of the engine) into one
 * message per person and channel. Pure: the dispatcher loads the rows it needs and passes them in.
 */
import type { LocalizedText, ProcedureDefinition } from '../engine/definition.generated.js';
import type { ApplicationRecord, NotificationRecord, StaffMemberRecord, TaskRecord } from '../db/entities.js';
import { renderProcedureMessage } from './procedure-messages.js';
import { renderMessage, type Audience, type MessageContext } from './templates.js';
import { CHANNELS, isLanguage, type Channel, type Language } from './types.js';
import { internationalPhone } from './wording.js';
import { parseDeadlineId } from '../engine/ids.js';

const CITIZEN = 'citizen';
const ASSIGNEE = 'assignee';

/**
 * The form fields a citizen's contact is read from. A procedure's form opts in by declaring them:
 * `phone` (SMS), `email` (e-mail) and `language` (`ar`, `fr` or `en`; the default otherwise).
 */
export const CONTACT_FIELDS = { phone: 'phone', email: 'email', language: 'language' } as const;

export interface PlannedDelivery {
  channel: Channel;
  recipient: string;
  address: string;
  language: Language;
  subject: string;
  body: string;
}

/** A recipient the definition names but nobody can be found for: the staff directory has a hole. */
export interface Gap {
  recipient: string;
  reason: string;
}

export interface Plan {
  deliveries: PlannedDelivery[];
  gaps: Gap[];
}

export interface PlanInput {
  notification: Pick<NotificationRecord, 'key' | 'template' | 'recipients' | 'context'>;
  application: Pick<ApplicationRecord, 'trackingNumber' | 'officeId' | 'data' | 'dueAt' | 'deadline' | 'outcome' | 'motivation'>;
  tasks: Array<Pick<TaskRecord, 'id' | 'stepId' | 'role' | 'status' | 'assignee'>>;
  definition?: ProcedureDefinition;
  /** Every staff member of the application's office (and its tasks' assignees). */
  staff: StaffMemberRecord[];
  defaultLanguage: Language;
  now: Date;
}

const text = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() ? value.trim() : undefined);

function localized(value: LocalizedText | undefined, language: Language): string | undefined {
  return value ? value[language] : undefined;
}

/** A localized text an outbox row's context carries (a forwarded application's body), in one language. */
function localizedInContext(value: unknown, language: Language): string | undefined {
  return value !== null && typeof value === 'object' ? text((value as Partial<LocalizedText>)[language]) : undefined;
}

/** The engine keeps a motivation's English text; the definition has it in every language. */
function localizedMotivation(definition: ProcedureDefinition | undefined, english: string | null | undefined, language: Language): string | undefined {
  if (!english) return undefined;
  const candidates: LocalizedText[] = [];
  if (definition) {
    for (const step of Object.values(definition.steps)) if (step.type === 'end' && step.motivation) candidates.push(step.motivation);
    const expiry = definition.deadline.onExpiry;
    if (expiry?.action === 'autoReject') candidates.push(expiry.motivation);
  }
  return candidates.find((m) => m.en === english)?.[language] ?? english;
}

/** Channels a notify step restricts itself to; every channel otherwise. */
function allowedChannels(definition: ProcedureDefinition | undefined, context: Record<string, unknown>): readonly Channel[] {
  const stepId = text(context.stepId);
  const step = stepId ? definition?.steps[stepId] : undefined;
  return step?.type === 'notify' && step.channels?.length ? step.channels : CHANNELS;
}

/** The tasks a staff alert is about: the one named, the escalated ones, or every open task. */
function tasksConcerned(input: PlanInput): PlanInput['tasks'] {
  const context = input.notification.context;
  const ids = new Set<string>();
  if (text(context.taskId)) ids.add(context.taskId as string);
  if (Array.isArray(context.tasks)) for (const id of context.tasks) if (typeof id === 'string') ids.add(id);
  if (!ids.size && Array.isArray(context.assignees)) {
    for (const a of context.assignees as Array<{ taskId?: unknown }>) if (typeof a?.taskId === 'string') ids.add(a.taskId);
  }
  if (ids.size) return input.tasks.filter((t) => ids.has(t.id));
  return input.tasks.filter((t) => t.status === 'open' || t.status === 'claimed');
}

interface Person {
  recipient: string;
  audience: Audience;
  language: Language;
  phone?: string;
  email?: string;
}

function citizen(input: PlanInput): Person {
  const data = input.application.data;
  const language = data[CONTACT_FIELDS.language];
  const phone = text(data[CONTACT_FIELDS.phone]);
  const email = text(data[CONTACT_FIELDS.email]);
  return {
    recipient: CITIZEN,
    audience: 'citizen',
    language: isLanguage(language) ? language : input.defaultLanguage,
    ...(phone ? { phone: internationalPhone(phone) } : {}),
    ...(email ? { email } : {}),
  };
}

function staffPerson(member: StaffMemberRecord, defaultLanguage: Language): Person {
  return {
    recipient: member.id,
    audience: 'staff',
    language: isLanguage(member.language) ? member.language : defaultLanguage,
    ...(member.phone ? { phone: internationalPhone(member.phone) } : {}),
    ...(member.email ? { email: member.email } : {}),
  };
}

/** Resolves the notify command's recipients to people; what cannot be resolved becomes a gap. */
function people(input: PlanInput): { people: Person[]; gaps: Gap[] } {
  const office = input.application.officeId;
  const found = new Map<string, Person>();
  const gaps: Gap[] = [];
  const byRole = (role: string) => input.staff.filter((s) => s.officeId === office && s.role === role);
  const addRole = (role: string, recipient: string) => {
    const members = byRole(role);
    if (!members.length) gaps.push({ recipient, reason: `nobody holds the role "${role}" in office ${office} in the staff directory` });
    for (const m of members) found.set(m.id, staffPerson(m, input.defaultLanguage));
  };
  for (const recipient of input.notification.recipients) {
    if (recipient === CITIZEN) {
      found.set(CITIZEN, citizen(input));
    } else if (recipient === ASSIGNEE) {
      const tasks = tasksConcerned(input);
      if (!tasks.length) gaps.push({ recipient: ASSIGNEE, reason: 'no open task to name an assignee' });
      for (const task of tasks) {
        if (!task.assignee) {
          // Nobody has claimed the task yet: whoever may claim it is its holder.
          addRole(task.role, `${ASSIGNEE}:${task.id}`);
          continue;
        }
        const member = input.staff.find((s) => s.id === task.assignee);
        if (member) found.set(member.id, staffPerson(member, input.defaultLanguage));
        else gaps.push({ recipient: `${ASSIGNEE}:${task.id}`, reason: `${task.assignee} holds task ${task.id} but is not in the staff directory` });
      }
    } else {
      addRole(recipient, `role:${recipient}`);
    }
  }
  return { people: [...found.values()], gaps };
}

function messageContext(input: PlanInput, person: Person): MessageContext {
  const { application, definition, notification } = input;
  const context = notification.context;
  const language = person.language;
  const stepTitle = (stepId: string) => {
    const step = definition?.steps[stepId];
    return step?.type === 'userTask' ? step.title[language] : stepId;
  };
  const documents = Array.isArray(context.documents) ? (context.documents as unknown[]).filter((d): d is string => typeof d === 'string') : [];
  const fields = Array.isArray(context.fields) ? (context.fields as unknown[]).filter((f): f is string => typeof f === 'string') : [];
  const formProperties = ((definition?.form as { properties?: Record<string, { label?: Record<string, string> }> } | undefined)?.properties ?? {});
  const windowStep = typeof context.stepId === 'string' ? definition?.steps[context.stepId] : undefined;
  const dueAt = text(context.dueAt) ?? application.dueAt?.toISOString();
  const reason = text(context.reason);
  const outcome = text(context.outcome) ?? application.outcome ?? undefined;
  const motivation = localizedMotivation(definition, application.motivation, language);
  const forwardedTo = localizedInContext(context.forwardedTo, language);
  const deadline = typeof context.deadline === 'string' ? parseDeadlineId(context.deadline) : undefined;
  const clock = deadline?.kind === 'clock' ? localized(definition?.clocks?.[deadline.clockId]?.label, language) : undefined;
  return {
    language,
    audience: person.audience,
    trackingNumber: application.trackingNumber,
    procedure: localized(definition?.title, language) ?? String(context.procedureId ?? ''),
    now: input.now,
    ...(dueAt ? { dueAt: new Date(dueAt) } : {}),
    tasks: tasksConcerned(input).map((t) => stepTitle(t.stepId)),
    documents: documents.map((id) => definition?.documents.find((d) => d.id === id)?.label[language] ?? id),
    ...(fields.length ? { fields: fields.map((f) => formProperties[f]?.label?.[language] ?? f) } : {}),
    ...(windowStep?.type === 'citizenWindow' ? { action: windowStep.action.label[language] } : {}),
    paused: Boolean((application.deadline as { paused?: boolean } | null | undefined)?.paused),
    ...(outcome ? { outcome } : {}),
    ...(motivation ? { motivation } : {}),
    ...(forwardedTo ? { forwardedTo } : {}),
    ...(reason ? { reason } : {}),
    ...(clock ? { clock } : {}),
    ...(context.downloadable === true ? { downloadable: true } : {}),
    ...(text(context.postalReference) ? { postalReference: text(context.postalReference) } : {}),
  };
}

export function planDeliveries(input: PlanInput): Plan {
  const channels = allowedChannels(input.definition, input.notification.context);
  const { people: resolved, gaps } = people(input);
  const deliveries: PlannedDelivery[] = [];
  for (const person of resolved) {
    const addresses: Array<[Channel, string | undefined]> = [
      ['sms', person.phone],
      ['email', person.email],
    ];
    const reachable = addresses.filter(([channel, address]) => address && channels.includes(channel));
    if (!reachable.length && person.audience === 'staff') {
      gaps.push({ recipient: person.recipient, reason: `${person.recipient} has no ${channels.map((c) => (c === 'sms' ? 'phone number' : 'e-mail address')).join(' or ')} in the staff directory` });
    }
    // A citizen who left no contact follows the application online: nothing to send, nothing wrong.
    if (!reachable.length) continue;
    const { template } = input.notification;
    const own = input.definition?.messages && Object.prototype.hasOwnProperty.call(input.definition.messages, template) ? input.definition.messages[template] : undefined;
    const context = messageContext(input, person);
    const message = (own && renderProcedureMessage(own, context)) ?? renderMessage(template, context);
    for (const [channel, address] of reachable) {
      deliveries.push({ channel, recipient: person.recipient, address: address!, language: person.language, subject: message.subject, body: message.text });
    }
  }
  return { deliveries, gaps };
}
