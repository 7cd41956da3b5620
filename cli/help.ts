/**
 * What `mohla <command> --help` prints: how to call the command, its options, and an example to copy.
 * Kept apart from the commands so that asking for help loads nothing else and touches nothing.
 */

const HELP_OPTION = '  -h, --help               print this help';

function help(usage: string[], what: string, options: string[], examples: string[]): string {
  return [
    ...usage.map((u, i) => `${i === 0 ? 'Usage:' : '      '} ${u}`),
    '',
    what,
    '',
    'Options:',
    ...options,
    HELP_OPTION,
    '',
    examples.length > 1 ? 'Examples:' : 'Example:',
    ...examples.map((e) => `  ${e}`),
  ].join('\n');
}

const COMMAND_HELP: Record<string, string> = {
  dev: help(
    ['mohla dev'],
    'Brings the whole system up on this machine: Temporal, PostgreSQL, Redis, the worker and the API.\nCtrl-C stops everything it started. `mohla env` lists the variables it reads.',
    [],
    ['mohla dev'],
  ),
  cluster: help(
    ['mohla cluster [up] [--no-ui]', 'mohla cluster tools', 'mohla cluster config --out <dir> [--database-host <host>] [--password-env <variable>]'],
    "up: a Temporal cluster on PostgreSQL on this machine (four services) with its UI, in the foreground.\ntools: builds the cluster's server and UI and prints their paths. config: writes its configuration.",
    [
      '  --no-ui                  (up) without the Temporal UI',
      '  --out <dir>              (config) the folder to write mohla.yaml and dynamicconfig.yaml into',
      '  --database-host <host>   (config) the PostgreSQL host the deployed cluster reaches',
      '  --password-env <name>    (config) the variable the deployed cluster reads its password from',
    ],
    ['mohla cluster --no-ui', 'mohla cluster config --out deploy/temporal --database-host postgres'],
  ),
  'temporal-cli': help(['mohla temporal-cli'], 'Finds the Temporal CLI (or builds it with Go into the shared cache) and prints its path.', [], ['mohla temporal-cli']),
  migrate: help(
    ['mohla migrate'],
    "Applies the pending database migrations as DATABASE_ADMIN_URL, and gives DATABASE_URL's role Mohla's privileges.",
    [],
    ['DATABASE_ADMIN_URL=postgres://admin@db/mohla mohla migrate'],
  ),
  validate: help(
    ['mohla validate <file…> [--json]'],
    "Checks procedure definitions as publishing does: the JSON text (syntax, keys given twice, size and\nnesting), the schema, the language's rules, and that the file is named <id>.v<version>.json.\nOne line per problem, `file pointer: message`; a warning says `warning:` and fails nothing.\nExit status: 0 when every file is valid, 1 when one is not, 2 for a mistake in the command.",
    ['  --json                   print one JSON object instead of lines'],
    ['mohla validate procedures/*.v*.json', 'mohla validate --json procedures/residence-certificate.v2.json'],
  ),
  simulate: help(
    ['mohla simulate <definition.json> <scenario.json> [--calendar <file>] [--json]'],
    'Runs a definition over a scenario of timed events on a virtual clock, with the engine the workflow\nuses, and prints what happens (docs/simulator.md). Exit status: 0 when it ran, 1 when the definition\nor the scenario is refused (one line per problem), 2 for a mistake in the command.',
    [
      '  --calendar <file>        the working-day calendar (default: procedures/calendars/ma.json)',
      '  --json                   print { outcome, legalDeadline, trace, status } as JSON',
    ],
    ['mohla simulate procedures/building-permit-small.v1.json docs/examples/building-permit-small.silence.json'],
  ),
  calendar: help(
    [
      'mohla calendar show [--id <calendar>] [--json]',
      'mohla calendar add-holiday --date <YYYY-MM-DD> --name-ar <text> --name-fr <text> --name-en <text> [--provisional] [--note <text>]',
      'mohla calendar add-closure --date <YYYY-MM-DD> --reason-ar <text> --reason-fr <text> --reason-en <text> [--note <text>]',
    ],
    'Shows or changes the working-day calendar of a running Mohla (its API, at MOHLA_API_URL or the\nconfigured host and port). A change reschedules the open applications whose deadlines it crosses.',
    [
      '  --id <calendar>          the calendar (default: ma)',
      '  --date <YYYY-MM-DD>      the day off',
      '  --name-ar|fr|en <text>   (add-holiday) its name in each language',
      '  --reason-ar|fr|en <text> (add-closure) its reason in each language',
      '  --provisional            (add-holiday) a date that may still move (lunar holidays)',
      '  --note <text>            a note kept with the change',
      '  --json                   (show) print the calendar as JSON',
    ],
    ['mohla calendar add-closure --date 2026-07-31 --reason-ar "إغلاق" --reason-fr "Fermeture" --reason-en "Closure"'],
  ),
  replay: help(
    ['mohla replay (--application <tracking number> | --procedure <id> | --closed-from <date> --closed-to <date> | --file <history.json>…) [--json] [--verbose]'],
    "Replays applications' Temporal histories against the current workflow code and names any that no\nlonger replays. Exit status: 0 when every history replays.",
    [
      '  --application <number>   one application',
      '  --procedure <id>         every application of a procedure',
      '  --closed-from <date>     with --closed-to: every application closed in that range (YYYY-MM-DD)',
      '  --file <history.json>    a history exported to a file, offline (repeatable)',
      '  --json                   print the report as JSON',
      '  --verbose                list every history, not only the problems',
    ],
    ['mohla replay --procedure residence-certificate', 'mohla replay --file history.json'],
  ),
  audit: help(
    ['mohla audit verify', 'mohla audit checkpoint', 'mohla audit after-restore'],
    'verify: checks the tamper-evident audit log against its signed checkpoints and the timelines.\ncheckpoint: signs its head now. after-restore: sets aside the checkpoints signed after a restored backup.',
    [],
    ['mohla audit verify'],
  ),
  retention: help(
    ['mohla retention [--dry-run]'],
    "Erases the personal data of closed applications past their procedure's retention period.",
    ['  --dry-run                list what would be erased, erase nothing'],
    ['mohla retention --dry-run'],
  ),
  projections: help(
    ['mohla projections rebuild [--procedure <id>]'],
    "Rebuilds the PostgreSQL read model from the workflows' state (Mohla's worker must be running).",
    ['  --procedure <id>         only the applications of this procedure'],
    ['mohla projections rebuild --procedure residence-certificate'],
  ),
  token: help(
    ['mohla token --role <role> [--office <id>]… [--sub <id>] [--name <name>] [--expires <duration>]'],
    'Prints a development bearer token signed with JWT_SECRET.',
    [
      '  --role <role>            citizen, agent, supervisor, designer, auditor or admin',
      '  --office <id>            an office the person works for (repeatable; staff and auditors need one)',
      '  --sub <id>               who the token names (default: <role>-<first office>)',
      '  --name <name>            a display name',
      '  --expires <duration>     e.g. 30m, 12h (default), 1d; at most TOKEN_MAX_LIFETIME_SECONDS',
    ],
    ['mohla token --role agent --office annex-berkane-1'],
  ),
  guide: help(
    ['mohla guide [--lang ar|fr|en] [--procedure <id>] [--dir <folder>]'],
    'Prints the digital guide of the procedures as Markdown.',
    [
      '  --lang ar|fr|en          the language (default: fr)',
      '  --procedure <id>         one procedure only',
      '  --dir <folder>           read the definitions from this folder (default: procedures/)',
    ],
    ['mohla guide --lang ar --procedure residence-certificate'],
  ),
  deadline: help(
    ['mohla deadline (--from <ISO instant> | --before <date> | --after <date>) (--working-days N | --calendar-days N) [options]'],
    'Computes the due date of a legal deadline on the working-day calendar, with the explanation a citizen\nreads; it refuses what a definition refuses. Exit status: 0, or 2 for what it refuses.',
    [
      '  --from <instant>         when the deadline starts, e.g. 2026-03-16T10:00:00+01:00 (no offset: Casablanca time)',
      '  --before <date>          a clock counted back from a date (a session): due N days before it, a day off moving it earlier',
      '  --after <date>           a clock counted from a date: due N days after it, as --from counts',
      "  --working-days N         N working days (1 or more): day 1 is the first working day after the start's local date",
      '  --calendar-days N        N calendar days (1 or more), rolled forward to the next working day when the last is a day off',
      '  --no-roll-forward        with --calendar-days: end on day N even when it is a day off',
      '  --pause <from>/<to>      days not counted, local dates, both included, not before --from (repeatable), e.g. 2026-04-08/2026-04-15',
      "  --extend N               an extension of N more days, in the budget's unit (repeatable)",
      '  --calendar <file>        the calendar (default: procedures/calendars/ma.json)',
      '  --json                   print one JSON object',
    ],
    [
      'mohla deadline --from 2026-03-16T10:00:00+01:00 --working-days 20',
      'mohla deadline --from 2026-04-01 --calendar-days 30 --pause 2026-04-08/2026-04-15 --json',
      'mohla deadline --before 2026-05-20 --calendar-days 10',
    ],
  ),
  staff: help(
    ['mohla staff import <file.json> [--prune]', 'mohla staff list [--office <id>] [--json]'],
    'Loads or lists the staff directory that notifications to roles and assignees reach.',
    [
      '  --prune                  (import) remove the people the file no longer lists',
      '  --office <id>            (list) one office only',
      '  --json                   (list) print JSON',
    ],
    ['mohla staff import docs/examples/staff.json'],
  ),
  env: help(['mohla env'], 'Lists the environment variables Mohla reads, with their defaults.', [], ['mohla env']),
};

