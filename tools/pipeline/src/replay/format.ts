// The replay as Markdown: one table per experiment (its variants, served and shadow), then each
// shadow variant against what was served on the same requests.
import type { Estimate } from './bootstrap';
import type { GroupResult, ReplayResult, ShadowResult } from './replay';

const f4 = (x: number) => x.toFixed(4);
const signed = (x: number) => (x > 0 ? '+' : x < 0 ? '−' : '') + Math.abs(x).toFixed(4);

export function formatEstimate(e: Estimate | undefined, sign = false): string {
  if (!e) return '–';
  const f = sign ? signed : f4;
  return `${f(e.value)} [${f(e.low)}, ${f(e.high)}]`;
}

const name = (text: string, none: string) => (text === '' ? none : text);
const iso = (ms: number | undefined) => (ms === undefined || !Number.isFinite(ms) ? '–' : new Date(ms).toISOString());

function duration(ms: number): string {
  const units: [string, number][] = [['d', 86_400_000], ['h', 3_600_000], ['m', 60_000], ['s', 1000]];
  for (const [unit, size] of units) if (ms % size === 0 && ms >= size) return `${ms / size}${unit}`;
  return `${ms}ms`;
}

function groupRow(g: GroupResult): string {
  return `| ${name(g.variant, '(production)')} | ${g.shadow ? 'yes' : 'no'} | ${g.slates} | ${g.servings} | ${g.users} | ${g.pending} | ${formatEstimate(g.hr)} | ${formatEstimate(g.ndcg)} | ${g.coverage === undefined ? '–' : `${f4(g.coverage)} (${g.productsServed})`} |`;
}

function shadowRow(s: ShadowResult): string {
  return `| ${s.variant} | ${s.servedVariants.map((v) => name(v, '(production)')).join(', ') || '–'} | ${s.pairs} | ${s.users} | ${s.pending} | ${s.unpaired} | ${formatEstimate(s.shadow.hr)} | ${formatEstimate(s.served.hr)} | ${formatEstimate(s.difference.hr, true)} | ${formatEstimate(s.shadow.ndcg)} | ${formatEstimate(s.served.ndcg)} | ${formatEstimate(s.difference.ndcg, true)} |`;
}

/** Markdown of a replay; `heading` is the level of the per-experiment headings ('###' inside a report). */
export function replayMarkdown(r: ReplayResult, heading = '##'): string {
  const k = r.options.k;
  const out: string[] = [];
  out.push(
    `Slates served in [${iso(r.options.fromUnixMs)}, ${iso(r.options.toUnixMs)})${r.options.experiment !== undefined ? `, experiment ${name(r.options.experiment, '(none)')}` : ''}: ${r.slates} read (servings ${r.servings}), ${r.scored} scored (servings ${r.scoredServings}), ${r.pending} pending ` +
      `(their ${duration(r.options.horizonMs)} horizon ends after the newest transaction, ${iso(r.transactions.lastUnixMs)}). ` +
      `A slate scores a hit when its user bought one of its first ${k} products within ${duration(r.options.horizonMs)} after the slate's as-of time (the request's context time, else the serve time); ` +
      `HR and NDCG are means over servings (Rank answers): a slate standing for n servings of a held page counts n times, a shadow pair once; ` +
      `NDCG@${k} has binary relevance; coverage is the distinct products among the scored slates' first ${k} ÷ the ${r.transactions.catalogue} products in the transaction log. ` +
      `Intervals: 95%, bootstrap over users (${r.options.resamples} resamples, seed ${r.options.seed}).`,
    '',
  );
  if (r.slates === 0) {
    out.push('No logged slates in this window.', '');
    return out.join('\n');
  }
  const experiments = [...new Set([...r.groups.map((g) => g.experiment), ...r.shadows.map((s) => s.experiment)])];
  for (const experiment of experiments) {
    out.push(`${heading} Experiment ${name(experiment, '(none: production)')}`, '');
    out.push(`| variant | shadow | slates | servings | users | pending | HR@${k} [95% CI] | NDCG@${k} [95% CI] | coverage (products) |`, '| --- | --- | ---: | ---: | ---: | ---: | --- | --- | --- |');
    for (const g of r.groups.filter((g) => g.experiment === experiment)) out.push(groupRow(g));
    out.push('');
    const shadows = r.shadows.filter((s) => s.experiment === experiment);
    if (shadows.length > 0) {
      out.push(`Shadow variants against the slate served on the same request (paired by request id; difference = shadow − served):`, '');
      out.push(
        `| shadow variant | served variants | pairs | users | pending | unpaired | HR@${k} shadow | HR@${k} served | HR@${k} difference | NDCG@${k} shadow | NDCG@${k} served | NDCG@${k} difference |`,
        '| --- | --- | ---: | ---: | ---: | ---: | --- | --- | --- | --- | --- | --- |',
      );
      for (const s of shadows) out.push(shadowRow(s));
      out.push('');
    }
  }
  return out.join('\n');
}
