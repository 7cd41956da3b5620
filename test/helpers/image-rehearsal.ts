/**
 * The image's own steps, performed outside Docker (no Docker engine runs on the project's machines): each
 * stage of the Dockerfile gets a folder standing for its `/`, its COPY instructions copy the build context
 * (less .dockerignore) or another stage's files, and its RUN commands run there, through `/bin/sh -c` as
 * Docker would, as an unprivileged user with the stage's ENV. The image's folders (its WORKDIRs and
 * VOLUMEs) are mapped into the stage's folder wherever the file names them; the user the image switches to
 * is that unprivileged user, and from its USER on the stage's files are root's, as Docker leaves them,
 * except what a RUN chowned to it. A step that fails in the image fails here.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, copyFileSync, lchownSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import dockerignore from '@balena/dockerignore';
import { readDockerfile, type Stage, type Step } from './dockerfile.js';

/** Who runs the image's steps: never root. */
export interface ImageUser {
  name: string;
  group: string;
  uid: number;
  gid: number;
  /** Root runs the steps as this user through runuser; anyone else runs them as themselves. */
  switched: boolean;
}

const IMAGE_TEST_USER = 'mohla-image-test';

/** As root (CI here runs as root), a system user made for the test; otherwise the user running it. */
export function imageUser(): ImageUser {
  const self = os.userInfo();
  if (self.uid !== 0) {
    const group = execFileSync('id', ['-gn'], { encoding: 'utf8' }).trim();
    return { name: self.username, group, uid: self.uid, gid: self.gid, switched: false };
  }
  const id = (flag: string) => Number(execFileSync('id', [flag, IMAGE_TEST_USER], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim());
  try {
    id('-u');
  } catch {
    try {
      execFileSync('useradd', ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', IMAGE_TEST_USER], { stdio: 'pipe' });
    } catch (err) {
      // Another run may have made it in the meantime (useradd's 9: the name is taken).
      if ((err as { status?: number }).status !== 9) throw err;
    }
  }
  return { name: IMAGE_TEST_USER, group: IMAGE_TEST_USER, uid: id('-u'), gid: id('-g'), switched: true };
}

/** The command line that runs `command` as the user, with exactly the environment given. */
function asUser(user: ImageUser, command: string[]): [string, string[]] {
  // -m keeps the environment the process is given: the image's, nothing of root's.
  return user.switched ? ['runuser', ['-m', '-u', user.name, '--', ...command]] : [command[0]!, command.slice(1)];
}

export interface Ran {
  code: number | null;
  output: string;
}

/** Runs a command as the image's user and waits for it. */
export function runAs(user: ImageUser, command: string[], options: { cwd: string; env: Record<string, string> }): Promise<Ran> {
  const [file, args] = asUser(user, command);
  const child = spawn(file, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, output }));
  });
}

/** Starts a long-running process as the image's user, in a process group of its own. */
export function startAs(user: ImageUser, command: string[], options: { cwd: string; env: Record<string, string> }): ChildProcess {
  const [file, args] = asUser(user, command);
  return spawn(file, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
}

/** Stops a process that startAs started, and whatever it started in its group (SIGKILL after the grace). */
export function stopGroup(child: ChildProcess, graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || !child.pid) return Promise.resolve();
  const pid = child.pid;
  return new Promise((resolve) => {
    const force = setTimeout(() => {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // Gone already.
      }
    }, graceMs);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    process.kill(-pid, 'SIGTERM');
  });
}

export interface RehearsalOptions {
  dockerfile: string;
  /** The build context: the folder `docker build` would be given. */
  context: string;
  /** An empty folder the rehearsal owns. */
  scratch: string;
  user: ImageUser;
  log?: (line: string) => void;
}