/** The help of one command; every command of `mohla --help` has one (cli/main.test.ts runs each). */
export function commandHelp(name: string): string | undefined {
  return Object.prototype.hasOwnProperty.call(COMMAND_HELP, name) ? COMMAND_HELP[name] : undefined;
}

/** Whether the arguments ask for help: `--help` or `-h` anywhere before a `--`. */
export function asksForHelp(args: string[]): boolean {
  const end = args.indexOf('--');
  return (end < 0 ? args : args.slice(0, end)).some((a) => a === '--help' || a === '-h');
}

/**
 * node:util parseArgs's refusal as one line in this CLI's words; undefined for any other error. Its own
 * messages run on with advice about `--` that does not apply here.
 */
export function argumentProblem(err: unknown): string | undefined {
  const code = String((err as { code?: string } | undefined)?.code ?? '');
  if (!code.startsWith('ERR_PARSE_ARGS')) return undefined;
  const message = (err as Error).message.split('\n')[0] ?? '';
  const option = /'(--?[\w-]+)/.exec(message)?.[1] ?? 'an option';
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return `unknown option '${option}'`;
  if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') return `unexpected argument ${/'[^']*'/.exec(message)?.[0] ?? ''}`.trim();
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') return message.includes('does not take') ? `${option} does not take a value` : `${option} needs a value`;
  return message;
}
