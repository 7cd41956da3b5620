/**
 * The checks of the constructs language 2 added for what real procedures need: internal procedures
 * (filed by staff, no citizen), the outcomes `forwarded` and `partiallyGranted`, budgets in calendar
 * months, and a deadline variant's own extension. A definition written in language 1 may use none of
 * them; one in language 2 must use them as they are meant.
 */
import type { Budget, EndStep, Extension, LegalDeadline, ProcedureDefinition, ServiceLevel, Step, WarningRung } from './definition.generated.js';
import { MAX_MONTHS } from './deadline/budget.js';
import { INTERNAL_CHANNEL, isInternal } from './internal-procedures.js';
import { CURRENT_LANGUAGE_VERSION, type LanguageVersion } from './language.js';

/** Same shape as the other checks' problems (definition-checks.ts), which include these. */
interface ConstructProblem {
  pointer: string;
  message: string;
}

/** The outcomes only language 2 has. */
const LANGUAGE_2_OUTCOMES: ReadonlySet<EndStep['outcome']> = new Set(['forwarded', 'partiallyGranted']);

/** Every budget of a definition, with its pointer. */
function budgetsOf(definition: ProcedureDefinition): Array<{ budget: Budget; pointer: string }> {
  const found: Array<{ budget: Budget; pointer: string }> = [];
  const warnings = (rungs: WarningRung[] | undefined, pointer: string) =>
    (rungs ?? []).forEach((rung, i) => found.push({ budget: rung.before, pointer: `${pointer}/${i}/before` }));
  const deadline = definition.deadline;
  found.push({ budget: deadline.budget, pointer: '/deadline/budget' });
  (deadline.variants ?? []).forEach((v, i) => found.push({ budget: v.budget, pointer: `/deadline/variants/${i}/budget` }));
  warnings(deadline.warnings, '/deadline/warnings');
  if (deadline.onExpiry.action === 'escalate' && deadline.onExpiry.next) found.push({ budget: deadline.onExpiry.next, pointer: '/deadline/onExpiry/next' });
  for (const [id, step] of Object.entries(definition.steps)) {
    const at = `/steps/${id}`;
    if (step.type === 'userTask' && step.serviceLevel) {
      const level: ServiceLevel = step.serviceLevel;
      found.push({ budget: level.budget, pointer: `${at}/serviceLevel/budget` });
      warnings(level.warnings, `${at}/serviceLevel/warnings`);
      if (level.onExpiry?.action === 'escalate' && level.onExpiry.next) found.push({ budget: level.onExpiry.next, pointer: `${at}/serviceLevel/onExpiry/next` });
    }
    if (step.type === 'requestComplement') found.push({ budget: step.answerWithin, pointer: `${at}/answerWithin` });
    if (step.type === 'wait' && step.for) found.push({ budget: step.for, pointer: `${at}/for` });
  }
  for (const [id, clock] of Object.entries(definition.clocks ?? {})) {
    const at = `/clocks/${id}`;
    if (clock.budget) found.push({ budget: clock.budget, pointer: `${at}/budget` });
    if (clock.from) found.push('before' in clock.from ? { budget: clock.from.before, pointer: `${at}/from/before` } : { budget: clock.from.after, pointer: `${at}/from/after` });
    warnings(clock.warnings, `${at}/warnings`);
  }
  return found;
}

/** Every list of recipients of a definition, with its pointer. */
function recipientListsOf(definition: ProcedureDefinition): Array<{ recipients: string[]; pointer: string }> {
  const found: Array<{ recipients: string[]; pointer: string }> = [];
  const rungs = (list: WarningRung[] | undefined, pointer: string) =>
    (list ?? []).forEach((rung, i) => found.push({ recipients: rung.notify, pointer: `${pointer}/${i}/notify` }));
  const expiry = (e: LegalDeadline['onExpiry'] | undefined, pointer: string) => {
    if (e && (e.action === 'escalate' || e.action === 'notify' || e.action === 'goto') && e.notify) found.push({ recipients: e.notify, pointer: `${pointer}/notify` });
  };
  rungs(definition.deadline.warnings, '/deadline/warnings');
  expiry(definition.deadline.onExpiry, '/deadline/onExpiry');
  for (const [id, step] of Object.entries(definition.steps)) {
    const at = `/steps/${id}`;
    if (step.type === 'notify') found.push({ recipients: step.notify, pointer: `${at}/notify` });
    if (step.type === 'userTask' && step.serviceLevel) {
      rungs(step.serviceLevel.warnings, `${at}/serviceLevel/warnings`);
      expiry(step.serviceLevel.onExpiry, `${at}/serviceLevel/onExpiry`);
    }
  }
  for (const [id, clock] of Object.entries(definition.clocks ?? {})) {
    rungs(clock.warnings, `/clocks/${id}/warnings`);
    expiry(clock.onExpiry, `/clocks/${id}/onExpiry`);
  }
  return found;
}

