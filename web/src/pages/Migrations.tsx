import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError, query } from '../api.js';
import { NotReady, ProblemMessage } from '../components/Problem.js';
import { HintedField } from '../components/HintedField.js';
import { ListTable } from '../components/ListTable.js';
import { dateTime, number } from '../format.js';
import { localized, migrationMessage, t, type LocalizedText, type MessageKey } from '../i18n.js';
import { navigate } from '../router.js';
import { session } from '../session.js';
import { useStore } from '../store.js';
import { useData } from '../use-data.js';
import { ApplicationLink } from '../components/ApplicationLink.js';

/** The plans, dry runs and batches of api/routes/migrations.ts, as the page reads them. */
type DeadlineRule = 'keep' | 'recompute';
type MoveResult = 'moved' | 'refused' | 'failed';

interface PlanContent {
  steps?: Record<string, string>;
  deadlines?: { legal?: DeadlineRule; serviceLevels?: DeadlineRule };
  note?: string;
}

interface Issue {
  pointer: string;
  message: string;
}

interface Plan {
  id: string;
  procedureId: string;
  fromVersion: number;
  toVersion: number;
  plan: PlanContent;
  stays: Issue[];
  createdBy: string;
  createdAt: string;
}

interface PlanStatus {
  plan: Plan;
  results: Array<{ trackingNumber: string; result: MoveResult; reasons: string[]; actor: string; at: string }>;
  remaining: number;
}

interface DryRun {
  movable: Array<{ trackingNumber: string; officeId: string; steps: Record<string, string> }>;
  unmovable: Array<{ trackingNumber: string; officeId: string; reasons: string[] }>;
}

interface Batch {
  results: Array<{ trackingNumber: string; officeId: string; result: MoveResult; steps?: Record<string, string>; reasons: string[] }>;
  remaining: number;
}

interface Step {
  type: string;
  title?: Partial<LocalizedText>;
}

const RULES: DeadlineRule[] = ['keep', 'recompute'];

const planPath = (procedureId: string, planId?: string) => `/migrations${query({ procedure: procedureId, plan: planId })}`;

/** The API's refusal with its sentences in the reader's language: ProblemMessage knows only the form validators' sentences. */
function translated(error: ApiError): ApiError {
  return new ApiError(error.status, error.code, error.detail, error.errors.map((e) => ({ ...e, message: migrationMessage(e.message) })));
}

/** Designers and administrators move running applications to a corrected version of their procedure. */
export function MigrationsPage({ params }: { params: URLSearchParams }) {
  const procedureId = params.get('procedure') ?? '';
  const planId = params.get('plan') ?? '';
  const procedures = useData(() => api<{ procedures: Array<{ id: string; version: number; title: Partial<LocalizedText> }> }>('GET', '/procedures').then((p) => p.procedures), []);

  return (
    <section>
      <h1 tabIndex={-1}>{t('migrationsTitle')}</h1>
      <p>{t('migrationsIntro')}</p>
      <div class="filters">
        <div class="field">
          <label for="migration-procedure">{t('procedure')}</label>
          <select id="migration-procedure" value={procedureId} onChange={(e) => navigate(planPath((e.currentTarget as HTMLSelectElement).value))}>
            <option value="">{t('choose')}</option>
            {(procedures.data ?? []).map((p) => (
              <option key={p.id} value={p.id}>
                {localized(p.title)} ({p.id})
              </option>
            ))}
          </select>
        </div>
      </div>
      {procedures.error && <ProblemMessage error={procedures.error} />}
      {procedureId && (planId ? <PlanView key={planId} procedureId={procedureId} planId={planId} /> : <ProcedurePlans key={procedureId} procedureId={procedureId} />)}
    </section>
  );
}

