import { useState } from 'preact/hooks';
import type { GuideEntry } from '../../../registry/guide.js';
import { api } from '../api.js';
import { NotReady } from '../components/Problem.js';
import { number } from '../format.js';
import { t, useLanguage } from '../i18n.js';
import { session } from '../session.js';
import { useStore } from '../store.js';
import { useData } from '../use-data.js';


export function useGuide() {
  const lang = useLanguage();
  return useData(() => api<{ procedures: GuideEntry[] }>('GET', `/guide?lang=${lang}`).then((g) => g.procedures), [lang]);
}

/** Lower-case and without Arabic or Latin diacritics, so "resid" finds "Résidence". */
function fold(text: string): string {
  return text.toLowerCase().normalize('NFD').replace(/[\u0300-\u036f\u064b-\u065f]/g, '');
}

export function GuidePage({ channel, base = '' }: { channel?: 'kiosk'; base?: string }) {
  const guide = useGuide();
  const lang = useLanguage();
  const [search, setSearch] = useState('');
  const [category, setCategory] = useState('');
  if (!guide.data) return <NotReady error={guide.error} />;
  // The API names each category in the page's language; the filter lists them in that language's order.
  const categories = [...new Map(guide.data.map((p) => [p.category, p.categoryLabel])).entries()].sort(([, a], [, b]) => a.localeCompare(b, lang));
  const words = fold(search).split(/\s+/).filter(Boolean);
  const shown = guide.data.filter(
    (p) =>
      (!channel || p.channels.includes(channel)) &&
      (!category || p.category === category) &&
      words.every((w) => fold(`${p.title} ${p.description} ${p.id}`).includes(w)),
  );
  return (
    <section>
      <h1 tabIndex={-1}>{t(channel ? 'kioskFile' : 'guide')}</h1>
      <p>{t('guideIntro')}</p>
      <div class="filters" role="search">
        <div class="field">
          <label for="guide-search">{t('search')}</label>
          <input id="guide-search" type="search" value={search} onInput={(e) => setSearch((e.currentTarget as HTMLInputElement).value)} />
        </div>
        {!channel && (
          <div class="field">
            <label for="guide-category">{t('category')}</label>
            <select id="guide-category" value={category} onChange={(e) => setCategory((e.currentTarget as HTMLSelectElement).value)}>
              <option value="">{t('all')}</option>
              {categories.map(([id, label]) => (
                <option key={id} value={id}>
                  {label}
                </option>
              ))}
            </select>
          </div>
        )}
      </div>
      <p role="status">{t('found')}: {number(shown.length, 0)}</p>
      <ul class="cards">
        {shown.map((p) => (
          <li key={p.id} class="card">
            <h2>
              <a href={`#${base}/guide/${p.id}`}>{p.title}</a>
            </h2>
            <p>{p.description}</p>
            <p class="meta">
              {t('category')}: {p.categoryLabel} · {t('legalDeadline')}: {p.legalDeadline.budget} · {p.fees.length ? p.fees.map((f) => `${number(f.amountMad, 2)} ${t('mad')}`).join(' + ') : t('free')}
            </p>
          </li>
        ))}
      </ul>
    </section>
  );
}

export function GuideEntryPage({ id, base = '' }: { id: string; base?: string }) {
  const lang = useLanguage();
  const person = useStore(session);
  const entry = useData(() => api<GuideEntry>('GET', `/guide/${id}?lang=${lang}`), [id, lang]);
  if (!entry.data) return <NotReady error={entry.error} />;
  const p = entry.data;
  // An internal procedure is filed by the office's staff, never by a citizen nor at a kiosk.
  const internal = p.channels.includes('internal');
  const staff = person?.role === 'agent' || person?.role === 'supervisor';
  const online = internal ? staff && !base : base ? p.channels.includes('kiosk') : p.channels.includes('web') || p.channels.includes('kiosk');
  return (
    <article>
      <h1 tabIndex={-1}>{p.title}</h1>
      <p>{p.description}</p>
      <p class="meta">
        {t('category')}: {p.categoryLabel}
      </p>
      {p.eligibility && (
        <p>
          <strong>{t('whoMayApply')}:</strong> {p.eligibility}
        </p>
      )}
      {internal && <p class="notice">{t('internalProcedure')}</p>}
      {online && (
        <p>
          <a class="button primary big" href={`#${base}/apply/${p.id}`}>
            {t('fileOnline')}
          </a>
        </p>
      )}
      <h2>{t('documents')}</h2>
      <ul>
        {p.documents.map((d) => (
          <li key={d.id}>
            {d.label} <span class="meta" dir="ltr">({d.formats.join(', ')}, ≤ {number(d.maxSizeMb)} MB{d.optional ? `, ${t('optional')}` : ''}{d.fetchedByAdministration ? `, ${t('fetchedByAdministration')}` : ''})</span>
          </li>
        ))}
        {!p.documents.length && <li>{t('none')}</li>}
      </ul>
      <h2>{t('fees')}</h2>
      <ul>
        {p.fees.length ? (
          p.fees.map((f, i) => (
            <li key={i}>
              {f.label}: {number(f.amountMad, 2)} {t('mad')}
              {f.note ? ` (${f.note})` : ''}
            </li>
          ))
        ) : (
          <li>{t('free')}</li>
        )}
      </ul>
      <h2>{t('steps')}</h2>
      <ol>
        {p.steps.map((s) => (
          <li key={s.id}>{s.text}</li>
        ))}
      </ol>
      <h2>{t('legalDeadline')}</h2>
      <p>
        {p.legalDeadline.budget} {p.legalDeadline.startsOn}.
      </p>
      {p.legalDeadline.variants.map((v, i) => (
        <p key={i}>
          {v.budget}
          {v.label ? `: ${v.label}` : ''}
          {v.extension ? ` ${v.extension}` : ''}
        </p>
      ))}
      {p.legalDeadline.extension && <p>{p.legalDeadline.extension}</p>}
      <p>{p.legalDeadline.onExpiry}</p>
      {p.clocks.length > 0 && (
        <>
          <h2>{t('otherDeadlines')}</h2>
          <ul>
            {p.clocks.map((clock, i) => (
              <li key={i}>
                <strong>{clock.label}</strong>: {clock.rule}
                {!clock.legalBasis.confirmed && <span class="badge"> {t('unconfirmed')}</span>}
              </li>
            ))}
          </ul>
        </>
      )}
      <h2>{t('legalBasis')}</h2>
      <p>
        {p.legalBasis.law}
        {p.legalBasis.articles.length ? ` (${p.legalBasis.articles.join(', ')})` : ''}. <bdi lang="en" dir="ltr">{p.legalBasis.note}</bdi>
        {!p.legalBasis.confirmed && <span class="badge"> {t('unconfirmed')}</span>}
      </p>
    </article>
  );
}
