import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import { goInstall, userCacheDir, type GoInstallOptions } from './go-install.js';
import { isExecutable, retryUntil } from './system.js';
import type { Config } from './config.js';
import { stopChild } from './temporal-server.js';

/**
 * The Temporal UI beside a cluster: the UI server (Temporal's web pages and the HTTP API they call, which it
 * passes on to the frontend over gRPC) built from source like the server itself. The dev server embeds
 * one; a cluster has none of its own. docker-compose.yml runs the same release from the temporalio/ui image.
 */
const TEMPORAL_UI_MODULE = 'github.com/temporalio/ui-server/v2';
export const TEMPORAL_UI_VERSION = 'v2.42.1';

function temporalUiCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(userCacheDir(env), `temporal-ui-server-${TEMPORAL_UI_VERSION}`);
}

/**
 * Finds or builds the UI server in the user cache. `go install` names its binary `server`, as it does the
 * Temporal server's: it gets a folder of its own, so neither build can replace the other.
 */
export async function ensureUiServer(options: Pick<GoInstallOptions, 'env' | 'log'> = {}): Promise<string> {
  const target = temporalUiCacheDir(options.env);
  const kept = path.join(target, 'temporal-ui-server');
  if (isExecutable(kept)) return kept;
  return goInstall(
    { label: 'the Temporal UI server', module: `${TEMPORAL_UI_MODULE}/cmd/server`, version: TEMPORAL_UI_VERSION, binary: 'server', keepAs: 'temporal-ui-server', target },
    options,
  );
}

export interface UiSettings {
  /** The cluster's frontend (host:port). */
  temporalAddress: string;
  host: string;
  port: number;
  /** The namespace the UI opens on. */
  namespace: string;
  /**
   * Mohla's codec endpoint (…/codec), which the UI's page asks to decode payloads, sending the browser's
   * cookies for it (the staff session that `POST /codec/session` sets). Absent: the UI shows payloads as
   * Temporal holds them, encrypted.
   */
  codecEndpoint?: string;
}

/** The API's codec endpoint as the browser of this machine reaches it (the UI calls it from the page). */
export function codecEndpointUrl(config: Config): string {
  const host = ['0.0.0.0', '::', ''].includes(config.http.host) ? '127.0.0.1' : config.http.host;
  return `http://${host.includes(':') ? `[${host}]` : host}:${config.http.port}/codec`;
}

/** Whether the UI's page sends the browser's cookies to the codec endpoint: Mohla's codec session is one. */
export const UI_CODEC_INCLUDES_CREDENTIALS = true;

/** The UI server's configuration, in the keys of its YAML file. */
function uiServerConfig(settings: UiSettings): Record<string, unknown> {
  return {
    temporalGrpcAddress: settings.temporalAddress,
    host: settings.host,
    port: settings.port,
    enableUi: true,
    defaultNamespace: settings.namespace,
    // The release is pinned with the server's: a banner offering a newer UI would only be noise.
    notifyOnNewVersion: false,
    // The page calls its own server only; plain HTTP on this machine, so the anti-forgery cookie must not
    // ask for TLS, or the UI's write actions (cancel, signal, terminate) would be refused.
    cors: { allowOrigins: [], unsafeAllowAllOrigins: false, cookieInsecure: true },
    auth: { enabled: false },
    codec: settings.codecEndpoint
      ? { endpoint: settings.codecEndpoint, includeCredentials: UI_CODEC_INCLUDES_CREDENTIALS, passAccessToken: false }
      : {},
    // One line per request would drown the cluster's own output.
    hideLogs: true,
  };
}

function renderUiConfig(settings: UiSettings): string {
  return `# Written by Mohla from its settings at every start of the UI.\n${stringify(uiServerConfig(settings))}`;
}

/** The environment name the UI server is started with, and so the name of its file (<env>.yaml). */
const UI_ENV = 'mohla';

export interface RunningUi {
  url: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** Writes the configuration under `rootDir/config` and starts the UI server; resolves once it answers. */
export async function startTemporalUi(options: { binary: string; rootDir: string; settings: UiSettings; timeoutMs?: number }): Promise<RunningUi> {
  const configDir = path.join(options.rootDir, 'config');
  mkdirSync(configDir, { recursive: true });
  writeFileSync(path.join(configDir, `${UI_ENV}.yaml`), renderUiConfig(options.settings));
  // --config is read relative to --root, as the Temporal server does.
  const child = spawn(options.binary, ['--root', options.rootDir, '--config', 'config', '--env', UI_ENV, 'start'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  const keep = (chunk: Buffer) => {
    output.push(chunk.toString());
    output.splice(0, Math.max(0, output.length - 50));
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const { host, port } = options.settings;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) => reject(new Error(`the Temporal UI server exited with ${code}:\n${output.join('').slice(-2000)}`))),
  );
  exited.catch(() => undefined);
  const answers = retryUntil(async () => {
    const res = await fetch(`${url}/healthz`);
    if (!res.ok) throw new Error(`GET ${url}/healthz answered ${res.status}`);
  }, options.timeoutMs ?? 30_000, 200);
  try {
    await Promise.race([answers, exited]);
  } catch (err) {
    await stopChild(child);
    throw err;
  }
  return { url, process: child, stop: () => stopChild(child) };
}
