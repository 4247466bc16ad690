// `pipeline registry list|show|diff|promote|rollback`: what the registry knows about each version
// (data window, rows, input hash, code version, parameters, metrics, who promoted it and when), the
// metric differences between two versions, and promotion and roll-back by hand.
import { formatInvoiceDate } from '@aisle/retail-data';
import type { RegistryAccess, VersionInfo } from './registry-access';

const when = (ms: number | undefined) => (ms ? new Date(ms).toISOString().replace('.000Z', 'Z') : '–');
/** Training windows are in the dataset's clock (see @aisle/retail-data): shown as the file writes them. */
const dataTime = (ms: number) => (ms ? formatInvoiceDate(ms) : '–');
const num = (x: number | undefined) => (x === undefined ? '–' : Number.isInteger(x) ? String(x) : x.toFixed(4));

function headline(info: VersionInfo): string {
  const m = info.metrics;
  const ndcg = m['ranker.all.ndcg@10'] !== undefined ? `ranker NDCG@10 all ${num(m['ranker.all.ndcg@10'])} new ${num(m['ranker.new.ndcg@10'])}` : m['all.ndcg@10'] !== undefined ? `NDCG@10 all ${num(m['all.ndcg@10'])} new ${num(m['new.ndcg@10'])}` : '';
  return ndcg;
}

export function formatList(model: string, versions: readonly VersionInfo[]): string {
  if (versions.length === 0) return `${model}: no versions\n`;
  const rows = versions.map((v) => [v.id?.version ?? '', v.stage, when(v.createdUnixMs), `${dataTime(v.trainStartUnixMs)} … ${dataTime(v.trainEndUnixMs)}`, String(v.trainingRows), v.promotedBy ? `${v.promotedBy} ${when(v.promotedUnixMs)}` : '–', headline(v)]);
  const head = ['version', 'stage', 'created', 'data window', 'rows', 'promoted by, at', 'metrics'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(head), ...rows.map(line)].join('\n') + '\n';
}

export function formatShow(info: VersionInfo): string {
  const out = [
    `model          ${info.id?.model}`,
    `version        ${info.id?.version}`,
    `stage          ${info.stage}`,
    `created        ${when(info.createdUnixMs)}`,
    `data window    ${dataTime(info.trainStartUnixMs)} … ${dataTime(info.trainEndUnixMs)} (end exclusive)`,
    `training rows  ${info.trainingRows}`,
    `input hash     ${info.inputHash}`,
    `code version   ${info.codeVersion}`,
    `checksum       ${info.checksum}${info.sizeBytes !== undefined ? ` (${info.sizeBytes} bytes)` : ''}`,
    `promoted by    ${info.promotedBy ?? '–'}`,
    `promoted at    ${when(info.promotedUnixMs)}`,
    'parameters',
    ...Object.entries(info.parameters)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => `  ${k} = ${v}`),
    'metrics',
    ...Object.entries(info.metrics)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => `  ${k} = ${num(v)}`),
  ];
  return out.join('\n') + '\n';
}

export interface MetricDiff {
  metric: string;
  a?: number;
  b?: number;
  /** b − a, when both have the metric. */
  delta?: number;
}

export function diffMetrics(a: VersionInfo, b: VersionInfo): MetricDiff[] {
  const names = [...new Set([...Object.keys(a.metrics), ...Object.keys(b.metrics)])].sort();
  return names.map((metric) => {
    const x = a.metrics[metric];
    const y = b.metrics[metric];
    return { metric, a: x, b: y, delta: x !== undefined && y !== undefined ? y - x : undefined };
  });
}

export function formatDiff(a: VersionInfo, b: VersionInfo): string {
  const rows = diffMetrics(a, b).map((d) => [d.metric, num(d.a), num(d.b), d.delta === undefined ? '–' : `${d.delta >= 0 ? '+' : ''}${d.delta.toFixed(4)}`]);
  const head = ['metric', a.id?.version ?? 'a', b.id?.version ?? 'b', 'b − a'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
  const params = [...new Set([...Object.keys(a.parameters), ...Object.keys(b.parameters)])].sort().filter((k) => a.parameters[k] !== b.parameters[k]);
  return [
    line(head),
    ...rows.map(line),
    '',
    `data window: ${dataTime(a.trainStartUnixMs)} … ${dataTime(a.trainEndUnixMs)}  vs  ${dataTime(b.trainStartUnixMs)} … ${dataTime(b.trainEndUnixMs)}`,
    `parameters that differ: ${params.length === 0 ? 'none' : params.map((k) => `${k}: ${a.parameters[k] ?? '–'} → ${b.parameters[k] ?? '–'}`).join('; ')}`,
  ].join('\n') + '\n';
}

export class UsageError extends Error {}

/** Runs one registry command; returns what to print. */
export async function registryCommand(access: RegistryAccess, args: readonly string[], options: { by: string; limit: number }): Promise<string> {
  const [command, model, ...rest] = args;
  if (!command || !model) throw new UsageError('usage: registry list|show|diff|promote|rollback <model> ...');
  const need = async (version?: string) => {
    const info = await access.get(model, version);
    if (!info) throw new UsageError(version ? `model ${model} has no version ${version}` : `model ${model} has no production version`);
    return info;
  };
  switch (command) {
    case 'list':
      return formatList(model, await access.list(model, options.limit));
    case 'show':
      return formatShow(await need(rest[0]));
    case 'diff': {
      if (rest.length < 1 || rest.length > 2) throw new UsageError('usage: registry diff <model> <version a> [<version b>, default production]');
      return formatDiff(await need(rest[0]), await need(rest[1]));
    }
    case 'promote': {
      if (rest.length !== 1) throw new UsageError('usage: registry promote <model> <version> [--by who]');
      const { info, previous } = await access.promote(model, rest[0]!, options.by);
      return `${model}: ${info.id?.version} is production (previous: ${previous || 'none'}), promoted by ${info.promotedBy ?? options.by} at ${when(info.promotedUnixMs)}\n`;
    }
    case 'rollback': {
      const { info, rolledBack } = await access.rollback(model, options.by);
      return `${model}: rolled back ${rolledBack}; ${info.id?.version} is production again (by ${info.promotedBy ?? options.by} at ${when(info.promotedUnixMs)})\n`;
    }
    default:
      throw new UsageError(`unknown registry command "${command}": list, show, diff, promote or rollback`);
  }
}
