import { useState } from 'preact/hooks';
import { providerFailure, startProviderSignIn, type ProviderConfig } from '../provider-sign-in.js';
import { useStore } from '../store.js';
import { useData } from '../use-data.js';
import { api, ApiError } from '../api.js';
import { ProblemMessage } from '../components/Problem.js';
import { t } from '../i18n.js';
import { navigate } from '../router.js';
import { signIn, type Role } from '../session.js';

interface Persona {
  role: Role;
  sub: string;
  name: string;
  offices: string[];
}

/** People of the demonstration office, for development and the browser tests (POST /auth/demo-token). */
const PERSONAS: Persona[] = [
  { role: 'citizen', sub: 'AB123456', name: 'Amina El Idrissi', offices: [] },
  { role: 'agent', sub: 'agent-12', name: 'Youssef Benali', offices: ['annex-berkane-1'] },
  { role: 'supervisor', sub: 'supervisor-3', name: 'Khadija Ouazzani', offices: ['annex-berkane-1'] },
  { role: 'designer', sub: 'designer-1', name: 'Omar Tazi', offices: [] },
  { role: 'auditor', sub: 'auditor-1', name: 'Salma Chraibi', offices: ['annex-berkane-1'] },
];

export function homeOf(role: Role): string {
  return { citizen: '/applications', agent: '/inbox', supervisor: '/dashboard', designer: '/playground', auditor: '/dashboard', admin: '/inbox' }[role];
}

export function SignInPage({ next, kiosk = false }: { next?: string | null; kiosk?: boolean }) {
  const [error, setError] = useState<ApiError>();
  const [token, setToken] = useState('');
  const [citizenId, setCitizenId] = useState('');
  const personas = kiosk ? PERSONAS.filter((p) => p.role === 'citizen') : PERSONAS;
  const config = useData(() => api<{ provider: ProviderConfig | null }>('GET', '/auth/config'), []);
  const provider = config.data?.provider;
  const failure = useStore(providerFailure);

  async function withProvider(config: ProviderConfig) {
    setError(undefined);
    providerFailure.set(undefined);
    try {
      await startProviderSignIn(config, next || '/');
    } catch (err) {
      setError(new ApiError(0, 'provider', `${t('providerFailed')} ${err instanceof Error ? err.message : String(err)}`));
    }
  }

  async function demo(persona: Persona) {
    setError(undefined);
    try {
      const body = { ...persona, ...(persona.role === 'citizen' && citizenId.trim() ? { sub: citizenId.trim().toUpperCase(), name: citizenId.trim().toUpperCase() } : {}) };
      const answer = await api<{ token: string }>('POST', '/auth/demo-token', { body });
      signIn(answer.token);
      navigate(next || homeOf(persona.role));
    } catch (err) {
      setError(err instanceof ApiError && err.status === 404 ? new ApiError(404, 'off', t('demoOff')) : (err as ApiError));
    }
  }

  function pasted(e: Event) {
    e.preventDefault();
    setError(undefined);
    if (!signIn(token)) {
      setError(new ApiError(400, 'token', t('tokenInvalid'), [{ pointer: '/token', message: t('tokenInvalid') }]));
      return;
    }
    navigate(next || '/');
  }

  return (
    <section>
      <h1 tabIndex={-1}>{t('signIn')}</h1>
      <p>{t(kiosk ? 'kioskIdentify' : 'signInIntro')}</p>
      <ProblemMessage error={error ?? (failure ? new ApiError(0, 'provider', `${t('providerFailed')} ${failure}`) : undefined)} />
      {provider && (
        <p>
          <button type="button" class="big" onClick={() => void withProvider(provider)}>
            {t('providerSignIn')}
          </button>
        </p>
      )}
      <h2>{t('demoPeople')}</h2>
      <div class="field">
        <label for="citizen-id">{t('citizenId')}</label>
        <input id="citizen-id" value={citizenId} onInput={(e) => setCitizenId((e.currentTarget as HTMLInputElement).value)} placeholder="AB123456" dir="ltr" autocomplete="off" />
      </div>
      <ul class="personas">
        {personas.map((p) => (
          <li key={p.sub}>
            <button type="button" class="big" onClick={() => void demo(p)}>
              {t(`role_${p.role}`)} — {p.role === 'citizen' && citizenId.trim() ? citizenId.trim().toUpperCase() : p.name}
            </button>
          </li>
        ))}
      </ul>
      {!kiosk && (
        <form onSubmit={pasted} noValidate>
          <h2>{t('pasteToken')}</h2>
          <div class="field">
            <label for="token">{t('token')}</label>
            <textarea id="token" rows={3} dir="ltr" value={token} onInput={(e) => setToken((e.currentTarget as HTMLTextAreaElement).value)} />
          </div>
          <button type="submit">{t('signIn')}</button>
        </form>
      )}
    </section>
  );
}
