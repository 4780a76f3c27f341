import { it } from 'vitest';
import { useMoto, motoEnv } from '../harness/aws-env.js';
import { createAwsPorts, RateLimiter } from '../../src/aws/index.js';

const { endpoint } = useMoto();

it('probe', async () => {
  Object.assign(process.env, motoEnv(endpoint));
  const limiter = new RateLimiter({ ratePerSecond: 100, burst: 100 });
  const ports = createAwsPorts({ region: 'us-east-1', endpoint }, { limiter, retry: { maxAttempts: 2, baseDelayMs: 1 } });
  const cf = ports.cloudFormation;
  const tpl = JSON.stringify({ Parameters: { Name: { Type: 'String' } }, Resources: { Queue: { Type: 'AWS::SQS::Queue', Properties: { QueueName: { Ref: 'Name' } } }, Topic: { Type: 'AWS::SNS::Topic' } }, Outputs: { QueueUrl: { Value: { Ref: 'Queue' }, Export: { Name: 'probe-queue' } } } }, null, 2);
  const show = async (label: string, f: () => Promise<unknown>) => {
    try { console.log(label, JSON.stringify(await f(), null, 1)); } catch (e) { const x = e as any; console.log(label, 'ERR', x.name, x.awsCode, x.httpStatus, x.message); }
  };
  await show('missing', () => cf.describeStack('nope'));
  const ref = await cf.createChangeSet({ stackName: 'p1', changeSetName: 'cs1', changeSetType: 'CREATE', templateBody: tpl, parameters: [{ key: 'Name', value: 'q1' }], tags: { team: 'a' }, capabilities: ['CAPABILITY_IAM'], clientToken: 'tok1', description: 'desc' });
  console.log(ref);
  await show('review', () => cf.describeStack('p1'));
  await show('cs', () => cf.describeChangeSet(ref.changeSetId));
  await show('tpl-review', () => cf.getTemplate('p1'));
  await show('exec', () => cf.executeChangeSet(ref.changeSetId, 'exec-tok-1'));
  await show('after', () => cf.describeStack(ref.stackId));
  await show('events', () => cf.describeStackEvents(ref.stackId));
  await show('tpl', async () => (await cf.getTemplate(ref.stackId)) === tpl);
  await show('cs-after-exec', () => cf.describeChangeSet(ref.changeSetId));
  const tplNoParams = JSON.stringify({ Resources: { Topic: { Type: 'AWS::SNS::Topic' } } });
  const r0 = await cf.createChangeSet({ stackName: 'p0', changeSetName: 'c0', changeSetType: 'CREATE', templateBody: tplNoParams, parameters: [], tags: {}, capabilities: [], clientToken: 'x' });
  await cf.executeChangeSet(r0.changeSetId, 'e0');
  const same0 = await cf.createChangeSet({ stackName: 'p0', changeSetName: 'c1', changeSetType: 'UPDATE', templateBody: tplNoParams, parameters: [], tags: { changed: 'tag' }, capabilities: [], clientToken: 'y' });
  await show('same-noparams', () => cf.describeChangeSet(same0.changeSetId));
  const same = await cf.createChangeSet({ stackName: 'p1', changeSetName: 'cs2', changeSetType: 'UPDATE', templateBody: tpl, parameters: [{ key: 'Name', value: 'q1' }], tags: { team: 'a' }, capabilities: [], clientToken: 'tok2' }).catch((e: unknown) => { console.log('same-create ERR', (e as Error).message); return undefined; });
  if (same) await show('same', () => cf.describeChangeSet(same.changeSetId));
  const tpl2 = JSON.stringify({ Resources: { Topic: { Type: 'AWS::SNS::Topic' } , Topic2: { Type: 'AWS::SNS::Topic' } } });
  const upd = await cf.createChangeSet({ stackName: 'p1', changeSetName: 'cs3', changeSetType: 'UPDATE', templateBody: tpl2, parameters: [], tags: { team: 'b' }, capabilities: [], clientToken: 'tok3' });
  await show('upd', () => cf.describeChangeSet(upd.changeSetId));
  await show('del-cs', () => cf.deleteChangeSet(upd.changeSetId));
  await show('desc-deleted-cs', () => cf.describeChangeSet(upd.changeSetId));
  await show('desc-unknown-cs', () => cf.describeChangeSet('arn:aws:cloudformation:us-east-1:123456789012:changeSet/nope/1234'));
  await show('exec-unknown-cs', () => cf.executeChangeSet('arn:aws:cloudformation:us-east-1:123456789012:changeSet/nope/1234', 't'));
  await show('del-unknown-cs', () => cf.deleteChangeSet('arn:aws:cloudformation:us-east-1:123456789012:changeSet/nope/1234'));
  await show('termprot', () => cf.updateTerminationProtection(ref.stackId, true));
  await show('after-tp', async () => (await cf.describeStack(ref.stackId))?.terminationProtection);
  await show('del-protected', () => cf.deleteStack(ref.stackId, 'del-tok'));
  await show('termprot-off', () => cf.updateTerminationProtection(ref.stackId, false));
  await show('cancel', () => cf.cancelUpdateStack(ref.stackId));
  await show('events-unknown', () => cf.describeStackEvents('nope'));
  await show('del', () => cf.deleteStack(ref.stackId, 'del-tok'));
  await show('by-name', () => cf.describeStack('p1'));
  await show('by-arn', () => cf.describeStack(ref.stackId));
  await show('del-unknown', () => cf.deleteStack('nope'));
  await show('ssm-missing', () => ports.ssm.getParameter('/nope'));
  await show('ssm-put', () => ports.ssm.putParameter({ name: '/a/b', value: 'v1', overwrite: false, description: 'd' }));
  await show('ssm-put-again', () => ports.ssm.putParameter({ name: '/a/b', value: 'v2', overwrite: false }));
  await show('ssm-put-over', () => ports.ssm.putParameter({ name: '/a/b', value: 'v2', overwrite: true }));
  await show('ssm-get', () => ports.ssm.getParameter('/a/b'));
  console.log(limiter.stats());
});
