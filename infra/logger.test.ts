import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.js';

function capture(level = 'debug') {
  const lines: string[] = [];
  const log = createLogger('mohla-test', level, { write: (line: string) => void lines.push(line) });
  return { log, lines: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

describe('the logger', () => {
  it('writes one JSON object a line with the level by name, an ISO time, the service and the message', () => {
    const { log, lines } = capture('info');
    log.info({ workflowId: 'AB12-CD34-E' }, 'projection written');
    log.debug('below the level');
    expect(lines()).toEqual([
      { level: 'info', time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/), service: 'mohla-test', pid: process.pid, hostname: expect.any(String), workflowId: 'AB12-CD34-E', msg: 'projection written' },
    ]);
  });

  it('censors the fields that hold a person’s data and the headers that carry credentials, at any depth it reaches', () => {
    const { log, lines } = capture();
    log.info({ data: { fullName: 'Nadia Benjelloun' }, recipient: { phone: '0677889900', email: 'n@example.ma' }, job: { form: { cin: 'FH334455', address: '9 impasse' } }, req: { headers: { authorization: 'Bearer x.y.z', cookie: 'session=abc' } } }, 'sent');
    const [line] = lines();
    const text = JSON.stringify(line);
    for (const value of ['Nadia', '0677889900', 'n@example.ma', 'FH334455', '9 impasse', 'x.y.z', 'session=abc']) expect(text).not.toContain(value);
    expect(line).toMatchObject({ data: '[redacted]', recipient: { phone: '[redacted]', email: '[redacted]' }, job: { form: { cin: '[redacted]', address: '[redacted]' } }, req: { headers: { authorization: '[redacted]', cookie: '[redacted]' } } });
  });
});
