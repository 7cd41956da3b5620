import { parseArgs } from 'node:util';
import { simulate, type Scenario } from '../engine/simulator.js';
import { definitionLanguage, readDefinitionFile } from '../registry/catalogue.js';
import { SHIPPED_CALENDAR } from '../registry/calendars.js';
import { readJsonFile } from '../registry/json-source.js';
import { scenarioProblems } from '../registry/scenario.js';
import { readCalendarFile } from './deadline.js';
import { formatProblem } from './validate.js';
import { UsageError } from './usage-error.js';

/** The scenario, or every reason it cannot run, one line each as `mohla validate` prints them. */
function readScenario(file: string, check: (candidate: unknown) => Array<{ pointer: string; message: string }>): { scenario?: Scenario; problems: string[] } {
  const source = readJsonFile(file);
  const problems = source.unreadable ? [source.unreadable] : [...source.duplicates, ...check(source.value)];
  return problems.length ? { problems: problems.map((p) => formatProblem({ file, ...p })) } : { scenario: source.value as Scenario, problems: [] };
}

/** A clock's status, as the trace's reader says it. */
const CLOCK_STATUS: Record<string, string> = {
  waitingForDate: 'waiting for its date',
  running: 'running',
  met: 'met on time',
  metLate: 'met late',
  expired: 'expired',
  stopped: 'stopped when the application closed',
};

/** `mohla simulate <definition> <scenario.json>`: the interpreter on a virtual clock, printed as a trace. */
export async function simulateCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { json: { type: 'boolean' }, calendar: { type: 'string' } },
    allowPositionals: true,
  });
  const [definitionFile, scenarioFile] = positionals;
  if (!definitionFile || !scenarioFile || positionals.length > 2) {
    throw new UsageError('simulate: usage: mohla simulate <definition.json> <scenario.json> [--calendar file] [--json]');
  }
  const { definition, errors } = readDefinitionFile(definitionFile);
  for (const e of errors) console.error(formatProblem(e));
  if (!definition) return 1;
  const calendar = readCalendarFile(values.calendar ?? SHIPPED_CALENDAR);
  const { scenario, problems } = readScenario(scenarioFile, (candidate) => scenarioProblems(definition, candidate, calendar.zone));
  for (const line of problems) console.error(line);
  if (!scenario) return 1;
  const result = await simulate(definition, scenario, calendar, { language: definitionLanguage(definition) });
  if (values.json) {
    console.log(JSON.stringify({ outcome: result.outcome, legalDeadline: result.legalDeadline, clocks: result.clocks, trace: result.trace, status: result.state.status }, null, 2));
    return 0;
  }
  console.log(`${definition.id} v${definition.version}, filed ${scenario.filedAt}`);
  for (const entry of result.trace) console.log(`${entry.at}  ${entry.text}`);
  if (result.legalDeadline) {
    console.log('\nLegal deadline:');
    for (const line of result.legalDeadline.explanation) console.log(`  ${line}`);
  }
  for (const clock of result.clocks) {
    console.log(`\nClock "${clock.label}" (${clock.id}): ${CLOCK_STATUS[clock.status] ?? clock.status}${clock.dueDate ? `, due ${clock.dueDate}` : ''}`);
    for (const line of clock.explanation) console.log(`  ${line}`);
  }
  console.log(`\nOutcome: ${result.outcome ?? `still open (${Object.values(result.state.tasks).filter((t) => t.status === 'open' || t.status === 'claimed').map((t) => t.stepId).join(', ') || 'waiting'})`}`);
  return 0;
}
