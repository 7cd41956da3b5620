/**
 * The Temporal UI as `mohla cluster` runs it beside the cluster: the UI server built in the user cache,
 * configured by Mohla, pointed at the cluster's frontend and at Mohla's codec endpoint. What an operator
 * sees through it: the namespace, the applications as workflows, and their payloads encrypted (the
 * browser decodes them through the codec endpoint for auditors and admins).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ensureUiServer, startTemporalUi, TEMPORAL_UI_VERSION, type RunningUi } from '../../infra/temporal-ui.js';
import { freePort } from '../helpers/ports.js';
import { createTestStack, eventually, people, type TestStack } from '../helpers/stack.js';

const OFFICE = 'annex-berkane-1';
const CODEC_ENDPOINT = 'http://127.0.0.1:3000/codec';
const residenceForm = { fullName: 'Amina Idrissi', cin: 'FB123456', address: '12 rue Al Amal, Berkane' };

let ui: RunningUi;
let stack: TestStack;
let scratch: string;

beforeAll(async () => {
  scratch = mkdtempSync(path.join(os.tmpdir(), 'mohla-ui-'));
  const binary = await ensureUiServer({ log: (line) => console.log(`[ui] ${line}`) });
  ui = await startTemporalUi({
    binary,
    rootDir: scratch,
    settings: { temporalAddress: inject('temporalAddress'), host: '127.0.0.1', port: await freePort(), namespace: 'default', codecEndpoint: CODEC_ENDPOINT },
  });
  stack = await createTestStack();
});

afterAll(async () => {
  await ui?.stop();
  await stack?.close();
  rmSync(scratch, { recursive: true, force: true });
});

const getJson = async (url: string) => {
  const res = await fetch(`${ui.url}${url}`);
  expect(res.status, url).toBe(200);
  return res.json() as Promise<Record<string, unknown>>;
};

describe('the Temporal UI beside the cluster', () => {
  it('serves its pages', async () => {
    const page = await fetch(`${ui.url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(await page.text()).toMatch(/<html/i);
  });

  it("lists the cluster's namespace through its API", async () => {
    const { namespaces } = (await getJson('/api/v1/namespaces')) as { namespaces: Array<{ namespaceInfo: { name: string } }> };
    expect(namespaces.map((n) => n.namespaceInfo.name)).toContain('default');
  });

  it("tells the page to decode payloads through Mohla's codec endpoint, with the browser's session cookie", async () => {
    const settings = (await getJson('/api/v1/settings')) as { Codec: { Endpoint: string; IncludeCredentials: boolean; PassAccessToken: boolean }; DefaultNamespace: string; Version: string };
    expect(settings.Version).toBe(TEMPORAL_UI_VERSION.replace(/^v/, ''));
    expect(settings.Codec).toMatchObject({ Endpoint: CODEC_ENDPOINT, IncludeCredentials: true, PassAccessToken: false });
    expect(settings.DefaultNamespace).toBe('default');
  });

  it('shows a filed application as a workflow named by its tracking number, its payloads encrypted', async () => {
    const { citizen } = await people(stack, OFFICE);
    const filing = await citizen({ method: 'POST', url: '/applications', payload: { procedureId: 'residence-certificate', officeId: OFFICE, data: residenceForm } });
    expect(filing.statusCode, filing.body).toBe(201);
    const trackingNumber = filing.json().trackingNumber as string;
    const query = encodeURIComponent(`WorkflowId = "${trackingNumber}"`);
    const listed = await eventually(async () => {
      const { executions } = (await getJson(`/api/v1/namespaces/default/workflows?query=${query}`)) as { executions?: Array<{ execution: { workflowId: string } }> };
      return executions?.length ? executions : undefined;
    });
    expect(listed.map((e) => e.execution.workflowId)).toEqual([trackingNumber]);
    const { history } = (await getJson(`/api/v1/namespaces/default/workflows/${encodeURIComponent(trackingNumber)}/history`)) as {
      history: { events: Array<{ workflowExecutionStartedEventAttributes?: { input: { payloads: Array<{ metadata: Record<string, string>; data: string }> } } }> };
    };
    // The filing itself, as the UI's page receives it: ciphertext it must send to the codec endpoint.
    const [filed] = history.events[0]?.workflowExecutionStartedEventAttributes?.input.payloads ?? [];
    expect(Buffer.from(filed?.metadata.encoding ?? '', 'base64').toString()).toBe('binary/encrypted');
    const data = Buffer.from(filed?.data ?? '', 'base64').toString('latin1');
    for (const value of Object.values(residenceForm)) expect(data).not.toContain(value);
  });
});