function ProcedurePlans({ procedureId }: { procedureId: string }) {
  const plans = useData(() => api<{ plans: Plan[] }>('GET', `/procedures/${procedureId}/migrations`).then((p) => p.plans), [procedureId]);
  return (
    <>
      <h2>{t('migrationPlans')}</h2>
      {!plans.data ? (
        <NotReady error={plans.error} />
      ) : plans.data.length === 0 ? (
        <p>{t('noMigrationPlans')}</p>
      ) : (
        <ListTable class="migration-plans" caption={t('migrationPlans')} columns={[t('migrationPlan'), t('versions'), t('migrationNote'), t('writtenBy'), t('writtenOn')]}>
          {plans.data.map((plan) => (
            <tr key={plan.id} data-plan={plan.id}>
              <td>
                <a href={`#${planPath(procedureId, plan.id)}`} aria-label={`${t('openPlan')} ${plan.id}`}>
                  <code dir="ltr">{plan.id}</code>
                </a>
              </td>
              <td>
                <Versions plan={plan} />
              </td>
              <td>{plan.plan.note ? <bdi>{plan.plan.note}</bdi> : '—'}</td>
              <td dir="ltr">{plan.createdBy}</td>
              <td>{dateTime(plan.createdAt)}</td>
            </tr>
          ))}
        </ListTable>
      )}
      <PlanForm procedureId={procedureId} onSaved={plans.reload} />
    </>
  );
}

function Versions({ plan }: { plan: Pick<Plan, 'fromVersion' | 'toVersion'> }) {
  return (
    <>
      {t('versionWord')} {plan.fromVersion} <Arrow /> {t('versionWord')} {plan.toVersion}
    </>
  );
}

/** The arrow points the way the text reads; a screen reader says the word instead. */
function Arrow() {
  return (
    <>
      <span aria-hidden="true">{t('arrow')}</span>
      <span class="visually-hidden">{t('becomes')}</span>
    </>
  );
}

/** Old step to new step, each id kept left-to-right within the sentence. */
function StepMove({ from, to }: { from: string; to: string }) {
  return (
    <span class="step-move">
      <bdi>
        <code>{from}</code>
      </bdi>{' '}
      <Arrow />{' '}
      <bdi>
        <code>{to}</code>
      </bdi>
    </span>
  );
}

interface Row {
  key: number;
  from: string;
  to: string;
}

const stepLabel = (id: string, step: Step | undefined) => (step?.title ? `${id} — ${localized(step.title)}` : id);

/** A version's steps as the options of a select: the id, and the title where the step has one. */
function StepOptions({ steps }: { steps: Record<string, Step> }) {
  return (
    <>
      {Object.entries(steps).map(([id, step]) => (
        <option key={id} value={id}>
          {stepLabel(id, step)}
        </option>
      ))}
    </>
  );
}

