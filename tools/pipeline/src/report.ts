// A run's report: Markdown (what happened, every figure, the gate, lineage, how to reproduce) and the
// same as HTML with inline SVG plots of the metrics by version across runs.
import { K, type Figures } from './evaluation';
import { replayMarkdown } from './replay';
import type { RunIndexEntry, RunRecord } from './runs';
import { barChart, escapeXml, lineChart } from './svg';

const f4 = (x: number | undefined) => (x === undefined ? '–' : x.toFixed(4));

function figureRows(name: string, figures: Figures | undefined): string[] {
  if (!figures) return [];
  return (['all', 'new'] as const).map((view) => `| ${name} | ${view} | ${f4(figures[view].hr)} | ${f4(figures[view].recall)} | ${f4(figures[view].ndcg)} | ${figures[view].users} |`);
}

export function markdownReport(r: RunRecord): string {
  const out: string[] = [];
  out.push(`# Training pipeline run ${r.runId}`, '');
  out.push(`Started ${r.startedAt}, ${r.seconds.toFixed(1)} s; store ${r.store}; code ${r.codeVersion}. Every figure below was measured by this run (or by the earlier run whose step it reused, same key).`, '');
  out.push(`**Decision: ${Object.keys(r.promoted).length > 0 ? 'promoted' : r.gate.promote ? 'would promote (promotion off)' : 'production kept'}** — ${r.gate.reason}.`, '');
  out.push('## Data', '');
  out.push(`- Snapshot of the store's transaction log: ${r.snapshot.rows} lines, ${r.snapshot.first} … ${r.snapshot.last}, SHA-256 \`${r.snapshot.hash}\`.`);
  out.push(`- OR-temporal-v1: validation cut ${r.cuts.validation} (blend fitted on [${r.cuts.validation}, ${r.cuts.test})), test cut ${r.cuts.test}; K=10.`);
  out.push(`- Parameters: ${Object.entries(r.parameters).map(([k, v]) => `${k}=${typeof v === 'number' ? v : JSON.stringify(v)}`).join(', ')}.`, '');
  out.push('## Full ranker on the test window, beside production and the baselines', '');
  out.push('| ranking | view | HR@10 | Recall@10 | NDCG@10 | users |', '| --- | --- | ---: | ---: | ---: | ---: |');
  out.push(...figureRows(`**candidate** (${r.candidate.versions.copurchase}, ${r.candidate.versions.affinity}, ${r.candidate.versions.blend})`, r.candidate.figures));
  out.push(...figureRows(`production (${r.production.versions.copurchase}, ${r.production.versions.affinity}, ${r.production.versions.blend})`, r.production.figures));
  for (const [name, figures] of Object.entries(r.baselines)) out.push(...figureRows(name, figures));
  out.push('');
  if (!r.production.figures) out.push('No complete production (copurchase and affinity) was registered, so there was nothing to compare with.', '');
  if (r.gate.checks.length > 0) {
    out.push(`## Promotion gate (HR@10 tolerance ${r.gate.hrTolerance})`, '');
    out.push('| check | candidate | production | needs | pass |', '| --- | ---: | ---: | --- | --- |');
    for (const c of r.gate.checks) out.push(`| ${c.name} | ${f4(c.candidate)} | ${f4(c.production)} | ${c.threshold} | ${c.pass ? 'yes' : '**no**'} |`);
    out.push('');
  }
  out.push('## Replay of logged slates', '');
  if (!r.replay) out.push('Not measured by this run.', '');
  else if (r.replay.slates === 0) out.push(`No logged slates served in [${new Date(r.replay.options.fromUnixMs ?? 0).toISOString()}, ${new Date(r.replay.options.toUnixMs ?? 0).toISOString()}).`, '');
  else out.push(replayMarkdown(r.replay, '###'));
  out.push('## Versions and lineage', '');
  out.push(`- Candidate blend weights: ${JSON.stringify(r.candidate.weights)}; validation objective ${f4(r.candidate.validation.objective)} (${Object.entries(r.candidate.validation.perView).map(([v, x]) => `${v} ${f4(x)}`).join(', ')}), all weights equal ${f4(r.candidate.validation.uniformObjective)}.`);
  out.push(`- Registered: ${Object.entries(r.registered).map(([m, v]) => `${m}@${v}`).join(', ') || 'nothing (registration off)'}.`);
  out.push(`- Promoted: ${Object.entries(r.promoted).map(([m, v]) => `${m} ${v}`).join(', ') || 'nothing'}.`);
  out.push(`- Model-only metrics from the train commands: ${Object.entries(r.modelOnly).map(([m, metrics]) => `${m} NDCG@10 all ${f4(metrics['all.ndcg@10'])} new ${f4(metrics['new.ndcg@10'])}`).join('; ')}.`);
  const states = (t?: RunRecord['candidate']['tally']) =>
    t ? `${t.calls} calls, ${t.coldStarts} cold starts, non-OK sources: ${Object.entries(t.sourceStates).map(([k, v]) => `${k} ${v}`).join(', ') || 'none'}${t.details?.length ? ` (first: ${t.details.join('; ')})` : ''}` : '–';
  out.push(`- How the ranker answered: candidate ${states(r.candidate.tally)}; production ${states(r.production.tally)}.`);
  const hits = (t?: RunRecord['candidate']['tally']) =>
    t?.itemsBySource && Object.keys(t.itemsBySource).length > 0
      ? Object.entries(t.itemsBySource)
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([source, { items, hits }]) => `${source} ${hits}/${items}`)
          .join(', ')
      : '–';
  out.push(`- Hits / items in the evaluated top ${K} by the generator that proposed them (both views; an item proposed by several counts for each): candidate ${hits(r.candidate.tally)}; production ${hits(r.production.tally)}.`, '');
  out.push('## Steps', '');
  out.push('| step | key | reused | seconds |', '| --- | --- | --- | ---: |');
  for (const s of r.steps) out.push(`| ${s.name} | \`${s.key}\` | ${s.cached ? 'yes' : 'no'} | ${s.seconds.toFixed(1)} |`);
  out.push('', `Wall time by phase (s): ${Object.entries(r.timings).map(([k, v]) => `${k} ${v.toFixed(1)}`).join(', ')}; total ${r.seconds.toFixed(1)}.`, '');
  out.push('## Reproduce', '');
  out.push('On a store whose snapshot has the hash above (the same data), in a fresh working directory so no step is reused:', '');
  out.push('```sh', r.command, '```', '');
  out.push('The same snapshot, parameters, seed and code give the same step keys and the same metrics.', '');
  return out.join('\n');
}

