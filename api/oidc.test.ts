import { describe, expect, it } from 'vitest';
import type { OidcSettings } from '../infra/config.js';
import { principalFromClaims, UnmappedClaimsError } from './oidc.js';

const keycloak: OidcSettings = {
  issuer: 'https://id.example.ma/realms/commune',
  audience: 'mohla-web',
  clientId: 'mohla-web',
  scopes: 'openid',
  roleClaim: 'realm_access.roles',
  roleMap: { 'mohla-agents': 'agent', 'mohla-auditors': 'auditor' },
  officesClaim: 'offices',
};

describe("a provider's claims as a Mohla principal", () => {
  it('reads roles down a dotted path, maps them, ignores the names it does not know, and takes offices as a list or a string', () => {
    const claims = { sub: 'u-1', name: 'Youssef Benali', realm_access: { roles: ['offline_access', 'mohla-agents'] }, offices: 'annex-berkane-1 annex-berkane-2' };
    expect(principalFromClaims(claims, keycloak)).toEqual({ sub: 'u-1', role: 'agent', offices: ['annex-berkane-1', 'annex-berkane-2'], name: 'Youssef Benali' });
    expect(principalFromClaims({ sub: 'u-2', realm_access: { roles: ['mohla-auditors'] }, offices: ['a', 'a', 'b'] }, keycloak).offices).toEqual(['a', 'b']);
  });

  it("takes Mohla's own role names when there is no map, and the default role when nothing maps", () => {
    const plain = { ...keycloak, roleClaim: 'roles', roleMap: {} };
    expect(principalFromClaims({ sub: 'u-3', roles: 'supervisor' }, plain).role).toBe('supervisor');
    expect(principalFromClaims({ sub: 'u-4', roles: ['staff'] }, { ...plain, defaultRole: 'citizen' }).role).toBe('citizen');
  });

  it('refuses a token that maps to no role, to two roles, or names no subject', () => {
    expect(() => principalFromClaims({ sub: 'u-5', realm_access: { roles: ['staff'] } }, keycloak)).toThrow(UnmappedClaimsError);
    expect(() => principalFromClaims({ sub: 'u-6', realm_access: { roles: ['mohla-agents', 'mohla-auditors'] } }, keycloak)).toThrow(/several roles/);
    expect(() => principalFromClaims({ realm_access: { roles: ['mohla-agents'] } }, keycloak)).toThrow(/subject/);
  });
});
