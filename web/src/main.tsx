import { render } from 'preact';
import { App } from './app.js';
import { finishProviderSignIn, providerFailure } from './provider-sign-in.js';
import { navigate } from './router.js';
import './styles.css';

// A return from the identity provider is finished before the first page shows, signed in or not.
void finishProviderSignIn()
  .then((next) => {
    if (next) navigate(next);
  })
  .catch((err: unknown) => {
    providerFailure.set(err instanceof Error ? err.message : String(err));
    navigate('/sign-in');
  })
  .finally(() => render(<App />, document.getElementById('app')!));
