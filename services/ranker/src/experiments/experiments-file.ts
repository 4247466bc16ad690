// The experiments in force, from AISLE_EXPERIMENTS_FILE, re-read when the file changes (checked every
// poll interval): editing the file starts, changes or stops experiments without a restart. A file
// that does not parse stops start-up; a bad edit later is logged and the previous experiments stay.
import { readFileSync, statSync } from 'node:fs';
import type { Logger } from '@aisle/telemetry';
import { parseExperiments, type Experiment } from './experiments';

export class ExperimentsFile {
  private experiments: Experiment[];
  private stamp: string;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly path: string,
    private readonly logger: Logger,
  ) {
    this.stamp = this.stampOf();
    this.experiments = parseExperiments(readFileSync(path, 'utf8'));
    logger.info({ file: path, experiments: this.experiments.map((experiment) => experiment.name) }, 'experiments loaded');
  }

  current(): readonly Experiment[] {
    return this.experiments;
  }

  /** Re-reads the file if it changed; returns whether the experiments changed. */
  reload(): boolean {
    let stamp: string;
    try {
      stamp = this.stampOf();
    } catch (error) {
      this.logger.error({ err: error, file: this.path }, 'experiments file unreadable; keeping the experiments in force');
      return false;
    }
    if (stamp === this.stamp) return false;
    this.stamp = stamp;
    try {
      this.experiments = parseExperiments(readFileSync(this.path, 'utf8'));
    } catch (error) {
      this.logger.error({ err: error, file: this.path }, 'experiments file invalid; keeping the experiments in force');
      return false;
    }
    this.logger.info({ file: this.path, experiments: this.experiments.map((experiment) => experiment.name) }, 'experiments reloaded');
    return true;
  }

  watch(pollMs: number): void {
    this.timer ??= setInterval(() => this.reload(), pollMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private stampOf(): string {
    const stats = statSync(this.path);
    return `${stats.mtimeMs}:${stats.size}:${stats.ino}`;
  }
}
