/**
 * How soon an agent sees work: from the citizen's filing call to the task in the office's inbox
 * (GET /tasks), and from an agent's completion to the next task in the inbox. One application at a time,
 * each in an office of its own so that each poll reads a one-row inbox.
 */
import { performance } from 'node:perf_hooks';
import { bar, distribution, ms, table } from './lib.js';
import { twoTasks } from './definitions.js';
import type { BenchStack } from './stack.js';

async function visible(stack: BenchStack, token: string, office: string, stepId: string): Promise<string> {
  for (;;) {
    const res = await stack.app.inject({ method: 'GET', url: `/tasks?officeId=${office}`, headers: { authorization: `Bearer ${token}` } });
    if (res.statusCode !== 200) throw new Error(`inbox → ${res.statusCode} ${res.body}`);
    const task = (res.json().tasks as Array<{ id: string; stepId: string; status: string }>).find((t) => t.stepId === stepId && t.status === 'open');
    if (task) return task.id;
  }
}

export async function runLatency(stack: BenchStack, options: { samples: number }) {
  const definition = twoTasks();
  const offices = Array.from({ length: options.samples }, (_, i) => `bench-latency-${i}`);
  offices.forEach(stack.addOffice);
  await stack.procedures.publish(definition, 'bench', 'api');
  const citizen = await stack.token('citizen', 'citizen-latency');
  const worker = await stack.startMohlaWorker();
  const filing: number[] = [];
  const next: number[] = [];
  const filingCall: number[] = [];
  for (let i = 0; i < options.samples; i++) {
    const office = offices[i]!;
    const agent = await stack.token('agent', `agent-latency-${i}`, [office]);
    const t0 = performance.now();
    const filed = await stack.app.inject({
      method: 'POST',
      url: '/applications',
      headers: { authorization: `Bearer ${citizen}` },
      payload: { procedureId: definition.id, officeId: office, data: {} },
    });
    filingCall.push(performance.now() - t0);
    if (filed.statusCode !== 201) throw new Error(`filing → ${filed.statusCode} ${filed.body}`);
    const first = await visible(stack, agent, office, 'review');
    filing.push(performance.now() - t0);
    const t1 = performance.now();
    const done = await stack.app.inject({ method: 'POST', url: `/tasks/${first}/complete`, headers: { authorization: `Bearer ${agent}` }, payload: { outcome: 'approve' } });
    if (done.statusCode !== 200) throw new Error(`completion → ${done.statusCode} ${done.body}`);
    await visible(stack, agent, office, 'sign');
    next.push(performance.now() - t1);
    bar(i + 1, options.samples, 'latency ');
  }
  await worker.stop();
  const results = {
    'filing → task in the inbox': distribution(filing),
    'of which the filing call': distribution(filingCall),
    'completion → next task in the inbox': distribution(next),
  };
  console.log(`\nLatency, ${options.samples} applications one at a time (two-task procedure), through the API:`);
  console.log(table(['', 'p50 ms', 'p99 ms', 'max ms'], Object.entries(results).map(([k, d]) => [k, ms(d.p50), ms(d.p99), ms(d.max)])));
  const file = stack.writeResult('latency', { samples: options.samples, results });
  console.log(`\nwritten to ${file}`);
  return results;
}
