// The record of each run (runs/<run id>/run.json) beside its Markdown and HTML reports, and the index
// of all runs (runs/index.json) that the no-op check and the history plots read.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Figures } from './evaluation';
import type { GateDecision } from './gate';
import type { RankTally } from './rank-calls';
import type { ReplayResult } from './replay';
import { htmlReport, markdownReport } from './report';

export interface RunRecord {
  runId: string;
  runKey: string;
  startedAt: string;
  seconds: number;
  command: string;
  codeVersion: string;
  store: string;
  snapshot: { hash: string; rows: number; first: string; last: string; file: string };
  cuts: { validation: string; test: string };
  parameters: Record<string, number | Record<string, string[]>>;
  candidate: {
    versions: Record<'copurchase' | 'affinity' | 'blend', string>;
    figures: Figures;
    tally: RankTally;
    weights: Record<string, number>;
    validation: { objective: number; perView: Record<string, number>; uniformObjective: number };
  };
  production: { versions: Record<'copurchase' | 'affinity' | 'blend', string>; figures?: Figures; tally?: RankTally };
  baselines: Record<string, Figures>;
  /** The models' own OR-temporal-v1 metrics from their train commands. */
  modelOnly: Record<string, Record<string, number>>;
  gate: GateDecision & { hrTolerance: number };
  /** The replay of the store's logged slates (absent in records of runs made before it existed). */
  replay?: ReplayResult;
  /** Model → version registered by this run. */
  registered: Record<string, string>;
  /** Model → "previous → new" for each promotion this run made. */
  promoted: Record<string, string>;
  steps: { name: string; key: string; cached: boolean; seconds: number }[];
  timings: Record<string, number>;
}

export interface RunIndexEntry {
  runId: string;
  runKey: string;
  startedAt: string;
  candidate: RunRecord['candidate']['versions'];
  figures: Figures;
  production?: Figures;
  promoted: boolean;
}

export function readRunIndex(dir: string): RunIndexEntry[] {
  const file = join(dir, 'runs', 'index.json');
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as RunIndexEntry[]) : [];
}

/** Writes run.json, report.md and report.html under runs/<id>/ and appends the run to the index. */
export function writeRun(dir: string, record: RunRecord): string {
  const runDir = join(dir, 'runs', record.runId);
  mkdirSync(runDir, { recursive: true });
  const index = [
    ...readRunIndex(dir),
    { runId: record.runId, runKey: record.runKey, startedAt: record.startedAt, candidate: record.candidate.versions, figures: record.candidate.figures, production: record.production.figures, promoted: Object.keys(record.promoted).length > 0 },
  ];
  writeFileSync(join(runDir, 'run.json'), JSON.stringify(record, null, 2) + '\n');
  writeFileSync(join(runDir, 'report.md'), markdownReport(record));
  writeFileSync(join(runDir, 'report.html'), htmlReport(record, index));
  const indexFile = join(dir, 'runs', 'index.json');
  writeFileSync(`${indexFile}.tmp`, JSON.stringify(index, null, 2) + '\n');
  renameSync(`${indexFile}.tmp`, indexFile);
  return runDir;
}
