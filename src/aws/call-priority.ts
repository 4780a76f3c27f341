import { AsyncLocalStorage } from 'node:async_hooks';
import type { AwsPorts, CloudFormationPort, SsmPort } from './ports.js';

/**
 * The priority of the call in progress, carried through every await below it (SDK middleware,
 * retry sleeps) to the limiter, which serves the highest first. The engine decides what a call
 * is worth (a poll of a running operation, a stack on the critical path, a speculative change
 * set); the AWS layer only passes the number along.
 */
const scope = new AsyncLocalStorage<() => number>();

/** The priority of the call in scope, read when it asks for a token; 0 outside any. */
export function callPriority(): number {
  const of = scope.getStore();
  return of ? of() : 0;
}

/** The CloudFormation and SSM ports with every call's priority read from `priority` when it asks for a token. */
export function prioritizedPorts(ports: AwsPorts, priority: () => number): AwsPorts {
  return {
    cloudFormation: prioritizing<CloudFormationPort>(ports.cloudFormation, priority),
    ssm: prioritizing<SsmPort>(ports.ssm, priority),
    s3: ports.s3,
  };
}

function prioritizing<T extends object>(target: T, priority: () => number): T {
  return new Proxy(target, {
    get(object, property, receiver) {
      const value: unknown = Reflect.get(object, property, receiver);
      if (typeof value !== 'function' || typeof property !== 'string') return value;
      return (...args: unknown[]): unknown =>
        scope.run(priority, () => (value as (...a: unknown[]) => Promise<unknown>).apply(object, args));
    },
  });
}
