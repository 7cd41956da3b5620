/**
 * The procedure language's versions. The engine reads a definition by the rules of the version it was
 * published under, for as long as any of its applications runs: a corrected operator, a new guard or a
 * stricter check applies to definitions of the new version, and never changes what an application filed
 * under an older one does, nor how its history replays.
 *
 * Version 1 is the language as first shipped. Version 2 is the current one; docs/procedure-language.md
 * lists what it changed.
 */
export type LanguageVersion = 1 | 2;

export const CURRENT_LANGUAGE_VERSION: LanguageVersion = 2;

/** The version an application runs under; applications pinned before versions existed were language 1. */
export function languageOf(procedure: { languageVersion?: LanguageVersion }): LanguageVersion {
  return procedure.languageVersion ?? 1;
}
