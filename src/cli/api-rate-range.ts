/**
 * The range of --api-rate, in calls per second. At the lowest rate a token comes every 10 s, far
 * inside a call's 60 s deadline (DEFAULT_DEADLINES in src/aws/deadlines.ts): a low rate slows a
 * run, it cannot make one call wait out its deadline for a single token (`0.0001` would be 2.8
 * hours). The highest is well above any AWS account's API limit.
 */
export const API_RATE_RANGE = { min: 0.1, max: 1000 } as const;
