import { useEffect, useRef } from 'preact/hooks';
import type { JSX } from 'preact';
import { DIRECTION, LANGUAGE_NAMES, LANGUAGES, setLanguage, t, useLanguage } from './i18n.js';
import { match, navigate, useLocation, type Location } from './router.js';
import { session, signOut, type Person, type Role } from './session.js';
import { useStore } from './store.js';
import { ApplicationPage, MyApplicationsPage } from './pages/Applications.js';
import { ApplyPage } from './pages/Apply.js';
import { DashboardPage } from './pages/Dashboard.js';
import { IncidentsPage } from './pages/Incidents.js';
import { MigrationsPage } from './pages/Migrations.js';
import { GuideEntryPage, GuidePage } from './pages/Guide.js';
import { InboxPage, TaskPage } from './pages/Inbox.js';
import { KioskFile, KioskHome, KioskTrack } from './pages/Kiosk.js';
import { PlaygroundPage } from './pages/Playground.js';
import { ReceiptPage } from './pages/Receipt.js';
import { VerifyHome, VerifyPage } from './pages/Verify.js';
import { homeOf, SignInPage } from './pages/SignIn.js';

interface Route {
  pattern: string;
  /** Who may open the page; none: anyone, signed in or not. */
  roles?: Role[];
  page(params: Record<string, string>, location: Location): JSX.Element;
}

const CITIZEN_SIDE: Role[] = ['citizen', 'agent', 'supervisor', 'admin'];
const STAFF: Role[] = ['agent', 'supervisor', 'admin'];

const ROUTES: Route[] = [
  { pattern: '/guide', page: () => <GuidePage /> },
  { pattern: '/guide/:id', page: ({ id }) => <GuideEntryPage id={id!} /> },
  // Keyed by procedure: another procedure's form starts empty, not with the last one's answers.
  { pattern: '/apply/:id', roles: CITIZEN_SIDE, page: ({ id }) => <ApplyPage key={id} id={id!} /> },
  { pattern: '/applications', roles: ['citizen'], page: () => <MyApplicationsPage /> },
  { pattern: '/applications/:trackingNumber', roles: [...CITIZEN_SIDE, 'auditor'], page: ({ trackingNumber }) => <ApplicationPage trackingNumber={trackingNumber!} /> },
  { pattern: '/applications/:trackingNumber/receipt', roles: CITIZEN_SIDE, page: ({ trackingNumber }) => <ReceiptPage trackingNumber={trackingNumber!} /> },
  // The page a document's QR code opens: public, like the check behind it.
  { pattern: '/verify', page: () => <VerifyHome /> },
  { pattern: '/verify/:code', page: ({ code }) => <VerifyPage code={code!} /> },
  { pattern: '/kiosk', page: () => <KioskHome /> },
  { pattern: '/kiosk/track', page: () => <KioskTrack /> },
  { pattern: '/kiosk/file', page: () => <KioskFile /> },
  { pattern: '/kiosk/guide/:id', roles: ['citizen'], page: ({ id }) => <GuideEntryPage id={id!} base="/kiosk" /> },
  { pattern: '/kiosk/apply/:id', roles: ['citizen'], page: ({ id }) => <ApplyPage key={id} id={id!} base="/kiosk" /> },
  { pattern: '/kiosk/applications/:trackingNumber/receipt', roles: ['citizen'], page: ({ trackingNumber }) => <ReceiptPage trackingNumber={trackingNumber!} base="/kiosk" /> },
  { pattern: '/inbox', roles: STAFF, page: (_p, location) => <InboxPage params={location.params} /> },
  { pattern: '/inbox/:taskId', roles: STAFF, page: ({ taskId }) => <TaskPage taskId={taskId!} /> },
  { pattern: '/dashboard', roles: ['supervisor', 'auditor', 'admin'], page: (_p, location) => <DashboardPage params={location.params} /> },
  { pattern: '/incidents', roles: ['supervisor', 'admin'], page: (_p, location) => <IncidentsPage params={location.params} /> },
  { pattern: '/playground', roles: ['designer', 'admin'], page: () => <PlaygroundPage /> },
  { pattern: '/migrations', roles: ['designer', 'admin'], page: (_p, location) => <MigrationsPage params={location.params} /> },
  { pattern: '/sign-in', page: (_p, location) => <SignInPage next={location.params.get('next')} /> },
];

