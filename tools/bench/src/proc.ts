// CPU and memory of a process from Linux's /proc: user+system CPU ticks from /proc/<pid>/stat and
// resident memory from /proc/<pid>/status. Parsing is pure; reading returns undefined for a gone pid.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface ProcSample {
  /** utime + stime, in clock ticks. */
  cpuTicks: number;
  /** VmRSS, bytes. */
  rssBytes: number;
  /** VmHWM (peak RSS), bytes. */
  peakRssBytes: number;
}

/** utime + stime from the text of /proc/<pid>/stat (the command name may hold spaces and parentheses). */
export function parseStatCpuTicks(stat: string): number {
  const close = stat.lastIndexOf(')');
  if (close < 0) throw new Error('unrecognised /proc/<pid>/stat');
  // After "pid (comm) " come: state(3) ppid(4) ... utime(14) stime(15), numbered from 1 at pid.
  const fields = stat.slice(close + 2).trim().split(/\s+/);
  const utime = Number(fields[14 - 3]);
  const stime = Number(fields[15 - 3]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) throw new Error('unrecognised /proc/<pid>/stat');
  return utime + stime;
}

/** A `Name:   value kB` line of /proc/<pid>/status, in bytes (undefined when absent). */
export function parseStatusKb(status: string, name: string): number | undefined {
  const match = new RegExp(`^${name}:\\s+(\\d+)\\s+kB`, 'm').exec(status);
  return match ? Number(match[1]) * 1024 : undefined;
}

let ticksPerSecond: number | undefined;

/** The kernel's USER_HZ (clock ticks per second), 100 when getconf is unavailable. */
export function clockTicksPerSecond(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

export function readProc(pid: number): ProcSample | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return { cpuTicks: parseStatCpuTicks(stat), rssBytes: parseStatusKb(status, 'VmRSS') ?? 0, peakRssBytes: parseStatusKb(status, 'VmHWM') ?? 0 };
  } catch {
    return undefined;
  }
}

/** Cores used between two samples: CPU seconds ÷ wall seconds (1.0 = one core busy all the time). */
export function cpuShare(before: ProcSample, after: ProcSample, wallSeconds: number, ticks = clockTicksPerSecond()): number {
  return wallSeconds > 0 ? (after.cpuTicks - before.cpuTicks) / ticks / wallSeconds : NaN;
}

export interface ProcessUse {
  name: string;
  pid: number;
  /** CPU seconds ÷ wall seconds over the phase; undefined when the process was gone at the end. */
  cpu?: number;
  /** RSS at the end of the phase, MB. */
  rssMb?: number;
  alive: boolean;
}

/** Samples a named set of processes at the start of a phase; `end()` gives each one's use. */
export function watchProcesses(processes: readonly { name: string; pid: number }[]): { end(): ProcessUse[] } {
  const started = performance.now();
  const before = processes.map((p) => readProc(p.pid));
  return {
    end: () => {
      const wall = (performance.now() - started) / 1000;
      return processes.map((p, i) => {
        const after = readProc(p.pid);
        const first = before[i];
        return {
          name: p.name,
          pid: p.pid,
          alive: after !== undefined,
          cpu: after && first ? cpuShare(first, after, wall) : undefined,
          rssMb: after ? after.rssBytes / 1_048_576 : undefined,
        };
      });
    },
  };
}

/** The mean of a share (of a core, of the machine) over rounds, weighted by their wall time; undefined if any round lacks it. */
export function wallTimeMean(rounds: readonly { seconds: number; value: number | undefined }[]): number | undefined {
  const wall = rounds.reduce((sum, round) => sum + round.seconds, 0);
  if (wall <= 0 || rounds.some((round) => round.value === undefined)) return undefined;
  return rounds.reduce((sum, round) => sum + round.value! * round.seconds, 0) / wall;
}

/**
 * Each process's use over rounds measured one after another (other phases between them): CPU averaged
 * over the rounds' wall time, RSS and liveness as at the end of the last round.
 */
export function poolProcessUse(rounds: readonly { seconds: number; processes: readonly ProcessUse[] }[]): ProcessUse[] {
  const last = rounds[rounds.length - 1];
  if (!last) return [];
  return last.processes.map((end) => {
    const cpu = wallTimeMean(rounds.map((round) => ({ seconds: round.seconds, value: round.processes.find((p) => p.name === end.name && p.pid === end.pid)?.cpu })));
    return { ...end, cpu };
  });
}

/** Busy and total jiffies of all CPUs from the first line of /proc/stat. */
export function parseCpuTotals(stat: string): { busy: number; total: number } {
  const line = stat.split('\n').find((l) => l.startsWith('cpu '));
  if (!line) throw new Error('unrecognised /proc/stat');
  const [user, nice, system, idle, iowait = 0, irq = 0, softirq = 0, steal = 0] = line.trim().split(/\s+/).slice(1).map(Number) as number[];
  const idleAll = idle! + iowait;
  const busy = user! + nice! + system! + irq + softirq + steal;
  return { busy, total: busy + idleAll };
}

/** The machine's CPU use over a phase, as a fraction of all its cores (others' work included). */
export function watchMachine(): { end(): number | undefined } {
  const read = () => {
    try {
      return parseCpuTotals(readFileSync('/proc/stat', 'utf8'));
    } catch {
      return undefined;
    }
  };
  const before = read();
  return {
    end: () => {
      const after = read();
      if (!before || !after || after.total === before.total) return undefined;
      return (after.busy - before.busy) / (after.total - before.total);
    },
  };
}
