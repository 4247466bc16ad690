import { describe, expect, it } from 'vitest';
import { formatErrors, pairTable, processTable, ratios, renderMarkdown, summaryLines, type BenchReport, type Phase } from './report';
import { latencyPlot, logTicks } from './svg';
import { splitConcurrency } from './options';

const phase = (over: Partial<Phase>): Phase => ({
  target: 'Rank',
  load: 'closed 4',
  concurrency: 4,
  seconds: 10,
  sent: 1000,
  ok: 1000,
  degraded: 0,
  throughput: 100,
  fullThroughput: 100,
  latency: { p50: 10, p90: 20, p99: 40, max: 80 },
  errors: {},
  processes: [],
  ...over,
});

const echo = phase({ target: 'echo', throughput: 4000, latency: { p50: 0.5, p90: 1, p99: 2, max: 5 } });

describe('ratios to echo', () => {
  it('divides the subject by echo under the same load', () => {
    expect(ratios({ subject: phase({}), echo })).toEqual({ throughput: 0.025, p50: 20, p99: 20 });
  });
  it('has none without an echo phase', () => {
    expect(ratios({ subject: phase({}) })).toEqual({});
  });
});

describe('Markdown', () => {
  it('puts echo then the subject, with the ratios on the subject row', () => {
    const [header, , echoRow, rankRow] = pairTable([{ subject: phase({}), echo }]);
    expect(header).toContain('vs echo');
    expect(echoRow.startsWith('| closed 4 | echo | 4,000 |  |')).toBe(true);
    expect(rankRow).toContain('| Rank | 100 | ×0.025 | 100 |');
    const [, , , degradedRow] = pairTable([{ subject: phase({ ok: 1000, degraded: 400, fullThroughput: 60 }), echo }]);
    expect(degradedRow).toContain('| Rank | 100 | ×0.025 | 60 |');
    expect(rankRow).toContain('×20.0');
  });
  it('names errors by status', () => {
    expect(formatErrors({})).toBe('0');
    expect(formatErrors({ RESOURCE_EXHAUSTED: 12, UNAVAILABLE: 0, DEADLINE_EXCEEDED: 3 })).toBe('12 RESOURCE_EXHAUSTED, 3 DEADLINE_EXCEEDED');
  });
  it('shows CPU and RSS per process, and a gone process as gone', () => {
    const rows = processTable([
      phase({ machineCpu: 0.93, processes: [{ name: 'ranker', pid: 1, cpu: 0.87, rssMb: 151.2, alive: true }, { name: 'affinity', pid: 2, alive: false }] }),
    ]);
    expect(rows[0]).toBe('| load | target | machine CPU | ranker | affinity |');
    expect(rows[2]).toBe('| closed 4 | Rank | 93% | 0.87 / 151 | gone |');
  });
  it('summarises saturation, half saturation and overload against the goals', () => {
    const report: BenchReport = {
      startedAt: '2026-01-01T00:00:00.000Z',
      finishedAt: '2026-01-01T00:05:00.000Z',
      command: 'npm run bench -- --quick',
      machine: { cpus: 2, node: 'v20', loadAverage: [1, 1, 1] },
      settings: {},
      stores: [
        {
          store: 'sqlite',
          closed: [{ subject: phase({ load: 'closed 16', concurrency: 16, reused: 950 }), echo }],
          saturation: { throughput: 200, okThroughput: 240, concurrency: 16, echoThroughput: 4000, echoMaxThroughput: 5000 },
          computed: {
            closed: [{ subject: phase({ target: 'Rank (fresh)', load: 'closed 16', concurrency: 16, reused: 0 }), echo }],
            saturation: { throughput: 50, okThroughput: 55, concurrency: 16, echoThroughput: 4000, echoMaxThroughput: 5000 },
            halfSaturation: { subject: phase({ target: 'Rank (fresh)', load: 'open 25/s', offered: 25, latency: { p50: 15, p90: 25, p99: 61.2, max: 70 } }), echo },
          },
          open: [],
          halfSaturation: {
            subject: phase({ load: 'open 100/s', offered: 100, latency: { p50: 12, p90: 20, p99: 45.5, max: 60 }, roundP99s: [30.25, 88, 41] }),
            echo: { ...echo, roundP99s: [9, 12.5, 10] },
          },
          overload: {
            subject: phase({ load: 'open 400/s', offered: 400, errors: { RESOURCE_EXHAUSTED: 30, DEADLINE_EXCEEDED: 5, INTERNAL: 2 } }),
            echo: phase({ target: 'echo', load: 'open 400/s', offered: 400, errors: { DEADLINE_EXCEEDED: 7, INTERNAL: 40 } }),
            aliveAfter: { ranker: true, features: false },
            recoveredAfterSeconds: 3.2,
          },
          components: [],
        },
      ],
      scaleOut: { levels: [{ rankers: 1, phases: [], saturation: 200, okSaturation: 220 }, { rankers: 2, phases: [], saturation: 260, okSaturation: 250 }], ratio: 1.3, okRatio: 250 / 220, bottleneck: { process: 'ranker', cpu: 0.95, machineCpu: 1 } },
      notes: [],
    };
    const lines = summaryLines(report).join('\n');
    expect(lines).toContain('**200 full answers/s**');
    expect(lines).toContain('95% of its answers reused');
    expect(lines).toContain('Rank with every answer computed (fresh) saturates at **50 full answers/s**');
    expect(lines).toContain('**×0.013** of echo');
    expect(lines).toContain("at half of Rank (fresh)'s saturation (open loop, 25 calls/s offered) p99 **61.2 ms**");
    expect(lines).toContain('where 240 answers/s counting degraded ones');
    expect(lines).toContain('Rank answered again 3 s after the overload ended');
    expect(lines).toContain('(×1.14 counting degraded)');
    expect(lines).toContain('**×0.050** of echo');
    expect(lines).toContain('p99 **45.5 ms** (goal ≤ 50 ms; echo');
    expect(lines).toContain("latencies pooled over 3 rounds alternating with echo (each round's p99: 30.3 / 88.0 / 41.0 ms; echo's: 9.0 / 12.5 / 10.0 ms)");
    // A phase of one round (the fresh half saturation here) names no rounds.
    expect(lines).not.toMatch(/Rank \(fresh\)'s saturation[^\n]*rounds alternating/);
    expect(lines).toContain('shed or late: 30 RESOURCE_EXHAUSTED, 5 DEADLINE_EXCEEDED; other errors: **2** (2 INTERNAL)');
    expect(lines).toContain('**gone after: features**');
    expect(lines).toContain('the bare echo server at the same offered load: **7 DEADLINE_EXCEEDED, 40 INTERNAL**');
    expect(lines).toContain('**×1.30**');
    const markdown = renderMarkdown(report, '20260101T000000Z.svg');
    expect(markdown).toContain('## Store: sqlite');
    expect(markdown).toContain('### Every answer computed (RankOptions.fresh: no answer reused)');
    expect(markdown).toMatch(/\| closed 16 \| Rank \|.* \| 95% \|/);
    expect(markdown).toContain('](20260101T000000Z.svg)');
  });
});

describe('load split and plot', () => {
  it('splits callers over load processes without empty shares', () => {
    expect(splitConcurrency(1, 2)).toEqual([1]);
    expect(splitConcurrency(5, 2)).toEqual([3, 2]);
    expect(splitConcurrency(64, 2)).toEqual([32, 32]);
  });
  it('draws log ticks inside the range', () => {
    expect(logTicks(1, 100)).toEqual([1, 2, 5, 10, 20, 50, 100]);
  });
  it('draws one polyline per series with values, and a gap where one is missing', () => {
    const svg = latencyPlot(
      [{ title: 'closed', xTitle: 'concurrency', labels: ['1', '4', '16'], series: [{ name: 'Rank p99', color: '#f00', values: [10, 20, 40] }, { name: 'echo p99', color: '#00f', values: [1, undefined, 2] }] }],
      'caption <&>',
    );
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.match(/<polyline/g)).toHaveLength(1);
    expect(svg.match(/<circle/g)).toHaveLength(5);
    expect(svg).toContain('caption &lt;&amp;&gt;');
  });
});
