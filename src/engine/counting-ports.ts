import type { AwsPorts, CloudFormationPort, SsmPort } from '../aws/ports.js';

/** Counts the AWS calls one stack makes, for the `apiCalls` of its `stack:done` event. */
export interface CallCounter {
  calls: number;
}

function counting<T extends object>(target: T, counter: CallCounter): T {
  return new Proxy(target, {
    get(object, property, receiver) {
      const value: unknown = Reflect.get(object, property, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]): unknown => {
        counter.calls += 1;
        return (value as (...a: unknown[]) => unknown).apply(object, args);
      };
    },
  });
}

/**
 * `apiCalls` measures a stack's share of the rate-limited API budget, so S3 calls (artifact
 * uploads, which take no limiter token) are not counted: the packaging events report their own
 * files and bytes.
 */
export function countingPorts(ports: AwsPorts, counter: CallCounter): AwsPorts {
  return {
    cloudFormation: counting<CloudFormationPort>(ports.cloudFormation, counter),
    ssm: counting<SsmPort>(ports.ssm, counter),
    s3: ports.s3,
  };
}
