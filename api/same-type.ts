/**
 * `true` when A and B are the same type: each assignable to the other, with the same keys (an optional
 * field added on one side only is caught too); `never` otherwise, so `const _: Same<A, B> = true` stops
 * compiling when an answer's schema and the type it describes drift apart.
 */
export type Same<A, B> = [A] extends [B]
  ? [B] extends [A]
    ? [keyof A] extends [keyof B]
      ? [keyof B] extends [keyof A]
        ? true
        : never
      : never
    : never
  : never;

/**
 * `true` when what a lower layer makes (A) can be written as the answer's schema says (B) and has the
 * same fields, so the serializer drops none; for answers whose type is made below the API (the guide,
 * statistics), where the schema may say `string` for what is a closed list there.
 */
export type Fits<A, B> = [A] extends [B] ? ([keyof A] extends [keyof B] ? ([keyof B] extends [keyof A] ? true : never) : never) : never;
