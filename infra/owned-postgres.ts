import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { retryUntil } from './system.js';

/**
 * A PostgreSQL server that a stack owns, apart from the machine's service: Debian's `postgresql` package
 * brings initdb and postgres. The server is a direct child of this process (no pg_ctl daemon in between),
 * so a fault test can kill -9 it and start it again on the same data, exactly as a crash would.
 */
export interface OwnedPostgresOptions {
  dataDir: string;
  port: number;
  /** The superuser initdb creates; it trusts local TCP connections (the stack listens on loopback only). */
  user?: string;
  log?: (line: string) => void;
}

export function postgresBinDir(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a)) : [];
  const dir = versions.map((v) => path.join(root, v, 'bin')).find((d) => existsSync(path.join(d, 'initdb')));
  if (!dir) throw new Error("PostgreSQL's server programs were not found under /usr/lib/postgresql (Debian's postgresql package).");
  return dir;
}

/** initdb and postgres refuse to run as root: as root the server runs as the `postgres` system user. */
function runAs(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
  return { uid, gid };
}

export class OwnedPostgres {
  private child?: ChildProcess;
  private readonly bin = postgresBinDir();
  private readonly identity = runAs();
  readonly user: string;

  constructor(private readonly options: OwnedPostgresOptions) {
    this.user = options.user ?? 'postgres';
  }

  get url(): string {
    return `postgres://${this.user}@127.0.0.1:${this.options.port}/postgres`;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  private initialise(): void {
    const { dataDir } = this.options;
    if (existsSync(path.join(dataDir, 'PG_VERSION'))) return;
    mkdirSync(dataDir, { recursive: true });
    if (this.identity) chownSync(dataDir, this.identity.uid, this.identity.gid);
    chmodSync(dataDir, 0o700);
    try {
      execFileSync(
        path.join(this.bin, 'initdb'),
        ['-D', dataDir, '-U', this.user, '--auth=trust', '--encoding=UTF8', '--locale=C.UTF-8', '--no-sync'],
        { stdio: 'pipe', ...this.identity },
      );
    } catch (err) {
      const said = String((err as { stderr?: Buffer }).stderr ?? '').trim();
      throw new Error(`initdb could not create ${dataDir}${this.identity ? ' as the postgres user (can it reach that folder?)' : ''}: ${said}`);
    }
  }

  async start(): Promise<void> {
    this.initialise();
    const { dataDir, port } = this.options;
    const child = spawn(
      path.join(this.bin, 'postgres'),
      ['-D', dataDir, '-p', String(port), '-h', '127.0.0.1', '-k', dataDir, '-c', 'max_connections=300', '-c', 'fsync=on'],
      { stdio: ['ignore', 'ignore', 'pipe'], ...this.identity },
    );
    this.child = child;
    child.stderr?.on('data', (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n')) if (/FATAL|PANIC/.test(line) && !/starting up|not yet accepting|shutting down|terminating connection due to administrator command/.test(line)) this.options.log?.(`postgres: ${line}`);
    });
    await retryUntil(async () => {
      if (child.exitCode !== null) throw new Error(`postgres exited with ${child.exitCode}`);
      const client = new pg.Client({ connectionString: this.url });
      await client.connect();
      await client.end();
    }, 30_000, 200);
  }

  /** A crash: no shutdown checkpoint; the next start recovers from the write-ahead log. */
  kill(): Promise<void> {
    return this.stopWith('SIGKILL');
  }

  stop(): Promise<void> {
    return this.stopWith('SIGINT');
  }

  private stopWith(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      child.once('exit', () => resolve());
      child.kill(signal);
    });
  }
}