export interface RehearsedImage {
  /** The folder standing for the final image's `/`. */
  root: string;
  /** The final stage's WORKDIR, on this machine. */
  workdir: string;
  /** What the image's processes start with: a PATH to Node and a HOME, then the final stage's ENV (paths mapped). */
  env: Record<string, string>;
  /** The final stage's VOLUMEs, on this machine. */
  volumes: string[];
  /** The user the image runs as (USER), which the rehearsal's user stands for. */
  imageUser?: string;
  cmd: string[];
  healthcheck?: string[];
  /** Maps the image's folders, as the file names them, into the rehearsal's folders. */
  mapPaths(text: string): string;
}

/** Node 24, the base image's runtime: the one running the tests, copied where the image's user may read it. */
function nodeForUser(options: RehearsalOptions): string {
  const home = path.resolve(process.execPath, '..', '..');
  if (!options.user.switched) return home;
  const copy = path.join(options.scratch, 'node');
  execFileSync('cp', ['-a', home, copy]);
  return copy;
}

/**
 * A copy of the npm cache of the user running the test, the user's own: `npm ci --prefer-offline` then
 * takes the packages from it rather than from the registry, and the image's `npm cache clean` empties the
 * copy, not the original.
 */
function npmCacheForUser(options: RehearsalOptions): string {
  const copy = path.join(options.scratch, 'npm-cache');
  const original = path.join(process.env.npm_config_cache || path.join(os.homedir(), '.npm'), '_cacache');
  mkdirSync(copy, { recursive: true });
  if (existsSync(original)) execFileSync('cp', ['-a', original, path.join(copy, '_cacache')]);
  execFileSync('chown', ['-R', `${options.user.uid}:${options.user.gid}`, copy]);
  return copy;
}

/**
 * How this machine reaches the registry (its proxy, its certificate authorities), handed to the RUN steps
 * as Docker hands a build its proxy arguments; nothing else of the test's environment goes in.
 */
function networkSettings(): Record<string, string> {
  const names = ['HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY', 'http_proxy', 'https_proxy', 'no_proxy', 'NODE_EXTRA_CA_CERTS', 'SSL_CERT_FILE', 'SSL_CERT_DIR'];
  return Object.fromEntries(names.flatMap((name) => (process.env[name] ? [[name, process.env[name]!]] : [])));
}

/** Copies a file or a folder's content, owned by the image's user, skipping what `skip` names. */
function copyTree(source: string, destination: string, user: ImageUser, skip: (source: string) => boolean = () => false): void {
  const stat = lstatSync(source);
  if (stat.isSymbolicLink()) {
    symlinkSync(readlinkSync(source), destination);
  } else if (stat.isDirectory()) {
    mkdirSync(destination, { recursive: true });
    for (const name of readdirSync(source)) {
      const from = path.join(source, name);
      if (!skip(from)) copyTree(from, path.join(destination, name), user, skip);
    }
  } else {
    mkdirSync(path.dirname(destination), { recursive: true });
    copyFileSync(source, destination);
  }
  try {
    lchownSync(destination, user.uid, user.gid);
  } catch (err) {
    if (user.switched) throw err;
  }
}

/** Every folder the image names as its own: where the rehearsal must put them instead. */
function imageFolders(stages: Stage[]): string[] {
  const folders = new Set<string>();
  for (const stage of stages) {
    for (const step of stage.steps) {
      if (step.keyword === 'WORKDIR') folders.add(step.path);
      if (step.keyword === 'VOLUME') for (const volume of step.paths) folders.add(volume);
    }
  }
  return [...folders].sort((a, b) => b.length - a.length);
}

