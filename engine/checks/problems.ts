/**
 * How the checker reports: one problem per JSON pointer, and whether it refuses the definition. A rule the
 * language had from version 1 refuses whatever the definition's version; a rule version 2 added refuses a
 * version-2 definition and only warns about a version-1 one, which must keep loading as it always did.
 */
import type { LanguageVersion } from '../language.js';

export interface DefinitionProblem {
  /** JSON pointer into the definition. */
  pointer: string;
  message: string;
  /** A warning is reported and never refuses the definition; without it, the problem refuses it. */
  severity?: 'warning';
}

export class Problems {
  readonly list: DefinitionProblem[] = [];

  constructor(readonly language: LanguageVersion) {}

  /** A rule of the language since version 1. */
  refuse(pointer: string, message: string): void {
    this.list.push({ pointer, message });
  }

  /** A rule version 2 added: a refusal in version 2, a warning for a version-1 definition. */
  refuseFromVersion2(pointer: string, message: string): void {
    if (this.language >= 2) this.refuse(pointer, message);
    else this.warn(pointer, message);
  }

  /** Advice: worth a look, never a refusal. */
  warn(pointer: string, message: string): void {
    this.list.push({ pointer, message, severity: 'warning' });
  }
}
