/** Request limits of AffinityService, as documented in affinity.proto. */
export const LIMITS = {
  candidates: 1000,
  history: 5000,
  explainTop: 10,
  countryLength: 64,
} as const;