function pathMapper(folders: string[], root: string): (text: string) => string {
  if (!folders.length) return (text) => text;
  const escaped = folders.map((f) => f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const pattern = new RegExp(`(?<![\\w./-])(${escaped.join('|')})(?=[/\\s'":;&|)]|$)`, 'g');
  return (text) => text.replace(pattern, (folder) => path.join(root, folder));
}

/** `chown node:node …` in the image is `chown <the rehearsal's user>:<group> …` here. */
function mapOwners(text: string, imageUsers: Set<string>, user: ImageUser): string {
  return text.replace(/\bchown(\s+(?:-\S+\s+)*)(\S+)/g, (_all, options: string, owner: string) => {
    const [name, group] = owner.split(':');
    const mapped = `${name && imageUsers.has(name) ? user.name : name}${group === undefined ? '' : `:${group && imageUsers.has(group) ? user.group : group}`}`;
    return `chown${options}${mapped}`;
  });
}

/** What a RUN gives the image's user with chown: the only files of the image that user may write. */
function chownedToImageUser(text: string, imageUsers: Set<string>): Array<{ path: string; recursive: boolean }> {
  const given: Array<{ path: string; recursive: boolean }> = [];
  for (const match of text.matchAll(/\bchown((?:\s+-\S+)*)\s+([^\s:]+)(?::\S*)?((?:\s+[^\s;&|]+)+)/g)) {
    if (!imageUsers.has(match[2]!)) continue;
    const recursive = /-\w*R|--recursive/.test(match[1] ?? '');
    for (const target of match[3]!.trim().split(/\s+/)) given.push({ path: target, recursive });
  }
  return given;
}

/**
 * The files a stage holds when its USER switches away from root: Docker's COPY and RUN made them root's,
 * so the image's user may read them but write none, except what a RUN chowned to it. Here the user made
 * them: root hands them to root; a user who is not root takes the write permission away.
 */
function handToRoot(root: string, chowned: Array<{ path: string; recursive: boolean }>, user: ImageUser): void {
  if (user.switched) execFileSync('chown', ['-R', '0:0', root]);
  else execFileSync('chmod', ['-R', 'a-w', root]);
  for (const { path: target, recursive } of chowned) {
    if (user.switched) execFileSync('chown', [...(recursive ? ['-R'] : []), `${user.uid}:${user.gid}`, target]);
    else execFileSync('chmod', [...(recursive ? ['-R'] : []), 'u+w', target]);
  }
}

/** The scratch folder can be removed again by whoever made it, whatever handToRoot did. */
export function makeRemovable(scratch: string): void {
  execFileSync('chmod', ['-R', 'u+w', scratch]);
}

/** Performs every stage's steps; answers how to start the final stage, the image. */
export async function rehearseBuild(options: RehearsalOptions): Promise<RehearsedImage> {
  const log = options.log ?? (() => undefined);
  const { user, scratch } = options;
  const stages = readDockerfile(options.dockerfile);
  const folders = imageFolders(stages);
  const imageUsers = new Set(stages.flatMap((s) => s.steps.flatMap((step) => (step.keyword === 'USER' ? [step.user.split(':')[0]!] : []))));
  chmodSync(scratch, 0o755);
  const home = path.join(scratch, 'home');
  mkdirSync(home);
  chownSync(home, user.uid, user.gid);
  const copying = Date.now();
  const node = nodeForUser(options);
  const npmCache = npmCacheForUser(options);
  log(`Node and the npm cache copied for ${user.name} in ${Math.round((Date.now() - copying) / 1000)} s`);
  // The base image's PATH, with Node 24 first where the image has it in /usr/local/bin.
  const baseEnv = { PATH: `${path.join(node, 'bin')}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin`, HOME: home };
  const npmEnv = { ...networkSettings(), npm_config_cache: npmCache, npm_config_prefer_offline: 'true', npm_config_update_notifier: 'false' };
  const context = path.resolve(options.context);
  const dockerignorePath = path.join(context, '.dockerignore');
  // The package is CommonJS whose types declare an ES default: `.default` is the same function at run time.
  const ignored = dockerignore.default().add(existsSync(dockerignorePath) ? readFileSync(dockerignorePath, 'utf8') : '');
  const fromContext = (source: string) => ignored.ignores(path.relative(context, source));
  const roots = new Map<string, string>();
  let image: RehearsedImage | undefined;

  for (const [index, stage] of stages.entries()) {
    const root = path.join(scratch, `stage-${index}${stage.name ? `-${stage.name}` : ''}`);
    mkdirSync(root);
    chownSync(root, user.uid, user.gid);
    roots.set(String(index), root);
    if (stage.name) roots.set(stage.name, root);
    const mapPaths = pathMapper(folders, root);
    let workdir = root;
    const env: Record<string, string> = {};
    const volumes: string[] = [];
    let cmd: string[] = [];
    let healthcheck: string[] | undefined;
    let runsAs: string | undefined;
    const chowned: Array<{ path: string; recursive: boolean }> = [];
    const perform = async (step: Step) => {
      switch (step.keyword) {
        case 'WORKDIR':
          workdir = path.join(root, step.path);
          mkdirSync(workdir, { recursive: true });
          chownSync(workdir, user.uid, user.gid);
          return;
        case 'ENV':
          for (const [name, value] of Object.entries(step.values)) env[name] = mapPaths(value);
          return;
        case 'COPY': {
          // An absolute destination is the stage's, never this machine's.
          const destination = step.destination.startsWith('/') ? path.join(root, step.destination) : path.resolve(workdir, step.destination);
          const intoFolder = step.destination.endsWith('/') || step.sources.length > 1;
          for (const source of step.sources) {
            let hostSource: string;
            if (step.from !== undefined) {
              const otherRoot = roots.get(step.from);
              if (!otherRoot) throw new Error(`COPY --from=${step.from}: no earlier stage has that name`);
              hostSource = path.join(otherRoot, source);
            } else {
              hostSource = path.join(context, source);
              if (path.relative(context, hostSource).startsWith('..')) throw new Error(`COPY ${source}: outside the build context`);
            }
            if (!existsSync(hostSource)) throw new Error(`COPY ${step.from ? `--from=${step.from} ` : ''}${source}: not found (${hostSource})`);
            const target = intoFolder && !lstatSync(hostSource).isDirectory() ? path.join(destination, path.basename(source)) : destination;
            copyTree(hostSource, target, user, step.from === undefined ? fromContext : undefined);
          }
          return;
        }
        case 'RUN': {
          const command = step.command.map((part) => mapOwners(mapPaths(part), imageUsers, user));
          if (!runsAs) chowned.push(...chownedToImageUser(mapPaths(step.command.at(-1) ?? ''), imageUsers));
          log(`RUN ${command.at(-1)}`);
          const started = Date.now();
          const ran = await runAs(user, command, { cwd: workdir, env: { ...baseEnv, ...npmEnv, ...env } });
          if (ran.code !== 0) throw new Error(`RUN ${step.command.join(' ')} failed (exit ${ran.code}):\n${ran.output.slice(-4000)}`);
          log(`  done in ${Math.round((Date.now() - started) / 1000)} s`);
          return;
        }
        case 'USER':
          if (!runsAs && !['root', '0'].includes(step.user.split(':')[0]!)) handToRoot(root, chowned, user);
          runsAs = step.user;
          return;
        case 'VOLUME':
          for (const volume of step.paths) {
            const hostVolume = path.join(root, volume);
            // Docker makes a missing volume folder when the container starts.
            if (!existsSync(hostVolume)) mkdirSync(hostVolume, { recursive: true });
            volumes.push(hostVolume);
          }
          return;
        case 'CMD':
          cmd = step.command.map(mapPaths);
          return;
        case 'HEALTHCHECK':
          healthcheck = step.command.map(mapPaths);
          return;
      }
    };
    for (const step of stage.steps) await perform(step);
    image = { root, workdir, env: { ...baseEnv, ...env }, volumes, ...(runsAs ? { imageUser: runsAs } : {}), cmd, ...(healthcheck ? { healthcheck } : {}), mapPaths };
  }
  if (!image) throw new Error(`${options.dockerfile} has no stage`);
  return image;
}