export function htmlReport(r: RunRecord, history: readonly RunIndexEntry[]): string {
  const labels = history.map((entry) => entry.candidate.blend.replace(/^blend-/, ''));
  const series = (view: 'all' | 'new', metric: 'ndcg' | 'hr') => [
    { name: `candidate ${metric.toUpperCase()}@10 ${view}`, values: history.map((entry) => entry.figures[view][metric]) },
    { name: `production ${metric.toUpperCase()}@10 ${view}`, values: history.map((entry) => entry.production?.[view][metric]), dashed: true },
  ];
  const plots = [
    lineChart('NDCG@10 by candidate version (all runs)', labels, [...series('all', 'ndcg'), ...series('new', 'ndcg')]),
    lineChart('HR@10 by candidate version (all runs)', labels, [...series('all', 'hr'), ...series('new', 'hr')]),
    barChart(
      'NDCG@10 of this run',
      ['all', 'new'],
      [
        { name: 'candidate', values: [r.candidate.figures.all.ndcg, r.candidate.figures.new.ndcg] },
        ...(r.production.figures ? [{ name: 'production', values: [r.production.figures.all.ndcg, r.production.figures.new.ndcg] }] : []),
        ...Object.entries(r.baselines).map(([name, f]) => ({ name, values: [f.all.ndcg, f.new.ndcg] })),
      ],
    ),
  ];
  const body = markdownToHtml(markdownReport(r));
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Pipeline run ${escapeXml(r.runId)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:1000px;margin:2em auto;padding:0 1em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 8px;font-size:13px}code,pre{background:#f4f4f4}</style>
</head><body>
${body}
<h2>Metrics by version</h2>
${plots.map((svg) => `<figure>${svg}</figure>`).join('\n')}
</body></html>
`;
}

/** Just enough Markdown for the report's own output: headings, paragraphs, lists, tables, code blocks. */
function markdownToHtml(markdown: string): string {
  const inline = (text: string) =>
    escapeXml(text)
      .replace(/`([^`]+)`/g, '<code>$1</code>')
      .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>');
  const out: string[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.startsWith('```')) {
      const code: string[] = [];
      while (++i < lines.length && !lines[i]!.startsWith('```')) code.push(lines[i]!);
      out.push(`<pre><code>${escapeXml(code.join('\n'))}</code></pre>`);
    } else if (line.startsWith('#')) {
      const level = line.match(/^#+/)![0].length;
      out.push(`<h${level}>${inline(line.slice(level).trim())}</h${level}>`);
    } else if (line.startsWith('|')) {
      const rows: string[][] = [];
      for (; i < lines.length && lines[i]!.startsWith('|'); i++) rows.push(lines[i]!.slice(1, -1).split(' | ').map((cell) => cell.trim()));
      i--;
      const [head, , ...rest] = rows;
      out.push(`<table><tr>${head!.map((c) => `<th>${inline(c)}</th>`).join('')}</tr>${rest.map((row) => `<tr>${row.map((c) => `<td>${inline(c)}</td>`).join('')}</tr>`).join('')}</table>`);
    } else if (line.startsWith('- ')) {
      const items: string[] = [];
      for (; i < lines.length && lines[i]!.startsWith('- '); i++) items.push(`<li>${inline(lines[i]!.slice(2))}</li>`);
      i--;
      out.push(`<ul>${items.join('')}</ul>`);
    } else if (line.trim()) out.push(`<p>${inline(line)}</p>`);
  }
  return out.join('\n');
}
