import { useState } from 'preact/hooks';
import type { InboxTaskView } from '../../../api/answers.js';
import type { Statistics } from '../../../audit/statistics.js';
import { api, ApiError, query } from '../api.js';
import { BarChart } from '../components/BarChart.js';
import { NotReady, ProblemMessage } from '../components/Problem.js';
import { ListTable } from '../components/ListTable.js';
import { TimeLeft } from '../components/TimeLeft.js';
import { dateTime, number, percent } from '../format.js';
import { t } from '../i18n.js';
import { session } from '../session.js';
import { useStore } from '../store.js';
import { useData } from '../use-data.js';
import { useProcedureTitles } from './Applications.js';
import { useInbox } from './Inbox.js';
import { ApplicationLink } from '../components/ApplicationLink.js';

const isoDay = (d: Date) => d.toISOString().slice(0, 10);

export function DashboardPage({ params }: { params: URLSearchParams }) {
  const today = new Date();
  const from = params.get('from') ?? isoDay(new Date(today.getTime() - 29 * 86_400_000));
  const to = params.get('to') ?? isoDay(today);
  const [round, setRound] = useState(0);
  const stats = useData(() => api<Statistics>('GET', `/statistics${query({ from, to })}`), [from, to, round]);
  const titles = useProcedureTitles();
  const [period, setPeriod] = useState({ from, to });
  const person = useStore(session);

  return (
    <section>
      <h1 tabIndex={-1}>{t('dashboard')}</h1>
      <form
        class="filters"
        onSubmit={(e) => {
          e.preventDefault();
          window.location.hash = `/dashboard${query(period)}`;
        }}
      >
        <div class="field">
          <label for="period-from">{t('from')}</label>
          <input id="period-from" type="date" value={period.from} onInput={(e) => setPeriod({ ...period, from: (e.currentTarget as HTMLInputElement).value })} />
        </div>
        <div class="field">
          <label for="period-to">{t('to')}</label>
          <input id="period-to" type="date" value={period.to} onInput={(e) => setPeriod({ ...period, to: (e.currentTarget as HTMLInputElement).value })} />
        </div>
        <button type="submit">{t('show')}</button>
        <button type="button" onClick={() => setRound((r) => r + 1)}>
          {t('refresh')}
        </button>
      </form>
      {!stats.data ? (
        <NotReady error={stats.error} />
      ) : (
        <Figures stats={stats.data} titles={titles} />
      )}
      {(person?.role === 'supervisor' || person?.role === 'admin') && <Reassign round={round} />}
    </section>
  );
}

function Figures({ stats, titles }: { stats: Statistics; titles: Map<string, string> }) {
  const total = stats.total;
  const tiles: Array<[string, string, string]> = [
    ['tile-within', t('decidedWithinDeadline'), `${number(total.decidedWithinDeadline, 0)} / ${number(total.decided, 0)} (${percent(total.shareWithinDeadline)})`],
    ['tile-silence', t('grantedBySilence'), number(total.grantedBySilence, 0)],
    ['tile-escalations', t('escalations'), number(total.escalations, 0)],
    ['tile-overdue', t('overdue'), number(stats.overdue.length, 0)],
    ['tile-at-risk', t('atRisk'), number(stats.atRisk.length, 0)],
    ['tile-filed', t('filed'), number(total.filed, 0)],
    ['tile-pending', t('pending'), number(total.pending, 0)],
  ];
  return (
    <>
      <ul class="tiles">
        {tiles.map(([id, label, value]) => (
          <li key={id} class={`tile ${id}`}>
            <span class="tile-label" id={`${id}-label`}>
              {label}
            </span>
            <strong class="tile-value" aria-labelledby={`${id}-label`} data-testid={id}>
              {value}
            </strong>
          </li>
        ))}
      </ul>
      <div class="charts">
        <BarChart
          caption={t('processingByProcedure')}
          unit={t('wd')}
          valueHeading={t('median')}
          secondaryHeading={t('p90')}
          bars={stats.byProcedure.map((g) => ({ label: titles.get(g.procedureId ?? '') ?? g.procedureId ?? '', value: g.processingWorkingDays.median, secondary: g.processingWorkingDays.p90 }))}
        />
        <BarChart
          caption={t('processingByAgent')}
          unit={t('wd')}
          valueHeading={t('median')}
          secondaryHeading={t('tasksCompleted')}
          bars={stats.byAgent.map((a) => ({ label: a.agent, value: a.taskWorkingDays.median, secondary: a.tasksCompleted }))}
        />
      </div>
      <WatchList title={t('overdueList')} items={stats.overdue} titles={titles} />
      <WatchList title={t('atRiskList')} items={stats.atRisk} titles={titles} />
    </>
  );
}

function WatchList({ title, items, titles }: { title: string; items: Statistics['overdue']; titles: Map<string, string> }) {
  return (
    <>
      <h2>{title}</h2>
      {items.length ? (
        <ul>
          {items.map((i) => (
            <li key={i.trackingNumber}>
              <ApplicationLink trackingNumber={i.trackingNumber} />{' '}
              {titles.get(i.procedureId) ?? i.procedureId} — {dateTime(i.dueAt)}
            </li>
          ))}
        </ul>
      ) : (
        <p>{t('none')}</p>
      )}
    </>
  );
}

/** The office's open work, to hand a task to another agent or role. */
function Reassign({ round }: { round: number }) {
  const inbox = useInbox({ round: String(round) });
  return (
    <>
      <h2>{t('reassign')}</h2>
      {!inbox.data ? (
        <NotReady error={inbox.error} />
      ) : inbox.data.tasks.length === 0 ? (
        <p>{t('inboxEmpty')}</p>
      ) : (
        <ListTable caption={t('reassign')} columns={[t('task'), t('timeLeft'), t('assignee'), t('reassignTo')]}>
          {inbox.data.tasks.map((task) => (
            <ReassignRow key={task.id} task={task} onDone={inbox.reload} />
          ))}
        </ListTable>
      )}
    </>
  );
}

function ReassignRow({ task, onDone }: { task: InboxTaskView; onDone(): void }) {
  const [agent, setAgent] = useState('');
  const [error, setError] = useState<ApiError>();
  const id = `reassign-${task.id.replace(/[^A-Za-z0-9-]/g, '-')}`;
  async function send(e: Event) {
    e.preventDefault();
    setError(undefined);
    try {
      await api('POST', `/tasks/${task.id}/reassign`, { body: agent.trim() ? { toAgent: agent.trim() } : { toRole: task.role } });
      setAgent('');
      onDone();
    } catch (err) {
      setError(err as ApiError);
    }
  }
  return (
    <tr>
      <td>
        <a href={`#/inbox/${encodeURIComponent(task.id)}`} dir="ltr">
          {task.id}
        </a>
      </td>
      <td>
        <TimeLeft clock={task.legalDeadline} />
      </td>
      <td>{task.assignee ?? '—'}</td>
      <td>
        <form onSubmit={send} class="inline" noValidate>
          <label for={id} class="visually-hidden">
            {t('agentId')} ({task.id})
          </label>
          <input id={id} dir="ltr" placeholder={t('agentId')} value={agent} onInput={(e) => setAgent((e.currentTarget as HTMLInputElement).value)} />
          <button type="submit">{t('reassign')}</button>
          {error && <ProblemMessage error={error} />}
        </form>
      </td>
    </tr>
  );
}
