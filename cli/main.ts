import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, ENVIRONMENT, loadConfig, PROJECT_ROOT } from '../infra/config.js';
import { ServiceUnavailableError } from '../infra/services.js';
import { GoToolMissingError } from '../infra/go-install.js';
import { ensureTemporalCli, TemporalCliMissingError } from '../infra/temporal-cli.js';

import { argumentProblem, asksForHelp, commandHelp } from './help.js';
import { UsageError } from './usage-error.js';

const MOHLA_VERSION: string = (JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string }).version;

/** `takesNoArguments`: a command that reads none refuses any, rather than ignoring a mistyped option. */
const COMMANDS: Record<string, { summary: string; takesNoArguments?: true; run: (args: string[]) => Promise<number> }> = {
  dev: {
    takesNoArguments: true,
    summary: 'Bring the whole system up on this machine (Temporal, PostgreSQL, Redis, worker, API)',
    run: async () => {
      const { startDevStack } = await import('./dev-stack.js');
      const stop = await startDevStack(loadConfig());
      await new Promise<void>((resolve) => {
        const onSignal = () => {
          console.log('\nStopping…');
          resolve();
        };
        process.once('SIGINT', onSignal);
        process.once('SIGTERM', onSignal);
      });
      await stop();
      console.log('Stopped.');
      return 0;
    },
  },
  cluster: {
    summary: 'Run a Temporal cluster on PostgreSQL on this machine (four services) with its UI, build its server and UI, or write its configuration: mohla cluster [up] [--no-ui] | tools | config --out <dir>',
    run: async (args) => (await import('./cluster.js')).clusterCommand(args),
  },
  'temporal-cli': {
    takesNoArguments: true,
    summary: 'Find the Temporal CLI (or build it with Go into the shared cache) and print its path',
    run: async () => {
      const cli = await ensureTemporalCli();
      console.log(cli.path);
      return 0;
    },
  },
  migrate: {
    takesNoArguments: true,
    summary: "Apply the pending database migrations as DATABASE_ADMIN_URL, and give DATABASE_URL's role Mohla's privileges",
    run: async () => {
      const { migrateAsAdministrator } = await import('../db/roles.js');
      const { ensurePostgres } = await import('../infra/services.js');
      const config = loadConfig();
      const pg = await ensurePostgres(config.databaseAdminUrl, { dataDir: config.dataDir, allowEmbedded: false });
      const { applied, login } = await migrateAsAdministrator(pg.url, config.databaseUrl);
      console.log(applied.length ? `applied: ${applied.join(', ')}` : 'nothing to apply');
      console.log(login.superuser ? `warning: DATABASE_URL logs in as ${login.role}, a superuser, who can rewrite the audit log` : `${login.role} is a member of mohla_app`);
      return 0;
    },
  },
  validate: {
    summary: 'Validate procedure definitions: mohla validate <files…> [--json]',
    run: async (args) => (await import('./validate.js')).validateCommand(args),
  },
  simulate: {
    summary: 'Dry-run a definition over a scenario of timed events: mohla simulate <definition> <scenario.json>',
    run: async (args) => (await import('./simulate.js')).simulateCommand(args),
  },
  calendar: {
    summary: 'Show or change the working-day calendar (holidays, closures) of a running Mohla, or write provisional Islamic holidays into its file',
    run: async (args) => (await import('./calendar.js')).calendarCommand(args),
  },
  replay: {
    summary: 'Replay histories against the current workflow code: --application | --procedure | --closed-from/--closed-to | --file',
    run: async (args) => (await import('./replay.js')).replayCommand(args),
  },
  audit: {
    summary:
      'Check the tamper-evident audit log against its signed checkpoints and the timelines, sign one now, or set aside those signed after a restored backup: mohla audit verify | checkpoint | after-restore',
    run: async (args) => (await import('./audit.js')).auditCommand(args),
  },
  retention: {
    summary: "Erase the personal data of closed applications past their procedure's retention period: mohla retention [--dry-run]",
    run: async (args) => (await import('./retention.js')).retentionCommand(args),
  },
  projections: {
    summary: 'Rebuild the PostgreSQL projections from the workflows: mohla projections rebuild [--procedure <id>]',
    run: async (args) => (await import('./projections.js')).projectionsCommand(args),
  },
  token: {
    summary: 'Print a development bearer token: mohla token --role agent --office <id> [--sub <id>]',
    run: async (args) => (await import('./token.js')).tokenCommand(args),
  },
  guide: {
    summary: 'Print the digital guide as Markdown: mohla guide [--lang ar|fr|en] [--procedure <id>]',
    run: async (args) => (await import('./guide.js')).guideCommand(args),
  },
  deadline: {
    summary: 'Compute a legal deadline on the working-day calendar: mohla deadline --from <instant> --working-days N',
    run: async (args) => (await import('./deadline.js')).deadlineCommand(args),
  },
  staff: {
    summary: 'Load or list the staff directory that notifications reach: mohla staff import <file.json> [--prune] | list',
    run: async (args) => (await import('./staff.js')).staffCommand(args),
  },
  env: {
    takesNoArguments: true,
    summary: 'List the environment variables Mohla reads, with their defaults',
    run: async () => {
      for (const [name, v] of Object.entries(ENVIRONMENT)) console.log(`${name}=${v.default}\n    ${v.doc}`);
      return 0;
    },
  },
};

function help(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  return [
    'mohla — administrative procedures with legal deadlines',
    '',
    'Usage: mohla <command> [options]',
    '',
    'Commands:',
    ...Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`),
    '',
    'Run `mohla <command> --help` for its options and an example, `mohla env` for the configuration',
    'variables, `mohla --version` for the version and its Node.',
  ].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === 'help' && rest[0] && commandHelp(rest[0])) {
    console.log(commandHelp(rest[0]));
    return 0;
  }
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(help());
    return 0;
  }
  if (name === '--version') {
    // The runtime too: the README's commands and bin/mohla.js choose it, so an operator can see which.
    console.log(`mohla ${MOHLA_VERSION} (Node ${process.version})`);
    return 0;
  }
  const command = Object.prototype.hasOwnProperty.call(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) throw new UsageError(`unknown command "${name}"; run \`mohla --help\` for the list`);
  if (asksForHelp(rest)) {
    console.log(commandHelp(name) ?? command.summary);
    return 0;
  }
  const seeHelp = `see \`mohla ${name} --help\``;
  if (command.takesNoArguments && rest.length) throw new UsageError(`${name}: takes no arguments (got ${JSON.stringify(rest[0])}); ${seeHelp}`);
  // Each command parses its own arguments, flags included; a refused one is a usage error, in one line.
  try {
    return await command.run(rest);
  } catch (err) {
    const problem = argumentProblem(err);
    throw problem ? new UsageError(`${name}: ${problem}; ${seeHelp}`) : err;
  }
}

const expected = [UsageError, ConfigError, ServiceUnavailableError, TemporalCliMissingError, GoToolMissingError];

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (expected.some((type) => err instanceof type)) {
      console.error(`mohla: ${(err as Error).message}`);
      process.exit(err instanceof UsageError ? 2 : 1);
    }
    console.error(err);
    process.exit(1);
  },
);
