/**
 * An output() the upstream stack lacks right after this run deployed it: on AWS the output name
 * is wrong or the upstream must be deployed; on an emulator (an endpoint that is not AWS), plain
 * moto sets no outputs after a change set, and the hint says so instead of "deploy it first".
 */
import { describe, expect, it } from 'vitest';
import { deploy, doneOf, makeProject, methods, world } from './support.js';

const NETWORK = `
Resources:
  Topic:
    Type: AWS::SNS::Topic
Outputs:
  TopicName:
    Value: !GetAtt Topic.TopicName
`;
const APP = `
Parameters:
  TopicName:
    Type: String
Resources:
  Queue:
    Type: AWS::SQS::Queue
`;

async function project() {
  return makeProject({
    network: { template: NETWORK },
    app: { template: APP, parameters: { TopicName: { output: { stack: 'network', name: 'TopicName' } } } },
  });
}

describe('an output missing from a stack this run deployed', () => {
  it('on an emulator endpoint, says that some emulators set no outputs after change sets and names npm run emulator', async () => {
    // As plain moto: network is created, but its TopicName output is not set.
    const w = world({ outputsAfterChangeSet: false });
    const { project: p } = await project();

    const { events } = await deploy(p, w, { emulatorEndpoint: 'http://127.0.0.1:5000' });

    expect(doneOf(events, 'network').status).toBe('created');
    const done = doneOf(events, 'app');
    expect(done.status).toBe('failed');
    expect(done.reason).toContain('needs output TopicName of stack network, which the deployed stack does not have');
    expect(done.reason).toContain(
      'network was deployed in this run, but the endpoint http://127.0.0.1:5000 is not AWS',
    );
    expect(done.reason).toContain('some emulators (plain moto) set no stack outputs after a change set');
    expect(done.reason).toContain('npm run emulator');
    expect(done.reason).not.toContain('deploy network first');
    expect(methods(w).filter((m) => m === 'createChangeSet')).toHaveLength(1);
  });

  it('on AWS (no endpoint), keeps "deploy network first, or check the output name"', async () => {
    const w = world({ outputsAfterChangeSet: false });
    const { project: p } = await project();

    const { events } = await deploy(p, w);

    const done = doneOf(events, 'app');
    expect(done.status).toBe('failed');
    expect(done.reason).toContain('deploy network first (stackpilot deploy network), or check the output name');
    expect(done.reason).not.toContain('emulator');
  });

  it('on an emulator, an upstream outside the run still gets "deploy network first"', async () => {
    const w = world({ outputsAfterChangeSet: false });
    const { project: p } = await project();
    await deploy(p, w, { stacks: ['network'] });

    const { events } = await deploy(p, w, { stacks: ['app'], emulatorEndpoint: 'http://127.0.0.1:5000' });

    expect(doneOf(events, 'app').reason).toContain('deploy network first');
  });
});
