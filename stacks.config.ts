// The example system stackpilot was made for: an orders API split into four stacks.
//   core-infra → data → app
//                    ↘ backup        (app and backup deploy in parallel)
// Most edges are inferred from the templates (Fn::ImportValue); app's DataBucketName
// parameter is an output() edge. app reads the table name from SSM at *run time* (it gets the
// parameter's name, not its value), which is how the team broke its old app ⇄ data cycle.
import { defineConfig, output } from 'stackpilot';

export default defineConfig(({ stage }) => ({
  project: 'orders',
  region: 'us-east-1',
  defaults: {
    capabilities: ['CAPABILITY_IAM'],
    tags: { project: 'orders', stage, 'managed-by': 'stackpilot' },
  },
  stacks: {
    'core-infra': {
      template: 'templates/core-infra.yaml',
      parameters: { Project: 'orders', Stage: stage },
    },
    data: {
      template: 'templates/data.yaml',
      // Nothing in data's template refers to the network yet; the team's rule is that stateful
      // stacks deploy after it, so the edge is declared.
      dependsOn: ['core-infra'],
      parameters: { Project: 'orders', Stage: stage },
      stateful: true,
      terminationProtection: stage === 'prod',
    },
    app: {
      template: 'templates/app.yaml',
      parameters: {
        Project: 'orders',
        Stage: stage,
        DataBucketName: output('data', 'BucketName'),
      },
    },
    backup: {
      template: 'templates/backup.yaml',
      parameters: { Project: 'orders', Stage: stage },
    },
  },
  // Where stackpilot puts packaged code (app's functions and layer, its nested alarms template).
  // The bucket must exist: aws s3 mb s3://orders-dev-artifacts
  artifacts: { bucket: `orders-${stage}-artifacts`, prefix: 'stackpilot' },
  stages: {
    prod: {
      region: 'eu-west-1',
      defaults: { terminationProtection: true },
    },
  },
  outputs: {
    file: '.stackpilot/outputs.json',
    format: 'json',
    values: {
      API_URL: output('app', 'ApiUrl'),
      API_ID: output('app', 'ApiId'),
    },
  },
}));
