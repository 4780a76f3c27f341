import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SSMClient } from '@aws-sdk/client-ssm';
import type { STSClient } from '@aws-sdk/client-sts';
import { AwsError, NoAnswerError } from './errors.js';
import { toAwsError } from './to-aws-error.js';

type AnyClient = CloudFormationClient | SSMClient | S3Client | STSClient;

/** Where the SDK keeps a call's context (SMITHY_CONTEXT_KEY of @smithy/types), with send()'s abortSignal. */
const SMITHY_CONTEXT_KEY = '__smithy_context';

/** The abort signal the call was sent with, as a middleware sees it. */
export function abortSignalOf(context: unknown): AbortSignal | undefined {
  const smithy = (context as Record<string, { abortSignal?: unknown } | undefined>)[SMITHY_CONTEXT_KEY];
  return smithy?.abortSignal instanceof AbortSignal ? smithy.abortSignal : undefined;
}

/** What the attempts of one call saw, for the error its deadline ends it with. */
interface CallRecord {
  endpoint?: string;
  /**
   * The last attempt the server answered (throttling, a 5xx). Kept apart from the attempt the
   * deadline cut short, which fails without an answer and must not hide the server's last word.
   */
  lastAnswer?: unknown;
}

/** Keyed by the signal of the call: a middleware sees the call's context, not the send() that made it. */
const records = new WeakMap<AbortSignal, CallRecord>();

/** Every attempt notes where it went and how it failed (below the retry middleware: once per attempt). */
function trackAttempts(client: AnyClient): void {
  // The middleware reads only the HTTP request, whatever the client's input and output types.
  const stack = client.middlewareStack as unknown as CloudFormationClient['middlewareStack'];
  stack.add(
    (next, context) => async (args) => {
      const signal = abortSignalOf(context);
      const record = signal === undefined ? undefined : records.get(signal);
      const request = args.request as { protocol?: string; hostname?: string; port?: number } | undefined;
      if (record !== undefined && request?.hostname !== undefined) {
        const port = request.port === undefined ? '' : `:${request.port}`;
        record.endpoint = `${request.protocol ?? 'https:'}//${request.hostname}${port}`;
      }
      try {
        return await next(args);
      } catch (error) {
        if (record !== undefined && isAnswer(error)) record.lastAnswer = error;
        throw error;
      }
    },
    { step: 'finalizeRequest', priority: 'low', name: 'stackpilotCallTracker' },
  );
}

/** An HTTP answer (a refusal, throttling, a 5xx), as opposed to a timeout or a dropped connection. */
function isAnswer(error: unknown): boolean {
  return (
    typeof (error as { $metadata?: { httpStatusCode?: unknown } } | undefined)?.$metadata?.httpStatusCode === 'number'
  );
}

type SendOptions = { abortSignal?: AbortSignal; requestTimeout?: number } | undefined;
type Send = (command: unknown, options?: SendOptions) => Promise<unknown>;

export interface CallBudget {
  /** The whole call: token waits, attempts, backoffs. */
  callMs: number;
  /** One attempt, when it differs from the client's (an upload). */
  responseMs?: number;
}

/**
 * Every `send` of the client gets an abort signal that fires at the call's deadline. The SDK has
 * no client-wide setting for it: the retry middleware and the HTTP handler take the signal only
 * from send()'s second argument. A caller's own signal still counts. A call that runs out of time
 * without any answer is a NoAnswerError naming the endpoint; one the server kept refusing
 * (throttling all along) ends with the server's last answer.
 */
export function boundEveryCall(
  client: AnyClient,
  budgetOf: (command: unknown) => CallBudget,
  fallbackEndpoint: string,
): void {
  trackAttempts(client);
  const send = (client.send as Send).bind(client);
  const bounded: Send = async (command, options) => {
    const budget = budgetOf(command);
    const deadline = AbortSignal.timeout(budget.callMs);
    const abortSignal = options?.abortSignal ? AbortSignal.any([options.abortSignal, deadline]) : deadline;
    const record: CallRecord = {};
    records.set(abortSignal, record);
    try {
      return await send(command, {
        ...options,
        abortSignal,
        ...(budget.responseMs === undefined ? {} : { requestTimeout: budget.responseMs }),
      });
    } catch (error) {
      if (!deadline.aborted || error instanceof AwsError) throw error;
      const operation = (command as object).constructor.name.replace(/Command$/, '');
      if (record.lastAnswer !== undefined) throw toAwsError(operation, record.lastAnswer);
      throw new NoAnswerError(operation, record.endpoint ?? fallbackEndpoint, budget.callMs, error);
    }
  };
  (client as { send: Send }).send = bounded;
}
