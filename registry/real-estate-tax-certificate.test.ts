/**
 * The real-estate tax certificate, dry-run as a designer would: paid up, owing, and the tax accounts out
 * of reach. Its legal deadline is 5 working days: filed on Monday 6 April 2026, it is due at the end of
 * Monday 13 April (Tuesday 7 is day 1; no holiday falls in between).
 */
import { describe, expect, it } from 'vitest';
import { simulate, type Scenario, type SimulatedService } from '../engine/simulator.js';
import { loadConfig } from '../infra/config.js';
import { loadProcedureFolder } from './catalogue.js';
import { shippedCalendar } from '../test/helpers/shipped-calendar.js';

const procedure = loadProcedureFolder(loadConfig().proceduresDir).catalogue.get('real-estate-tax-certificate', 1)!;
const calendar = shippedCalendar();
const data = { fullName: 'Youssef Bennani', cin: 'AB123456', landTitle: '45213/63', propertyAddress: 'Lot Al Amal 12, Berkane', purpose: 'sale' };
const filedAt = '2026-04-06T09:30:00+01:00';

function run(accounts: (input: Record<string, unknown>) => unknown, events: Scenario['events'] = []) {
  const service: SimulatedService = (activity, input) => (activity === 'checkTaxArrears' ? accounts(input) : { done: activity });
  return simulate(procedure.definition, { filedAt, data, events }, calendar, { service, language: procedure.languageVersion });
}
const texts = (trace: Array<{ text: string }>) => trace.map((t) => t.text);

describe('the real-estate tax certificate', () => {
  it('is shipped in language 2 and due 5 working days after filing', async () => {
    expect(procedure.languageVersion).toBe(2);
    const result = await run(() => ({ upToDate: true, owedMad: 0 }));
    expect(result.legalDeadline?.dueAt).toBe('2026-04-13T23:59:59.999+01:00');
  });

  it('goes straight to the head of the revenue service when the accounts say the taxes are paid, then is issued', async () => {
    const result = await run(() => ({ upToDate: true, owedMad: 0 }), [{ action: 'complete', step: 'sign', outcome: 'sign', after: 'PT2H' }]);
    expect(result.outcome).toBe('approved');
    expect(result.state.document).toBe('real-estate-tax-certificate');
    expect(texts(result.trace)).toEqual(
      expect.arrayContaining(['service checkTaxArrears done', 'task sign for role revenue-head', 'service issueDocument done', 'notify citizen: real-estate-tax-certificate.ready']),
    );
    expect(Object.values(result.state.tasks).map((t) => t.stepId)).toEqual(['sign']);
  });

  it('is refused, with what to do next, when taxes are still owed', async () => {
    const result = await run(() => ({ upToDate: false, owedMad: 1200 }));
    expect(result.outcome).toBe('rejected');
    expect(result.state.motivation).toBe("Local taxes are still owed on this property. Pay them at the commune's revenue office, then file a new application.");
    expect(result.state.tasks).toEqual({});
  });

  it('hands the check to a revenue agent when the tax accounts cannot be read', async () => {
    const result = await run(
      () => {
        throw new Error('tax accounts unreachable');
      },
      [
        { action: 'complete', step: 'manualCheck', outcome: 'upToDate', after: 'PT1H' },
        { action: 'complete', step: 'sign', outcome: 'sign', after: 'PT3H' },
      ],
    );
    expect(Object.values(result.state.tasks).map((t) => `${t.stepId}:${t.role}`)).toEqual(['manualCheck:revenue-agent', 'sign:revenue-head']);
    expect(result.outcome).toBe('approved');
  });
});
