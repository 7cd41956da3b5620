'use strict';
/*
 * Failure messages and stack traces can quote what a client sent (a validator's reason, a database error
 * naming a value). With common attributes encoded they travel as a payload, which the payload codec
 * encrypts, and the failure itself says only "Encoded failure".
 *
 * CommonJS on purpose: the SDK require()s this file by path in the worker (and webpack bundles it into the
 * workflow sandbox), and a plain require() of TypeScript or of an ES module does not work under every
 * runner Mohla uses (tsx's ESM loader, vitest) nor on Node 20.
 */
const { DefaultFailureConverter } = require('@temporalio/common');

exports.failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
