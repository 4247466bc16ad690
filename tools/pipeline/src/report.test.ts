import { describe, expect, it } from 'vitest';
import { PurchaseIndex, replay, DEFAULT_REPLAY_OPTIONS } from './replay';
import { ALL, day, lines } from './replay/testing';
import { tallyHits } from './rank-calls';
import { htmlReport, markdownReport } from './report';
import type { RunRecord } from './runs';

const view = { hr: 0.5, recall: 0.2, ndcg: 0.3, users: 10 };
const figures = { all: view, new: view };
const versions = { copurchase: 'c1', affinity: 'a1', blend: 'blend-1' };
const record = (replayResult: RunRecord['replay']): RunRecord => ({
  runId: 'r1',
  runKey: 'k1',
  startedAt: '2026-12-07T00:00:00.000Z',
  seconds: 1,
  command: 'npm run pipeline -- run',
  codeVersion: 'test',
  store: 'sqlite',
  snapshot: { hash: 'h', rows: 1, first: '2010-12-01 08:26:00', last: '2011-12-09 12:50:00', file: 'x.csv.gz' },
  cuts: { validation: '2011-10-10', test: '2011-11-09' },
  parameters: { seed: 42 },
  candidate: { versions, figures, tally: { calls: 1, coldStarts: 0, sourceStates: {}, models: {}, details: [] }, weights: {}, validation: { objective: 0.3, perView: {}, uniformObjective: 0.2 } },
  production: { versions },
  baselines: {},
  modelOnly: {},
  gate: { promote: false, reason: 'same versions', checks: [], hrTolerance: 0.01 },
  replay: replayResult,
  registered: {},
  promoted: {},
  steps: [],
  timings: {},
});

describe('the run report', () => {
  it('has the replay of logged slates, or says there were none', () => {
    const window = { fromUnixMs: day(-5), toUnixMs: day(35) };
    const withSlates = markdownReport(record(replay(ALL, PurchaseIndex.of(lines), { ...DEFAULT_REPLAY_OPTIONS, ...window })));
    expect(withSlates).toContain('## Replay of logged slates');
    expect(withSlates).toContain('### Experiment exp');
    expect(withSlates).toMatch(/\| control \| no \| 4 \| 4 \| 3 \| 1 \| 0\.7500 \[/);
    expect(withSlates.indexOf('## Replay of logged slates')).toBeLessThan(withSlates.indexOf('## Versions and lineage'));
    const html = htmlReport(record(replay(ALL, PurchaseIndex.of(lines), { ...DEFAULT_REPLAY_OPTIONS, ...window })), []);
    expect(html).toContain('<h3>Experiment exp</h3>');

    const none = markdownReport(record(replay([], PurchaseIndex.of(lines), { ...DEFAULT_REPLAY_OPTIONS, ...window })));
    expect(none).toContain(`No logged slates served in [${new Date(day(-5)).toISOString()}, ${new Date(day(35)).toISOString()}).`);
  });

  it('says which generators proposed the hits, and "–" for a record without the tally', () => {
    const bySource = {};
    tallyHits(bySource, [{ productId: 'A', candidateSources: ['copurchase', 'repeat'] }, { productId: 'B', candidateSources: ['popular'] }, { productId: 'C', candidateSources: ['repeat'] }], new Set(['A', 'C']));
    tallyHits(bySource, [{ productId: 'A', candidateSources: ['popular'] }], new Set(['B']));
    expect(bySource).toEqual({ copurchase: { items: 1, hits: 1 }, repeat: { items: 2, hits: 2 }, popular: { items: 2, hits: 0 } });
    const r = record(undefined);
    r.candidate.tally = { ...r.candidate.tally, itemsBySource: bySource };
    expect(markdownReport(r)).toContain('candidate copurchase 1/1, popular 0/2, repeat 2/2; production –.');
  });
});
