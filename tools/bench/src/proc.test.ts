import { describe, expect, it } from 'vitest';
import { cpuShare, parseCpuTotals, poolProcessUse, wallTimeMean, parseStatCpuTicks, parseStatusKb, readProc } from './proc';

// Real lines from Linux, utime = 1523 and stime = 211 (fields 14 and 15).
const STAT = '4242 (node) S 4200 4242 4200 0 -1 4194560 51234 0 12 0 1523 211 0 0 20 0 11 0 123456 1234567890 54321 18446744073709551615 1 1 0 0 0 0 0 4096 134234626 0 0 0 17 1 0 0 0 0 0';

describe('/proc parsing', () => {
  it('reads utime + stime from /proc/<pid>/stat', () => {
    expect(parseStatCpuTicks(STAT)).toBe(1734);
  });
  it('is not fooled by spaces and parentheses in the command name', () => {
    expect(parseStatCpuTicks(STAT.replace('(node)', '(node (worker) x)'))).toBe(1734);
  });
  it('refuses text that is not a stat line', () => {
    expect(() => parseStatCpuTicks('nonsense')).toThrow();
    expect(() => parseStatCpuTicks('1 (x) S 2')).toThrow();
  });
  it('reads kB fields of /proc/<pid>/status as bytes', () => {
    const status = 'Name:\tnode\nVmHWM:\t  204800 kB\nVmRSS:\t  102400 kB\nThreads:\t11\n';
    expect(parseStatusKb(status, 'VmRSS')).toBe(102400 * 1024);
    expect(parseStatusKb(status, 'VmHWM')).toBe(204800 * 1024);
    expect(parseStatusKb(status, 'VmSwap')).toBeUndefined();
  });
  it('turns tick deltas into cores: 150 ticks at 100 Hz over 2 s is 0.75 of a core', () => {
    expect(cpuShare({ cpuTicks: 1000, rssBytes: 0, peakRssBytes: 0 }, { cpuTicks: 1150, rssBytes: 0, peakRssBytes: 0 }, 2, 100)).toBeCloseTo(0.75);
  });
  it('sums the machine line of /proc/stat into busy and total', () => {
    // user nice system idle iowait irq softirq steal
    expect(parseCpuTotals('cpu  100 5 50 800 20 3 2 0 0 0\ncpu0 1 2 3 4\n')).toEqual({ busy: 160, total: 980 });
  });
  it('reads this very process, and nothing for a pid that does not exist', () => {
    const self = readProc(process.pid);
    expect(self?.rssBytes).toBeGreaterThan(0);
    expect(readProc(2 ** 22 + 1)).toBeUndefined();
  });
});

describe('pooling rounds', () => {
  it('averages CPU over the rounds by their wall time and keeps the last round\'s RSS', () => {
    const use = (cpu: number | undefined, rssMb: number, alive = true) => [{ name: 'ranker', pid: 7, cpu, rssMb, alive }];
    const pooled = poolProcessUse([
      { seconds: 5, processes: use(0.2, 100) },
      { seconds: 15, processes: use(0.6, 120) },
    ]);
    expect(pooled).toEqual([{ name: 'ranker', pid: 7, cpu: 0.5, rssMb: 120, alive: true }]);
  });
  it('gives no CPU figure when a round could not measure it (a process gone or replaced)', () => {
    expect(poolProcessUse([{ seconds: 5, processes: [{ name: 'ranker', pid: 7, cpu: 0.2, rssMb: 1, alive: true }] }, { seconds: 5, processes: [{ name: 'ranker', pid: 8, cpu: 0.4, rssMb: 1, alive: true }] }])[0]!.cpu).toBeUndefined();
    expect(poolProcessUse([{ seconds: 5, processes: [{ name: 'ranker', pid: 7, cpu: undefined, alive: false }] }])[0]).toMatchObject({ cpu: undefined, alive: false });
    expect(poolProcessUse([])).toEqual([]);
  });
  it('weights a share by wall time, and gives none when a round has none', () => {
    expect(wallTimeMean([{ seconds: 1, value: 1 }, { seconds: 3, value: 0.2 }])).toBeCloseTo(0.4);
    expect(wallTimeMean([{ seconds: 1, value: 1 }, { seconds: 3, value: undefined }])).toBeUndefined();
    expect(wallTimeMean([])).toBeUndefined();
  });
});
