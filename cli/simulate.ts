import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { DomainError } from '../engine/errors.js';
import { ScenarioError, simulate, type Scenario } from '../engine/simulator.js';
import { definitionLanguage, readDefinitionFile } from '../registry/catalogue.js';
import { SHIPPED_CALENDAR } from '../registry/calendars.js';
import { readCalendarFile } from './deadline.js';
import { formatProblem } from './validate.js';
import { UsageError } from './usage-error.js';

function readScenario(file: string): Scenario {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UsageError(`simulate: cannot read the scenario ${file}: ${(err as Error).message.split('\n')[0]}`);
  }
  const scenario = parsed as Partial<Scenario>;
  if (!scenario || typeof scenario !== 'object' || Array.isArray(scenario)) throw new UsageError(`simulate: ${file} is not a scenario object`);
  if (typeof scenario.filedAt !== 'string') throw new UsageError(`simulate: ${file}: filedAt (an ISO instant) is required`);
  if (!scenario.data || typeof scenario.data !== 'object') throw new UsageError(`simulate: ${file}: data (the citizen's form) is required`);
  if (scenario.events !== undefined && !Array.isArray(scenario.events)) throw new UsageError(`simulate: ${file}: events must be an array`);
  return scenario as Scenario;
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
  if (!definition) {
    for (const e of errors) console.error(formatProblem(e));
    return 1;
  }
  const scenario = readScenario(scenarioFile);
  const calendar = readCalendarFile(values.calendar ?? SHIPPED_CALENDAR);
  let result;
  try {
    result = await simulate(definition, scenario, calendar, { language: definitionLanguage(definition) });
  } catch (err) {
    if (err instanceof ScenarioError || err instanceof DomainError) throw new UsageError(`simulate: ${err.message}`);
    throw err;
  }
  if (values.json) {
    console.log(JSON.stringify({ outcome: result.outcome, legalDeadline: result.legalDeadline, clocks: result.clocks, trace: result.trace }, null, 2));
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