const MENU: Array<{ path: string; label: () => string; roles?: Role[]; signedOut?: boolean }> = [
  { path: '/guide', label: () => t('guide') },
  { path: '/applications', label: () => t('myApplications'), roles: ['citizen'] },
  { path: '/inbox', label: () => t('inbox'), roles: STAFF },
  { path: '/dashboard', label: () => t('dashboard'), roles: ['supervisor', 'auditor', 'admin'] },
  { path: '/incidents', label: () => t('incidents'), roles: ['supervisor', 'admin'] },
  { path: '/playground', label: () => t('playground'), roles: ['designer', 'admin'] },
  { path: '/migrations', label: () => t('migrations'), roles: ['designer', 'admin'] },
  { path: '/kiosk', label: () => t('kiosk'), signedOut: true },
];

/** Kiosks are shared: a person who walks away is signed out after two quiet minutes. */
const KIOSK_IDLE_MS = 120_000;

function useKioskTimeout(kiosk: boolean, person: Person | undefined) {
  useEffect(() => {
    if (!kiosk || !person) return;
    let timer = window.setTimeout(expire, KIOSK_IDLE_MS);
    function expire() {
      signOut();
      navigate('/kiosk');
    }
    const reset = () => {
      window.clearTimeout(timer);
      timer = window.setTimeout(expire, KIOSK_IDLE_MS);
    };
    const events = ['pointerdown', 'keydown', 'input'];
    for (const e of events) window.addEventListener(e, reset);
    return () => {
      window.clearTimeout(timer);
      for (const e of events) window.removeEventListener(e, reset);
    };
  }, [kiosk, person]);
}

export function App() {
  const lang = useLanguage();
  const person = useStore(session);
  const location = useLocation();
  const main = useRef<HTMLElement>(null);
  const kiosk = location.path.startsWith('/kiosk');

  useEffect(() => {
    document.documentElement.lang = lang;
    document.documentElement.dir = DIRECTION[lang];
  }, [lang]);

  useEffect(() => {
    document.body.classList.toggle('kiosk-mode', kiosk);
  }, [kiosk]);

  // A new page: its heading gets the focus, so keyboard and screen-reader users start from the top.
  useEffect(() => {
    const heading = main.current?.querySelector<HTMLElement>('h1');
    (heading ?? main.current)?.focus();
  }, [location.path]);
  useEffect(() => {
    document.title = `${main.current?.querySelector('h1')?.textContent ?? ''} — ${t('appName')}`;
  });

  useKioskTimeout(kiosk, person);

  let content: JSX.Element;
  if (location.path === '/') {
    content = person ? <Redirect to={homeOf(person.role)} /> : <GuidePage />;
  } else {
    const found = ROUTES.map((r) => ({ route: r, params: match(r.pattern, location.path) })).find((x) => x.params);
    if (!found) content = <Message text={t('notFound')} />;
    else if (found.route.roles && !person) content = <SignInPage next={location.path} kiosk={kiosk} />;
    else if (found.route.roles && person && !found.route.roles.includes(person.role)) content = <Message text={t('notAllowed')} />;
    else content = found.route.page(found.params!, location);
  }

  return (
    <>
      <a class="skip-link" href="#main" onClick={(e) => { e.preventDefault(); main.current?.focus(); }}>
        {t('skipToContent')}
      </a>
      <header class="site-header no-print">
        <a class="brand" href={kiosk ? '#/kiosk' : '#/'}>
          <span class="brand-name">{t('appName')}</span>
          <span class="brand-tagline">{t('tagline')}</span>
        </a>
        <nav aria-label={t('languageChoice')} class="languages">
          {LANGUAGES.map((l) => (
            <button key={l} type="button" lang={l} aria-pressed={l === lang} onClick={() => setLanguage(l)}>
              {LANGUAGE_NAMES[l]}
            </button>
          ))}
        </nav>
        {!kiosk && (
          <nav aria-label={t('mainMenu')} class="menu">
            <ul>
              {MENU.filter((m) => (m.roles ? person && m.roles.includes(person.role) : !m.signedOut || !person)).map((m) => (
                <li key={m.path}>
                  <a href={`#${m.path}`} aria-current={location.path.startsWith(m.path) ? 'page' : undefined}>
                    {m.label()}
                  </a>
                </li>
              ))}
              <li>
                {person ? (
                  <button type="button" class="link" onClick={() => { signOut(); navigate('/'); }}>
                    {t('signOut')} ({person.name ?? person.sub})
                  </button>
                ) : (
                  <a href="#/sign-in">{t('signIn')}</a>
                )}
              </li>
            </ul>
          </nav>
        )}
      </header>
      <main id="main" ref={main} tabIndex={-1}>
        {content}
      </main>
    </>
  );
}

function Redirect({ to }: { to: string }) {
  useEffect(() => navigate(to), [to]);
  return null;
}

function Message({ text }: { text: string }) {
  return (
    <section>
      <h1 tabIndex={-1}>{text}</h1>
      <p>
        <a href="#/">{t('home')}</a>
      </p>
    </section>
  );
}
