import { describe, expect, it } from 'vitest';
import type { SourceLocation } from '../../src/errors.js';
import { checkStackParameters } from '../../src/template/index.js';
import { analyzeYaml, dedent, resolvedStack } from '../helpers/template-fixtures.js';

const template = analyzeYaml(
  dedent`
  Parameters:
    Project:
      Type: String
    Stage:
      Type: String
    LogLevel:
      Type: String
      Default: info
  Resources:
    Topic:
      Type: AWS::SNS::Topic
`,
  {},
  'templates/app.yaml',
);

/** A config locator that records the paths asked for and answers with a recognisable line. */
function recordingLocator(): {
  paths: (readonly PropertyKey[])[];
  locate: (path: readonly PropertyKey[]) => SourceLocation;
} {
  const paths: (readonly PropertyKey[])[] = [];
  return {
    paths,
    locate: (path) => {
      paths.push(path);
      return { file: 'stacks.config.ts', line: 40 + paths.length, column: 9 };
    },
  };
}

describe('checkStackParameters', () => {
  it('finds nothing when config and template agree', () => {
    const { locate, paths } = recordingLocator();
    const stack = resolvedStack({ parameters: { Project: 'orders', Stage: 'dev' } });
    expect(checkStackParameters(stack, template, locate)).toEqual([]);
    expect(paths).toEqual([]);
  });

  it('accepts a parameter set to another stack output or an override of a default', () => {
    const stack = resolvedStack({
      parameters: { Project: 'orders', Stage: { output: { stack: 'data', name: 'Stage' } }, LogLevel: 'debug' },
    });
    expect(checkStackParameters(stack, template, recordingLocator().locate)).toEqual([]);
  });

  it('reports a config parameter the template does not declare, with a did-you-mean hint', () => {
    const { locate, paths } = recordingLocator();
    const stack = resolvedStack({ parameters: { Project: 'orders', Stage: 'dev', Stag: 'dev' } });
    expect(checkStackParameters(stack, template, locate)).toEqual([
      {
        path: 'stacks.app.parameters.Stag',
        stack: 'app',
        location: { file: 'stacks.config.ts', line: 41, column: 9 },
        message: 'parameter Stag is not declared in templates/app.yaml',
        hint: 'did you mean "Stage"?',
      },
    ]);
    expect(paths).toEqual([['stacks', 'app', 'parameters', 'Stag']]);
  });

  it('lists the declared parameters when nothing is close', () => {
    const stack = resolvedStack({ parameters: { Project: 'orders', Stage: 'dev', VpcCidr: '10.0.0.0/16' } });
    const [problem, ...rest] = checkStackParameters(stack, template, recordingLocator().locate);
    expect(rest).toEqual([]);
    expect(problem?.hint).toBe('the template declares: Project, Stage, LogLevel');
  });

  it('says so when the template declares no parameters', () => {
    const bare = analyzeYaml('Resources:\n  T:\n    Type: AWS::SNS::Topic\n');
    const problems = checkStackParameters(
      resolvedStack({ parameters: { Stage: 'dev' } }),
      bare,
      recordingLocator().locate,
    );
    expect(problems.map((p) => p.hint)).toEqual(['the template declares no parameters']);
  });

  it('reports a template parameter without default that the config does not set, at the template line', () => {
    const stack = resolvedStack({
      id: 'api',
      templateDisplay: 'templates/app.yaml',
      parameters: { Project: 'orders' },
    });
    const { locate, paths } = recordingLocator();
    expect(checkStackParameters(stack, template, locate)).toEqual([
      {
        path: 'stacks.api.parameters',
        stack: 'api',
        location: { file: 'templates/app.yaml', line: 4, column: 3 },
        message: 'template parameter Stage has no default and stack "api" does not set it',
        hint: 'set stacks.api.parameters.Stage in the config, or give the parameter a Default',
      },
    ]);
    expect(paths).toEqual([]);
  });

  it('reports every problem at once: undeclared ones first, then missing ones', () => {
    const stack = resolvedStack({ parameters: { Projct: 'orders', Extra: 'x' } });
    const problems = checkStackParameters(stack, template, recordingLocator().locate);
    expect(problems.map((p) => p.message)).toEqual([
      'parameter Projct is not declared in templates/app.yaml',
      'parameter Extra is not declared in templates/app.yaml',
      'template parameter Project has no default and stack "app" does not set it',
      'template parameter Stage has no default and stack "app" does not set it',
    ]);
    expect(problems[0]?.hint).toBe('did you mean "Project"?');
  });
});