/** The extensions of the legal deadline, its own and its variants', with their pointers. */
function extensionsOf(deadline: LegalDeadline): Array<{ extension: Extension; pointer: string }> {
  return [
    ...(deadline.extension ? [{ extension: deadline.extension, pointer: '/deadline/extension' }] : []),
    ...(deadline.variants ?? []).flatMap((v, i) => (v.extension ? [{ extension: v.extension, pointer: `/deadline/variants/${i}/extension` }] : [])),
  ];
}

class ConstructChecker {
  readonly problems: ConstructProblem[] = [];

  constructor(
    private readonly definition: ProcedureDefinition,
    private readonly language: LanguageVersion,
  ) {}

  add(pointer: string, message: string): void {
    this.problems.push({ pointer, message });
  }

  /** A language-2 construct in a language-1 definition: refused where it stands. */
  private needsLanguage2(pointer: string, what: string): void {
    if (this.language < 2) this.add(pointer, `${what} needs language 2; this definition is written in language 1 ("languageVersion": 1)`);
  }

  run(): ConstructProblem[] {
    this.checkChannels();
    for (const [id, step] of Object.entries(this.definition.steps)) this.checkStep(id, step);
    this.checkBudgets();
    this.checkVariantExtensions();
    if (isInternal(this.definition)) this.checkInternal();
    return this.problems;
  }

  private checkChannels(): void {
    const { channels, filingRoles } = this.definition;
    const internal = channels.indexOf(INTERNAL_CHANNEL);
    if (internal >= 0) {
      this.needsLanguage2(`/channels/${internal}`, 'the internal channel');
      if (channels.length > 1) {
        this.add('/channels', `an internal procedure is filed by staff only: "internal" cannot go with ${channels.filter((c) => c !== INTERNAL_CHANNEL).join(', ')}`);
      }
      if (!filingRoles) this.add('/filingRoles', 'an internal procedure names the roles whose holders may file it');
    }
    if (!filingRoles) return;
    this.needsLanguage2('/filingRoles', 'filingRoles');
    if (internal < 0) this.add('/filingRoles', 'filingRoles goes with the internal channel only: citizens file this procedure');
    filingRoles.forEach((role, i) => {
      if (!this.definition.roles.includes(role)) this.add(`/filingRoles/${i}`, `role "${role}" is not declared in /roles`);
    });
  }

  private checkStep(id: string, step: Step): void {
    if (step.type !== 'end') return;
    const at = `/steps/${id}`;
    if (LANGUAGE_2_OUTCOMES.has(step.outcome)) this.needsLanguage2(`${at}/outcome`, `the outcome "${step.outcome}"`);
    if (step.outcome === 'forwarded' && !step.forwardedTo) {
      this.add(`${at}/forwardedTo`, 'a forwarded application goes to a competent body: name it in forwardedTo');
    }
    if (step.forwardedTo && step.outcome !== 'forwarded') {
      this.add(`${at}/forwardedTo`, `only a forwarded end names a body to forward to, and this end's outcome is ${step.outcome}`);
    }
    if (step.outcome === 'partiallyGranted' && !step.motivation) {
      this.add(`${at}/motivation`, 'a partial grant refuses the rest, and a refusal must be motivated: say why in motivation');
    }
  }

  private checkBudgets(): void {
    for (const { budget, pointer } of budgetsOf(this.definition)) {
      if ('months' in budget) {
        this.needsLanguage2(pointer, 'a budget in calendar months');
        if (budget.months > MAX_MONTHS) this.add(`${pointer}/months`, `the engine counts at most ${MAX_MONTHS} months`);
      }
    }
  }

  private checkVariantExtensions(): void {
    (this.definition.deadline.variants ?? []).forEach((variant, i) => {
      if (!variant.extension) return;
      const at = `/deadline/variants/${i}/extension`;
      this.needsLanguage2(at, "a variant's own extension");
      if ('duration' in variant.budget) this.add(at, 'an extension adds days or months, and this variant counts a duration: it cannot be extended');
    });
  }

  /** An internal procedure has no citizen: nothing may be asked of one, nor told to one. */
  private checkInternal(): void {
    for (const [id, step] of Object.entries(this.definition.steps)) {
      if (step.type === 'requestComplement') {
        this.add(`/steps/${id}`, 'an internal procedure has no citizen to ask for documents: it cannot have a requestComplement step');
      }
    }
    for (const { recipients, pointer } of recipientListsOf(this.definition)) {
      recipients.forEach((r, i) => {
        if (r === 'citizen') this.add(`${pointer}/${i}`, 'an internal procedure has no citizen to notify');
      });
    }
    for (const { extension, pointer } of extensionsOf(this.definition.deadline)) {
      if (extension.noticeRequired) this.add(`${pointer}/noticeRequired`, 'an internal procedure has no citizen to give notice of an extension to');
    }
  }
}

/**
 * The problems of a definition's language-2 constructs, each with its JSON pointer. `language` is the
 * one the definition declares, else the current one (a definition published before language versions
 * declares none, and uses none of these constructs).
 */
export function checkConstructs(definition: ProcedureDefinition, language: LanguageVersion = definition.languageVersion ?? CURRENT_LANGUAGE_VERSION): ConstructProblem[] {
  return new ConstructChecker(definition, language).run();
}
