// Builders of synthetic slates and transaction lines for the replay's tests.
import { slates } from '@aisle/contracts';
import type { Slate, TransactionLine } from '@aisle/feature-store';
import { DAY_MS } from '@aisle/retail-data';
import { hashUserId } from '@aisle/telemetry';

export const T0 = Date.UTC(2026, 0, 5, 12, 0, 0);
export const day = (n: number) => T0 + n * DAY_MS;

let lineNumber = 0;
export function purchase(userId: string | null, productId: string, timeUnixMs: number, quantity = 1): TransactionLine {
  const n = ++lineNumber;
  return { lineId: `T${n}:1`, invoiceNo: `T${n}`, productId, description: `product ${productId}`, quantity, unitPrice: 1.25, timeUnixMs, userId, country: 'United Kingdom' };
}

export interface SlateSpec {
  id: string;
  user: string;
  served: string[];
  /** Context time (0 = none: the serve time is the as-of). */
  asOf: number;
  servedAt?: number;
  experiment?: string;
  variant?: string;
  shadow?: boolean;
  request?: string;
  /** Servings the row stands for (default 0: read as 1). */
  servings?: number;
  /** Last of those servings (default 0: the serve time). */
  lastServedAt?: number;
  /** The slate that first served the page, for a row of later servings. */
  repeatOf?: string;
}

export function slate(spec: SlateSpec): Slate {
  return slates.Slate.fromPartial({
    slateId: spec.id,
    requestId: spec.request ?? `req-${spec.id}`,
    userHash: hashUserId(spec.user),
    context: { country: 'United Kingdom', timeUnixMs: spec.asOf },
    servedUnixMs: spec.servedAt ?? (spec.asOf || T0),
    experiment: spec.experiment ?? 'exp',
    variant: spec.variant ?? 'control',
    shadow: spec.shadow ?? false,
    models: [{ model: 'blend', version: 'blend-test' }],
    candidates: spec.served.map((productId, i) => ({ productId, score: 1 - i / 100, popularity: 0.5, sources: ['popular'] })),
    served: spec.served,
    k: 10,
    servings: spec.servings ?? 0,
    lastServedUnixMs: spec.lastServedAt ?? 0,
    repeatOf: spec.repeatOf ?? '',
  });
}

// A small log with outcomes computed by hand in replay.test.ts.
export const FILLER = ['P1', 'P2', 'P3', 'P4', 'P5', 'P6', 'P7', 'P8', 'P9'];

// The log: what each user bought, when. The catalogue is every product id in it: A–H, X, Y, Z, P1–P9 = 20.
export const lines = [
  purchase('u1', 'A', day(1)),
  purchase('u1', 'B', day(2)),
  purchase('u1', 'C', day(10)), // after s1's 7-day horizon
  purchase('u2', 'D', day(-1)), // before s2's as-of
  purchase('u3', 'H', T0), // at s3's as-of exactly: not after it
  purchase('u3', 'E', day(3), -1), // a return, not a purchase
  purchase('u3', 'F', day(3), 2),
  purchase('u9', 'X', day(-10)),
  purchase('u9', 'Y', day(-10)),
  purchase(null, 'Z', day(5)), // anonymous: catalogue only
  ...FILLER.map((id) => purchase(null, id, day(-20))),
  purchase('u2', 'G', day(30)), // the newest line: horizons must end by day 30
];

export const ALL = [
  // experiment "exp", variant control: four scored slates, one pending
  slate({ id: 's1', user: 'u1', asOf: T0, served: ['X', 'A', 'Y', 'B'] }),
  slate({ id: 's2', user: 'u2', asOf: T0, served: ['A', 'B'] }),
  slate({ id: 's3', user: 'u3', asOf: T0, served: ['H', 'E', 'F'] }),
  slate({ id: 's7', user: 'u2', asOf: day(23), served: ['G'] }), // horizon ends exactly at the newest line: scored
  slate({ id: 's6', user: 'u1', asOf: day(25), served: ['C'] }), // horizon ends at day 32: pending
  // variant treatment: the cut at 10 and the as-of falling back to the serve time
  slate({ id: 's4', user: 'u1', asOf: T0, served: [...FILLER, 'B', 'A', 'C'], variant: 'treatment' }),
  slate({ id: 's5', user: 'u1', asOf: 0, servedAt: T0 + 1.5 * DAY_MS, served: ['B'], variant: 'treatment' }),
  // shadow variant: paired with s1, s2, s6 (pending) and a request whose served slate is missing
  slate({ id: 's8', user: 'u1', asOf: T0, served: ['A', 'B'], variant: 'shadow-x', shadow: true, request: 'req-s1' }),
  slate({ id: 's9', user: 'u2', asOf: T0, served: ['D'], variant: 'shadow-x', shadow: true, request: 'req-s2' }),
  slate({ id: 's10', user: 'u1', asOf: day(25), served: ['C'], variant: 'shadow-x', shadow: true, request: 'req-s6' }),
  slate({ id: 's11', user: 'u3', asOf: T0, served: ['F'], variant: 'shadow-x', shadow: true, request: 'req-gone' }),
  // another experiment, and a slate served outside the window
  slate({ id: 'o1', user: 'u3', asOf: T0, served: ['F', 'A'], experiment: 'other', variant: 'v' }),
  slate({ id: 'late', user: 'u1', asOf: T0, servedAt: day(40), served: ['A'] }),
];
