/**
 * Every sentence that says why a plan is refused or why an application cannot move, by code. The engine
 * and the API write them in English from these templates; the web reads them back with the same templates
 * and says them in the reader's language (web/src/i18n.ts, `mr_<code>`), so the two cannot drift apart.
 */
export const MIGRATION_REASONS = {
  mappedToMissing: 'step "{step}" is mapped to "{target}", which version {version} does not have',
  notInVersion: 'step "{step}" is not in version {version} and the plan does not map it',
  otherKind: 'step "{step}" is a {kind} step and "{target}" of version {version} is a {otherKind} step',
  noBranch: 'the parallel step "{target}" of version {version} has no branch {branches}',
  merged: 'steps "{step}" and "{other}" would both be "{target}" in version {version}: map one of them to another step',
  otherProcedure: 'version {version} belongs to procedure "{other}", not "{procedure}"',
  notLater: 'must be later than version {version}',
  noStep: 'version {version} has no step "{step}"',
  notPublished: 'is not a published version of the procedure',
  alreadyMoved: 'the application already runs on version {version}',
  otherVersion: 'the application runs on version {version}, not {expected}',
  closed: 'the application is {outcome}',
  language: 'version {version} is read in language {language} and the application in language {current}',
  atStep: 'it is at step "{step}": {reason}',
  role: 'its task at step "{step}" is for the role "{role}", which version {version} does not have',
  clock: 'its clock "{clock}" is running and version {version} does not declare it',
  ended: 'its workflow has ended: the application is closed',
  form: 'its form does not fit version {version}: {field} {problem}',
  noAnswer: 'its workflow did not answer: {detail}',
  notSent: 'the move could not be sent: {detail}',
} as const;

export type MigrationReasonCode = keyof typeof MIGRATION_REASONS;

/** The sentence for `code`, its placeholders filled. */
export function migrationReason(code: MigrationReasonCode, values: Record<string, string | number> = {}): string {
  return MIGRATION_REASONS[code].replace(/\{(\w+)\}/g, (_, name: string) => String(values[name] ?? `{${name}}`));
}

/** Reads a sentence back: its code and the values in its placeholders, or undefined for another sentence. */
export function readMigrationReason(sentence: string): { code: MigrationReasonCode; values: Record<string, string> } | undefined {
  for (const [code, template] of Object.entries(MIGRATION_REASONS) as Array<[MigrationReasonCode, string]>) {
    const names: string[] = [];
    const pattern = template
      .split(/(\{\w+\})/)
      .map((part) => {
        const name = /^\{(\w+)\}$/.exec(part)?.[1];
        if (!name) return part.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
        names.push(name);
        return '([\\s\\S]*?)';
      })
      .join('');
    const m = new RegExp(`^${pattern}$`).exec(sentence);
    if (m) return { code, values: Object.fromEntries(names.map((name, i) => [name, m[i + 1]!])) };
  }
  return undefined;
}