function PlanForm({ procedureId, onSaved }: { procedureId: string; onSaved(): void }) {
  const versions = useData(() => api<{ versions: Array<{ version: number }> }>('GET', `/procedures/${procedureId}/versions`).then((v) => v.versions.map((x) => x.version)), [procedureId]);
  const [chosenFrom, setFrom] = useState<number>();
  const [chosenTo, setTo] = useState<number>();
  const list = versions.data ?? [];
  // The usual case comes first: from the version before the latest to the latest.
  const fromVersion = chosenFrom ?? list[list.length - 2];
  const toVersion = chosenTo ?? list[list.length - 1];
  const definitions = useData(
    () =>
      fromVersion === undefined || toVersion === undefined
        ? Promise.resolve(undefined)
        : Promise.all([fromVersion, toVersion].map((v) => api<{ definition: { steps: Record<string, Step> } }>('GET', `/procedures/${procedureId}${query({ version: v })}`).then((p) => p.definition.steps))),
    [procedureId, fromVersion, toVersion],
  );
  const [oldSteps, newSteps] = definitions.data ?? [];
  const [rows, setRows] = useState<Row[]>([]);
  const nextKey = useRef(0);
  const [legal, setLegal] = useState<DeadlineRule>('keep');
  const [serviceLevels, setServiceLevels] = useState<DeadlineRule>('keep');
  const [note, setNote] = useState('');
  const [error, setError] = useState<ApiError>();
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState<Plan>();

  // Two other versions: one row for each old step the new version has no step of the same id and kind for.
  useEffect(() => {
    setError(undefined);
    const changed = oldSteps && newSteps ? Object.keys(oldSteps).filter((id) => newSteps[id]?.type !== oldSteps[id]!.type) : [];
    setRows(changed.map((from) => ({ key: nextKey.current++, from, to: '' })));
  }, [oldSteps, newSteps]);

  const problems = error?.errors ?? [];
  const problemAt = (pointer: string) => problems.find((p) => p.pointer === pointer)?.message;
  const rowId = (row: Row) => `map-${row.key}-to`;
  const fieldIds = (pointer: string): string | undefined => {
    if (pointer === '/fromVersion') return 'migration-from';
    if (pointer === '/toVersion') return 'migration-to';
    if (pointer === '/plan/note') return 'migration-note';
    if (pointer === '/plan/deadlines/legal') return 'legal-keep';
    if (pointer === '/plan/deadlines/serviceLevels') return 'service-levels-keep';
    const row = pointer.startsWith('/plan/steps/') ? rows.find((r) => r.from === pointer.slice('/plan/steps/'.length)) : undefined;
    return row ? rowId(row) : undefined;
  };
  const fieldLabels = (pointer: string): string | undefined => {
    if (pointer === '/fromVersion') return t('fromVersion');
    if (pointer === '/toVersion') return t('toVersion');
    if (pointer === '/plan/note') return t('migrationNote');
    if (pointer.startsWith('/plan/deadlines/')) return pointer.endsWith('legal') ? t('legalDeadline') : t('serviceLevels');
    if (pointer.startsWith('/plan/steps/')) return `${t('oldStep')} ${fromVersion}${t('colon')}${pointer.slice('/plan/steps/'.length)}`;
    return undefined;
  };

  function changeRow(key: number, change: Partial<Row>) {
    setRows((all) => all.map((r) => (r.key === key ? { ...r, ...change } : r)));
  }

  async function save(e: Event) {
    e.preventDefault();
    setError(undefined);
    setSaved(undefined);
    const steps = Object.fromEntries(rows.filter((r) => r.from && r.to).map((r) => [r.from, r.to]));
    // Only what differs from the defaults: the same plan written twice is then the same plan, stored once.
    const deadlines = { ...(legal === 'recompute' ? { legal } : {}), ...(serviceLevels === 'recompute' ? { serviceLevels } : {}) };
    const plan: PlanContent = {
      ...(Object.keys(steps).length ? { steps } : {}),
      ...(Object.keys(deadlines).length ? { deadlines } : {}),
      ...(note.trim() ? { note: note.trim() } : {}),
    };
    setBusy(true);
    try {
      setSaved(await api<Plan>('POST', `/procedures/${procedureId}/migrations`, { body: { fromVersion, toVersion, plan } }));
      onSaved();
    } catch (err) {
      setError(translated(err as ApiError));
    }
    setBusy(false);
  }

  if (!versions.data) return <NotReady error={versions.error} />;
  if (list.length < 2) return <p>{t('onlyOneVersion')}</p>;

  const versionField = (id: string, label: MessageKey, value: number | undefined, set: (v: number) => void, pointer: string) => {
    const problem = problemAt(pointer);
    return (
      <div class={`field${problem ? ' has-error' : ''}`}>
        <label for={id}>{t(label)}</label>
        <select
          id={id}
          value={value}
          aria-invalid={problem ? true : undefined}
          aria-describedby={problem ? `${id}-error` : undefined}
          onChange={(e) => {
            setSaved(undefined);
            set(Number((e.currentTarget as HTMLSelectElement).value));
          }}
        >
          {list.map((v) => (
            <option key={v} value={v}>
              {v}
            </option>
          ))}
        </select>
        {problem && (
          <p class="field-error" id={`${id}-error`}>
            {problem}
          </p>
        )}
      </div>
    );
  };

  const ruleChoice = (name: string, legend: MessageKey, value: DeadlineRule, set: (r: DeadlineRule) => void, hints: Record<DeadlineRule, MessageKey>, pointer: string) => {
    const problem = problemAt(pointer);
    return (
      <fieldset class={problem ? 'has-error' : undefined} aria-describedby={problem ? `${name}-error` : undefined}>
        <legend>{t(legend)}</legend>
        {RULES.map((rule) => (
          <div key={rule} class="field checkbox">
            <input type="radio" id={`${name}-${rule}`} name={name} value={rule} checked={value === rule} onChange={() => set(rule)} />
            <label for={`${name}-${rule}`}>
              {t(`rule_${rule}`)} <span class="rule-hint">— {t(hints[rule])}</span>
            </label>
          </div>
        ))}
        {problem && (
          <p class="field-error" id={`${name}-error`}>
            {problem}
          </p>
        )}
      </fieldset>
    );
  };

  const noteProblem = problemAt('/plan/note');
  return (
    <>
      <h2 id="write-plan">{t('writePlan')}</h2>
      <form class="migration-plan" aria-labelledby="write-plan" onSubmit={save} noValidate>
        <div class="filters">
          {versionField('migration-from', 'fromVersion', fromVersion, setFrom, '/fromVersion')}
          {versionField('migration-to', 'toVersion', toVersion, setTo, '/toVersion')}
        </div>
        <fieldset class="step-map">
          <legend>{t('stepMapping')}</legend>
          <p class="hint">{t('stepMappingHint')}</p>
          {!definitions.data ? (
            <NotReady error={definitions.error} />
          ) : (
            <>
              {rows.length === 0 && <p>{t('noStepChanged')}</p>}
              {rows.map((row) => {
                const problem = row.from ? problemAt(`/plan/steps/${row.from}`) : undefined;
                return (
                  <div key={row.key} class="map-row" data-step={row.from}>
                    <div class="field">
                      <label for={`map-${row.key}-from`}>
                        {t('oldStep')} {fromVersion}
                      </label>
                      <select id={`map-${row.key}-from`} name="from" dir="ltr" value={row.from} onChange={(e) => changeRow(row.key, { from: (e.currentTarget as HTMLSelectElement).value })}>
                        <option value="">{t('choose')}</option>
                        <StepOptions steps={oldSteps!} />
                      </select>
                    </div>
                    <span class="map-arrow" aria-hidden="true">
                      {t('arrow')}
                    </span>
                    <div class={`field${problem ? ' has-error' : ''}`}>
                      <label for={rowId(row)}>
                        {t('newStep')} {toVersion} <span class="visually-hidden">({row.from})</span>
                      </label>
                      <select
                        id={rowId(row)}
                        name="to"
                        dir="ltr"
                        value={row.to}
                        aria-invalid={problem ? true : undefined}
                        aria-describedby={problem ? `${rowId(row)}-error` : undefined}
                        onChange={(e) => changeRow(row.key, { to: (e.currentTarget as HTMLSelectElement).value })}
                      >
                        <option value="">{t('notMapped')}</option>
                        <StepOptions steps={newSteps!} />
                      </select>
                      {problem && (
                        <p class="field-error" id={`${rowId(row)}-error`}>
                          {problem}
                        </p>
                      )}
                    </div>
                    <button type="button" class="remove-row" onClick={() => setRows((all) => all.filter((r) => r.key !== row.key))}>
                      {t('removeRow')} <span class="visually-hidden">{row.from}</span>
                    </button>
                  </div>
                );
              })}
              <button type="button" onClick={() => setRows((all) => [...all, { key: nextKey.current++, from: '', to: '' }])}>
                {t('addMappingRow')}
              </button>
            </>
          )}
        </fieldset>
        <h3>{t('runningDeadlines')}</h3>
        {ruleChoice('legal', 'legalDeadline', legal, setLegal, { keep: 'legalKeepHint', recompute: 'legalRecomputeHint' }, '/plan/deadlines/legal')}
        {ruleChoice('service-levels', 'serviceLevels', serviceLevels, setServiceLevels, { keep: 'slKeepHint', recompute: 'slRecomputeHint' }, '/plan/deadlines/serviceLevels')}
        <HintedField
          id="migration-note"
          class="note-field"
          label={t('migrationNote')}
          optional
          hint={t('migrationNoteHint')}
          problem={noteProblem}
          control={(described) => <textarea id="migration-note" rows={3} maxLength={500} value={note} {...described} onInput={(e) => setNote((e.currentTarget as HTMLTextAreaElement).value)} />}
        />
        <ProblemMessage error={error} fieldIds={fieldIds} fieldLabels={fieldLabels} />
        <p>
          <button type="submit" class="primary" disabled={busy || !definitions.data}>
            {t('savePlan')}
          </button>
        </p>
      </form>
      <div role="status">
        {saved && (
          <div class="panel good plan-saved">
            <p>
              <strong>{t('planSaved')}</strong> <code dir="ltr">{saved.id}</code>
            </p>
            <Stays plan={saved} />
            <p>
              <a href={`#${planPath(procedureId, saved.id)}`}>{t('openSavedPlan')}</a>
            </p>
          </div>
        )}
      </div>
    </>
  );
}

