/** Request limits of CopurchaseService, as documented in copurchase.proto. */
export const LIMITS = {
  seeds: 100,
  excluded: 1000,
  candidates: 1000,
  minLimit: 1,
  maxLimit: 500,
} as const;
