import { describe, expect, it } from 'vitest';
import { lines, mohla, type CliRun } from '../test/helpers/cli.js';

/** Seventeen commands, one Node process each: minutes on a busy machine. */
const EVERY_COMMAND_MS = 300_000;

/** Runs one CLI per item, a few at a time: each is a Node process of its own. */
async function eachRun<T>(items: T[], run: (item: T) => Promise<CliRun>): Promise<Array<[T, CliRun]>> {
  const results: Array<[T, CliRun]> = [];
  for (let i = 0; i < items.length; i += 4) {
    const batch = items.slice(i, i + 4);
    results.push(...(await Promise.all(batch.map(async (item): Promise<[T, CliRun]> => [item, await run(item)]))));
  }
  return results;
}

/** The commands `mohla --help` lists. */
async function commands(): Promise<string[]> {
  const run = await mohla(['--help']);
  expect(run.code).toBe(0);
  const listed = lines(run.stdout.split('Commands:\n')[1]?.split('\n\n')[0] ?? '').map((line) => line.trim().split(/\s+/)[0]!);
  expect(listed).toContain('validate');
  return listed;
}

describe('mohla <command> --help', () => {
  it('prints the usage, the options and an example of every command, and exits 0', async () => {
    for (const [name, run] of await eachRun(await commands(), (name) => mohla([name, '--help']))) {
      expect(run.code, name).toBe(0);
      expect(run.stderr, name).toBe('');
      const printed = lines(run.stdout);
      expect(printed[0], name).toMatch(new RegExp(`^Usage: mohla ${name}\\b`));
      expect(printed, name).toContain('Options:');
      expect(printed, name).toContain('  -h, --help               print this help');
      const example = printed.findIndex((line) => /^Examples?:$/.test(line));
      expect(printed[example + 1], name).toMatch(new RegExp(`^ {2}(\\S+=\\S+ )?mohla ${name}\\b`));
    }
  }, EVERY_COMMAND_MS);

  it('takes -h and `mohla help <command>` too, after other options', async () => {
    const [short, word] = await Promise.all([mohla(['deadline', '--from', '2026-03-16', '-h']), mohla(['help', 'simulate'])]);
    expect(short.code).toBe(0);
    expect(lines(short.stdout)[0]).toBe('Usage: mohla deadline (--from <ISO instant> | --before <date> | --after <date>) (--working-days N | --calendar-days N) [options]');
    expect(word.code).toBe(0);
    expect(lines(word.stdout)[0]).toBe('Usage: mohla simulate <definition.json> <scenario.json> [--calendar <file>] [--json]');
  });
});

describe('mohla <command> with an option it does not know', () => {
  it('says so in one line and exits 2, touching nothing', async () => {
    const names = await commands();
    // These two read their subcommand first and answer with their usage line.
    const ownUsage: Record<string, string> = {
      audit: 'mohla: audit: usage: mohla audit verify | mohla audit checkpoint | mohla audit after-restore',
      cluster: 'mohla: cluster: usage: mohla cluster [up] [--no-ui] | mohla cluster tools | mohla cluster config --out <dir> [--database-host <host>] [--password-env <variable>]',
    };
    const subcommand: Record<string, string[]> = { calendar: ['show'], projections: ['rebuild'], staff: ['list'] };
    const noArguments = new Set(['dev', 'temporal-cli', 'migrate', 'env']);
    for (const [name, run] of await eachRun(names, (name) => mohla([name, ...(subcommand[name] ?? []), '--colour']))) {
      expect(run.code, name).toBe(2);
      expect(run.stdout, name).toBe('');
      const expected =
        ownUsage[name] ??
        (noArguments.has(name)
          ? `mohla: ${name}: takes no arguments (got "--colour"); see \`mohla ${name} --help\``
          : name === 'deadline'
            ? "mohla deadline: unknown option '--colour'; see `mohla deadline --help`"
            : `mohla: ${name}: unknown option '--colour'; see \`mohla ${name} --help\``);
      expect(lines(run.stderr), name).toEqual([expected]);
    }
  }, EVERY_COMMAND_MS);
});
