// The promotion gate: a candidate replaces production only if its NDCG@10 is higher in both views and
// its HR@10 is nowhere lower than production's by more than the tolerance (absolute, in HR units).
// Both are measured by the same evaluation on the same split, so the comparison is like for like.
import type { Figures } from './evaluation';

export interface GateCheck {
  name: string;
  candidate: number;
  production: number;
  /** What the candidate must reach. */
  threshold: string;
  pass: boolean;
}

export interface GateDecision {
  promote: boolean;
  reason: string;
  checks: GateCheck[];
}

export interface GateInput {
  candidate: Figures;
  /** Production's figures on the same split; undefined when nothing (complete) is in production. */
  production?: Figures;
  /** True when the candidate's versions are the production versions. */
  sameAsProduction: boolean;
  /** Largest allowed drop of HR@10 in either view (absolute). */
  hrTolerance: number;
}

export function decide(input: GateInput): GateDecision {
  if (input.sameAsProduction) return { promote: false, reason: 'the candidate is already production', checks: [] };
  if (!input.production) return { promote: true, reason: 'no complete production version to compare with: the first candidate is promoted', checks: [] };
  const checks: GateCheck[] = [];
  for (const view of ['all', 'new'] as const) {
    const c = input.candidate[view];
    const p = input.production[view];
    checks.push({ name: `NDCG@10 (${view})`, candidate: c.ndcg, production: p.ndcg, threshold: '> production', pass: c.ndcg > p.ndcg });
    checks.push({ name: `HR@10 (${view})`, candidate: c.hr, production: p.hr, threshold: `≥ production − ${input.hrTolerance}`, pass: c.hr >= p.hr - input.hrTolerance });
  }
  const failed = checks.filter((check) => !check.pass);
  return failed.length === 0
    ? { promote: true, reason: 'the candidate beats production on NDCG@10 in both views and HR@10 is within the tolerance', checks }
    : { promote: false, reason: `the candidate does not pass: ${failed.map((check) => check.name).join(', ')}`, checks };
}
