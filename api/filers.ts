/**
 * Who may file an application of a procedure, and for which citizen: a citizen for themself (web,
 * kiosk), an agent at a counter for a citizen, and, for an internal procedure (language 2), a member of
 * the office's staff who holds one of its filing roles in the staff directory, with no citizen at all.
 */
import type { PinnedProcedure } from '../engine/interpreter/state.js';
import { DomainError } from '../engine/errors.js';
import { isInternal } from '../engine/internal-procedures.js';
import { listStaff } from '../db/staff.js';
import type { Principal } from '../identity/tokens.js';
import { STAFF, worksFor } from './auth.js';
import type { ApiContext } from './context.js';

/** What a filing request says of who files it and where. */
interface FilingParties {
  officeId?: string | undefined;
  citizen?: string | undefined;
}

/** An internal procedure's filer: staff of the office listed in the staff directory with one of its filing roles. */
async function internalFiler(ctx: Pick<ApiContext, 'orm'>, principal: Principal, body: FilingParties, procedure: PinnedProcedure): Promise<void> {
  if (!STAFF.includes(principal.role)) {
    throw new DomainError('forbidden', `${procedure.id} is an internal procedure: staff of the office file it, not citizens.`);
  }
  if (body.citizen !== undefined) {
    throw new DomainError('invalid_input', 'An internal procedure has no citizen.', [{ pointer: '/citizen', message: 'must be left out: an internal procedure has no citizen' }]);
  }
  // Without an office, the filing is refused with the form's errors (the office is required).
  if (!body.officeId) return;
  if (!worksFor(principal, body.officeId)) {
    throw new DomainError('forbidden', `You do not work for office ${body.officeId}.`, [{ pointer: '/officeId', message: 'is not one of your offices' }]);
  }
  const roles: readonly string[] = procedure.definition.filingRoles ?? [];
  const member = (await listStaff(ctx.orm, body.officeId)).find((m) => m.id === principal.sub);
  if (!member || !roles.includes(member.role)) {
    throw new DomainError(
      'forbidden',
      `Only staff of office ${body.officeId} who hold the role ${roles.join(' or ')} in the staff directory may file ${procedure.id}.`,
    );
  }
}

/** The citizen an application is filed for: the caller, the citizen an agent names, or none (''): an internal procedure. */
export async function filedFor(ctx: Pick<ApiContext, 'orm'>, principal: Principal, body: FilingParties, procedure: PinnedProcedure): Promise<string> {
  const definition = procedure.definition;
  if (isInternal(definition)) {
    await internalFiler(ctx, principal, body, procedure);
    return '';
  }
  let citizen = principal.sub;
  if (principal.role === 'citizen') {
    if (body.citizen && body.citizen !== principal.sub) {
      throw new DomainError('forbidden', 'A citizen files for themself.', [{ pointer: '/citizen', message: 'must be left out' }]);
    }
  } else {
    if (!body.citizen) throw new DomainError('invalid_input', 'Say which citizen the application is filed for.', [{ pointer: '/citizen', message: 'is required when an agent files' }]);
    if (body.officeId && !worksFor(principal, body.officeId)) throw new DomainError('forbidden', `You do not work for office ${body.officeId}.`, [{ pointer: '/officeId', message: 'is not one of your offices' }]);
    citizen = body.citizen;
  }
  const channel = principal.role === 'citizen' ? 'web' : 'counter';
  const channels: readonly string[] = definition.channels;
  if (!channels.includes(channel) && !(channel === 'web' && channels.includes('kiosk'))) {
    throw new DomainError('forbidden', `${procedure.id} cannot be filed through the ${channel}; it takes: ${definition.channels.join(', ')}.`);
  }
  return citizen;
}
