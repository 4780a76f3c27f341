/**
 * Every failure a user can see is one of these. `source` decides how the CLI prints it: a user
 * mistake or an AWS refusal prints the message and the next step, a bug prints the stack.
 */
export type ErrorSource = 'user' | 'aws' | 'bug';

export interface SourceLocation {
  file: string;
  /** 1-based. */
  line?: number;
  /** 1-based. */
  column?: number;
}

export function formatLocation(location: SourceLocation): string {
  if (location.line === undefined) return location.file;
  if (location.column === undefined) return `${location.file}:${location.line}`;
  return `${location.file}:${location.line}:${location.column}`;
}

/** One thing wrong with the user's input; validation collects all of them before failing. */
export interface Problem {
  message: string;
  /** Dotted path of the offending field in the config, e.g. `stacks.app.dependsOn[0]`. */
  path?: string;
  /** The stack the problem belongs to, when there is one. */
  stack?: string;
  location?: SourceLocation;
  /** What to do about it. */
  hint?: string;
  /** The template check that found it (`SP1002`), by which a user looks it up and silences it. */
  code?: string;
}

export function formatProblem(problem: Problem): string {
  const where = problem.location ? `${formatLocation(problem.location)}: ` : '';
  const path = problem.path ? `${problem.path}: ` : '';
  const hint = problem.hint ? `\n    → ${problem.hint}` : '';
  const code = problem.code ? ` [${problem.code}]` : '';
  return `${where}${path}${problem.message}${code}${hint}`;
}

export interface StackpilotErrorOptions {
  hint?: string;
  cause?: unknown;
}

export abstract class StackpilotError extends Error {
  abstract readonly code: string;
  abstract readonly source: ErrorSource;
  /** The next step for the user, printed under the message. */
  readonly hint: string | undefined;

  constructor(message: string, options: StackpilotErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.hint = options.hint;
  }
}

/** The command line itself is wrong (unknown flag, bad value): exit code 2. */
export class UsageError extends StackpilotError {
  readonly code = 'USAGE';
  readonly source = 'user';
}

/** One or more problems in the config, the templates or the graph, reported together. */
export class ValidationError extends StackpilotError {
  readonly code: string;
  readonly source = 'user';
  readonly problems: readonly Problem[];

  constructor(code: string, summary: string, problems: readonly Problem[], options: StackpilotErrorOptions = {}) {
    super(
      `${summary}\n${problems.map((p) => `  - ${formatProblem(p).replaceAll('\n', '\n    ')}`).join('\n')}`,
      options,
    );
    this.code = code;
    this.problems = problems;
  }
}

export class ConfigError extends StackpilotError {
  readonly code = 'CONFIG';
  readonly source = 'user';
  readonly location: SourceLocation | undefined;

  constructor(message: string, location?: SourceLocation, options: StackpilotErrorOptions = {}) {
    super(location ? `${formatLocation(location)}: ${message}` : message, options);
    this.location = location;
  }
}

export class TemplateError extends StackpilotError {
  readonly code = 'TEMPLATE';
  readonly source = 'user';
  readonly location: SourceLocation;
  /** The message without the location prefix. */
  readonly detail: string;

  constructor(message: string, location: SourceLocation, options: StackpilotErrorOptions = {}) {
    super(`${formatLocation(location)}: ${message}`, options);
    this.location = location;
    this.detail = message;
  }
}

export class GraphError extends StackpilotError {
  readonly code: string;
  readonly source = 'user';

  constructor(code: string, message: string, options: StackpilotErrorOptions = {}) {
    super(message, options);
    this.code = code;
  }
}

/**
 * The AWS account cannot be used as set up (no credentials, an unknown profile, an expired token,
 * a region or endpoint that does not answer): found once, before any stack is touched.
 */
export class AccountError extends StackpilotError {
  readonly code = 'ACCOUNT';
  readonly source = 'user';
}

/** Something that cannot happen did: print the stack trace, it is our bug. */
export class InternalError extends StackpilotError {
  readonly code = 'INTERNAL';
  readonly source = 'bug';
}
