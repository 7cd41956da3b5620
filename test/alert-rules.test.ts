/**
 * Mohla's Prometheus alert rules (deploy/prometheus/mohla-alerts.yml) as promtool checks them: their syntax
 * and expressions (`promtool check rules`) and their unit tests (`promtool test rules`: each alert fires
 * on the series it watches for, and stays silent on the series beside them). A broken rules file is
 * refused, so the check can fail. Every alert is unit-tested and points at its entry in docs/operations.md.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { PROJECT_ROOT } from '../infra/config.js';
import { promtool } from './helpers/promtool.js';

const RULES_DIR = path.join(PROJECT_ROOT, 'deploy', 'prometheus');
const RULES = path.join(RULES_DIR, 'mohla-alerts.yml');

interface Rule {
  alert: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

const groups = (parse(readFileSync(RULES, 'utf8')) as { groups: Array<{ rules: Rule[] }> }).groups;
const alerts = groups.flatMap((g) => g.rules);

describe('deploy/prometheus/mohla-alerts.yml', () => {
  it('passes promtool check rules', async () => {
    const result = await promtool(['check', 'rules', RULES]);
    expect(result.code, result.output).toBe(0);
    expect(result.output).toContain(`SUCCESS: ${alerts.length} rules found`);
  }, 300_000);

  it('passes its unit tests (promtool test rules)', async () => {
    const result = await promtool(['test', 'rules', 'mohla-alerts.test.yml'], RULES_DIR);
    expect(result.code, result.output).toBe(0);
    expect(result.output).toContain('SUCCESS');
  }, 300_000);

  it('refuses a broken rule, and a unit test whose alert does not fire as expected', async () => {
    const scratch = mkdtempSync(path.join(os.tmpdir(), 'mohla-rules-'));
    const broken = path.join(scratch, 'broken.yml');
    writeFileSync(broken, 'groups:\n  - name: broken\n    rules:\n      - alert: Broken\n        expr: sum by (office (mohla_open_applications)\n        for: 1m\n');
    const checked = await promtool(['check', 'rules', broken]);
    expect(checked.code, checked.output).not.toBe(0);
    expect(checked.output).toMatch(/parse error/i);
    // The real rules, with a test that expects MohlaWorkerDown while the worker is up.
    writeFileSync(path.join(scratch, 'mohla-alerts.yml'), readFileSync(RULES));
    writeFileSync(
      path.join(scratch, 'wrong.test.yml'),
      [
        'rule_files: [mohla-alerts.yml]',
        'tests:',
        '  - interval: 1m',
        '    input_series:',
        '      - series: \'up{job="mohla-worker", instance="worker-1:9464"}\'',
        "        values: '1x10'",
        '    alert_rule_test:',
        '      - eval_time: 10m',
        '        alertname: MohlaWorkerDown',
        '        exp_alerts:',
        '          - exp_labels: { severity: critical, job: mohla-worker, instance: "worker-1:9464" }',
        '',
      ].join('\n'),
    );
    const tested = await promtool(['test', 'rules', 'wrong.test.yml'], scratch);
    expect(tested.code, tested.output).not.toBe(0);
    expect(tested.output).toContain('FAILED');
  }, 300_000);

  it('gives every alert a wait, a severity, what to do, and its entry in docs/operations.md', () => {
    const operations = readFileSync(path.join(PROJECT_ROOT, 'docs', 'operations.md'), 'utf8');
    const anchors = new Set([...operations.matchAll(/^#+ (.+)$/gm)].map((m) => m[1]!.trim().toLowerCase().replace(/[^\w\- ]/g, '').replace(/ /g, '-')));
    const unitTests = readFileSync(path.join(RULES_DIR, 'mohla-alerts.test.yml'), 'utf8');
    expect(alerts.length).toBeGreaterThanOrEqual(8);
    for (const rule of alerts) {
      expect(rule.for, rule.alert).toMatch(/^\d+[smh]$/);
      expect(['critical', 'warning'], rule.alert).toContain(rule.labels?.severity);
      expect(rule.annotations?.summary, rule.alert).toBeTruthy();
      expect(rule.annotations?.description?.length ?? 0, rule.alert).toBeGreaterThan(40);
      const runbook = rule.annotations?.runbook ?? '';
      expect(runbook, rule.alert).toBe(`docs/operations.md#${rule.alert.toLowerCase()}`);
      expect(anchors.has(rule.alert.toLowerCase()), `docs/operations.md has no heading ${rule.alert}`).toBe(true);
      // Each alert appears in a test where it fires (exp_alerts with labels) and in one where it must not.
      expect(unitTests, rule.alert).toMatch(new RegExp(`alertname: ${rule.alert}\\n\\s+exp_alerts:\\n\\s+- exp_labels`));
      expect(unitTests, rule.alert).toMatch(new RegExp(`alertname: ${rule.alert}\\n\\s+exp_alerts: \\[\\]`));
    }
  });
});