/** The old steps the plan moves nobody from, and why. */
function Stays({ plan }: { plan: Plan }) {
  return (
    <div class="stays">
      <h3>{t('stays')}</h3>
      {plan.stays.length === 0 ? (
        <p>{t('staysNone')}</p>
      ) : (
        <>
          <p class="hint">{t('staysHint')}</p>
          <ul>
            {plan.stays.map((s) => (
              <li key={s.pointer} data-step={s.pointer.replace(/^\/steps\//, '')}>
                <bdi>
                  <code>{s.pointer.replace(/^\/steps\//, '')}</code>
                </bdi>{' '}
                — {migrationMessage(s.message)}
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}

function PlanView({ procedureId, planId }: { procedureId: string; planId: string }) {
  const person = useStore(session);
  const base = `/procedures/${procedureId}/migrations/${planId}`;
  const status = useData(() => api<PlanStatus>('GET', base), [base]);
  const data = status.data;
  return (
    <>
      <p>
        <a href={`#${planPath(procedureId)}`}>{t('allPlans')}</a>
      </p>
      {!data ? (
        <NotReady error={status.error} />
      ) : (
        <>
          <h2>
            {t('migrationPlan')} <code dir="ltr">{data.plan.id}</code>
          </h2>
          <PlanFacts status={data} />
          <Stays plan={data.plan} />
          <PastResults status={data} />
          <DryRunSection base={base} />
          {person?.role === 'admin' && <ApplySection base={base} onApplied={status.reload} />}
        </>
      )}
    </>
  );
}

function PlanFacts({ status }: { status: PlanStatus }) {
  const { plan } = status;
  const mapped = Object.entries(plan.plan.steps ?? {});
  return (
    <dl class="facts plan-facts">
      <dt>{t('versions')}</dt>
      <dd>
        <Versions plan={plan} />
      </dd>
      <dt>{t('stepsMapped')}</dt>
      <dd>
        {mapped.length === 0 ? (
          t('noneMapped')
        ) : (
          <ul class="plain">
            {mapped.map(([from, to]) => (
              <li key={from}>
                <StepMove from={from} to={to} />
              </li>
            ))}
          </ul>
        )}
      </dd>
      <dt>{t('legalDeadline')}</dt>
      <dd>{t(`rule_${plan.plan.deadlines?.legal ?? 'keep'}`)}</dd>
      <dt>{t('serviceLevels')}</dt>
      <dd>{t(`rule_${plan.plan.deadlines?.serviceLevels ?? 'keep'}`)}</dd>
      <dt>{t('migrationNote')}</dt>
      <dd>{plan.plan.note ? <bdi>{plan.plan.note}</bdi> : '—'}</dd>
      <dt>{t('writtenBy')}</dt>
      <dd>
        <bdi>{plan.createdBy}</bdi>, {dateTime(plan.createdAt)}
      </dd>
      <dt>{t('remaining')}</dt>
      <dd>
        <span class="remaining">{number(status.remaining, 0)}</span> <span class="hint">({t('remainingHint')})</span>
      </dd>
    </dl>
  );
}

function Reasons({ reasons }: { reasons: string[] }) {
  return (
    <ul class="reasons">
      {reasons.map((r, i) => (
        <li key={i}>{migrationMessage(r)}</li>
      ))}
    </ul>
  );
}

/** A titled table of applications: each one's tracking number, its office, and what `cell` says of it. */
function ApplicationsTable<R extends { trackingNumber: string; officeId: string }>(props: { id: string; title: MessageKey; className: string; column: MessageKey; rows: R[]; cell(row: R): ComponentChildren }) {
  const { id, title, className, column, rows, cell } = props;
  return (
    <>
      <h3 id={id}>{t(title)}</h3>
      {rows.length === 0 ? (
        <p>{t('noneFound')}</p>
      ) : (
        <ListTable class={className} labelledBy={id} columns={[t('application'), t('office'), t(column)]}>
          {rows.map((row) => (
            <tr key={row.trackingNumber} data-tracking={row.trackingNumber}>
              <td>
                <ApplicationLink trackingNumber={row.trackingNumber} />
              </td>
              <td>
                <bdi>{row.officeId}</bdi>
              </td>
              <td>{cell(row)}</td>
            </tr>
          ))}
        </ListTable>
      )}
    </>
  );
}

function Moves({ steps }: { steps: Record<string, string> }) {
  return (
    <ul class="plain">
      {Object.entries(steps).map(([from, to]) => (
        <li key={from}>
          <StepMove from={from} to={to} />
        </li>
      ))}
    </ul>
  );
}

const counted = (results: Array<{ result: MoveResult }>) =>
  (['moved', 'refused', 'failed'] as const)
    .map((r) => [r, results.filter((x) => x.result === r).length] as const)
    .filter(([, n]) => n > 0)
    .map(([r, n]) => `${t(`res_${r}`)}${t('colon')}${number(n, 0)}`)
    .join(' · ');

function PastResults({ status }: { status: PlanStatus }) {
  return (
    <>
      <h3>{t('resultsSoFar')}</h3>
      {status.results.length === 0 ? (
        <p>{t('noResultsYet')}</p>
      ) : (
        <details class="past-results">
          <summary>{counted(status.results)}</summary>
          <ListTable caption={t('resultsSoFar')} columns={[t('application'), t('result'), t('why'), t('by'), t('when')]}>
            {status.results.map((r) => (
              <tr key={r.trackingNumber} data-result={r.result}>
                <td>
                  <ApplicationLink trackingNumber={r.trackingNumber} />
                </td>
                <td>{t(`res_${r.result}`)}</td>
                <td>{r.reasons.length ? <Reasons reasons={r.reasons} /> : '—'}</td>
                <td>
                  <bdi>{r.actor}</bdi>
                </td>
                <td>{dateTime(r.at)}</td>
              </tr>
            ))}
          </ListTable>
        </details>
      )}
    </>
  );
}

function DryRunSection({ base }: { base: string }) {
  const [result, setResult] = useState<DryRun>();
  const [error, setError] = useState<ApiError>();
  const [busy, setBusy] = useState(false);
  async function run() {
    setError(undefined);
    setBusy(true);
    try {
      setResult(await api<DryRun>('GET', `${base}/dry-run`));
    } catch (err) {
      setResult(undefined);
      setError(err as ApiError);
    }
    setBusy(false);
  }
  return (
    <section class="dry-run" aria-labelledby="dry-run-title">
      <h2 id="dry-run-title">{t('dryRunTitle')}</h2>
      <p class="hint">{t('dryRunHint')}</p>
      <p>
        <button type="button" onClick={() => void run()} disabled={busy}>
          {t('tryIt')}
        </button>
      </p>
      <ProblemMessage error={error} />
      <p role="status" class={result ? 'notice' : undefined}>
        {result && `${t('movable')}${t('colon')}${number(result.movable.length, 0)} · ${t('unmovable')}${t('colon')}${number(result.unmovable.length, 0)}`}
      </p>
      {result && (
        <>
          <ApplicationsTable id="movable-title" title="movable" className="movable" column="whereNow" rows={result.movable} cell={(m) => <Moves steps={m.steps} />} />
          <ApplicationsTable id="unmovable-title" title="unmovable" className="unmovable" column="why" rows={result.unmovable} cell={(u) => <Reasons reasons={u.reasons} />} />
        </>
      )}
    </section>
  );
}

function ApplySection({ base, onApplied }: { base: string; onApplied(): void }) {
  const [size, setSize] = useState('50');
  const [retryRefused, setRetryRefused] = useState(false);
  const [batch, setBatch] = useState<Batch>();
  const [error, setError] = useState<ApiError>();
  const [busy, setBusy] = useState(false);
  async function apply(e: Event) {
    e.preventDefault();
    setError(undefined);
    setBusy(true);
    try {
      const body = { batchSize: Number(size), retryRefused };
      setBatch(await api<Batch>('POST', `${base}/apply`, { body }));
      onApplied();
    } catch (err) {
      setBatch(undefined);
      setError(translated(err as ApiError));
    }
    setBusy(false);
  }
  const sizeProblem = error?.errors.find((p) => p.pointer === '/batchSize')?.message;
  return (
    <section class="apply-batch" aria-labelledby="apply-title">
      <h2 id="apply-title">{t('applyBatch')}</h2>
      <p class="hint">{t('applyHint')}</p>
      <form onSubmit={apply} noValidate>
        <HintedField
          id="batch-size"
          label={t('batchSize')}
          hint={t('batchSizeHint')}
          problem={sizeProblem}
          control={(described) => (
            <input id="batch-size" type="number" inputMode="numeric" min={1} max={200} value={size} {...described} onInput={(e) => setSize((e.currentTarget as HTMLInputElement).value)} />
          )}
        />
        <div class="field checkbox">
          <input id="retry-refused" type="checkbox" checked={retryRefused} aria-describedby="retry-refused-hint" onChange={(e) => setRetryRefused((e.currentTarget as HTMLInputElement).checked)} />
          <label for="retry-refused">{t('retryRefused')}</label>
        </div>
        <p class="hint" id="retry-refused-hint">
          {t('retryRefusedHint')}
        </p>
        <ProblemMessage error={error} fieldIds={(p) => (p === '/batchSize' ? 'batch-size' : undefined)} fieldLabels={(p) => (p === '/batchSize' ? t('batchSize') : undefined)} />
        <p>
          <button type="submit" class="primary" disabled={busy}>
            {t('applyBatch')}
          </button>
        </p>
      </form>
      <p role="status" class={batch ? 'notice' : undefined}>
        {batch && (
          <>
            {t('batchDone')}. {batch.results.length ? counted(batch.results) : t('batchEmpty')} — {t('remaining')}
            {t('colon')}
            <span class="batch-remaining">{number(batch.remaining, 0)}</span>
          </>
        )}
      </p>
      {batch && batch.results.length > 0 && (
        <ListTable class="batch-results" caption={t('batchDone')} columns={[t('application'), t('office'), t('result'), t('detail')]}>
          {batch.results.map((r) => (
            <tr key={r.trackingNumber} data-tracking={r.trackingNumber} data-result={r.result}>
              <td>
                <ApplicationLink trackingNumber={r.trackingNumber} />
              </td>
              <td>
                <bdi>{r.officeId}</bdi>
              </td>
              <td>{t(`res_${r.result}`)}</td>
              <td>{r.reasons.length ? <Reasons reasons={r.reasons} /> : r.steps && Object.keys(r.steps).length ? <Moves steps={r.steps} /> : '—'}</td>
            </tr>
          ))}
        </ListTable>
      )}
    </section>
  );
}
