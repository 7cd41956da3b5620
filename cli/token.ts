import { parseArgs } from 'node:util';
import { issueToken, ROLES, type Role } from '../identity/tokens.js';
import { loadConfig } from '../infra/config.js';
import { UsageError } from './usage-error.js';

/** `mohla token --role agent --office <id> [--sub <id>]`: a development bearer token, signed with JWT_SECRET. */
export async function tokenCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      role: { type: 'string' },
      office: { type: 'string', multiple: true },
      sub: { type: 'string' },
      name: { type: 'string' },
      expires: { type: 'string', default: '12h' },
    },
  });
  const role = values.role as Role | undefined;
  if (!role || !ROLES.includes(role)) throw new UsageError(`token: --role must be one of ${ROLES.join(', ')}`);
  const offices = values.office ?? [];
  if (['agent', 'supervisor', 'auditor'].includes(role) && offices.length === 0) {
    throw new UsageError(`token: a ${role} works for at least one office: --office <id> (repeatable)`);
  }
  if (!/^\d+[smhd]$/.test(values.expires as string)) throw new UsageError('token: --expires takes a duration like 30m or 12h (at most TOKEN_MAX_LIFETIME_SECONDS)');
  const config = loadConfig();
  const [, amount, unit] = /^(\d+)([smhd])$/.exec(values.expires as string)!;
  const seconds = Number(amount) * { s: 1, m: 60, h: 3600, d: 86400 }[unit as 's' | 'm' | 'h' | 'd'];
  if (seconds > config.tokens.maxLifetimeSeconds) {
    throw new UsageError(`token: --expires ${values.expires} is longer than TOKEN_MAX_LIFETIME_SECONDS (${config.tokens.maxLifetimeSeconds} s); the API would refuse it`);
  }
  const token = await issueToken(
    config.jwtSecret,
    { sub: values.sub ?? `${role}-${offices[0] ?? 'dev'}`, role, offices, ...(values.name ? { name: values.name } : {}) },
    seconds,
  );
  console.log(token);
  return 0;
}
