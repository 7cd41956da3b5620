/** Which agent tasks may be completed several at once: the same outcome, and no data to enter. */
import type { UserTaskStep } from '../definition.generated.js';
import type { Problems } from './problems.js';

/**
 * A bulk completion sends each task the same outcome and no form data, so a step whose form requires a
 * field could never be completed that way: the flag would promise agents a button that always fails.
 */
export function checkBulkComplete(problems: Problems, step: UserTaskStep, at: string): void {
  if (step.bulkComplete !== true || !step.form) return;
  const required = (step.form as { required?: unknown }).required;
  if (Array.isArray(required) && required.length) {
    problems.refuse(`${at}/bulkComplete`, `tasks completed in bulk enter no data, but this step's form requires ${required.map((r) => `"${String(r)}"`).join(', ')}`);
  }
}
