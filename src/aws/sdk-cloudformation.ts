import {
  CancelUpdateStackCommand,
  CreateChangeSetCommand,
  CreateStackRefactorCommand,
  DeleteChangeSetCommand,
  DeleteStackCommand,
  DescribeChangeSetCommand,
  DescribeStackEventsCommand,
  DescribeStackDriftDetectionStatusCommand,
  DescribeStackRefactorCommand,
  DescribeStackResourceDriftsCommand,
  DescribeStacksCommand,
  DetectStackDriftCommand,
  ExecuteChangeSetCommand,
  ExecuteStackRefactorCommand,
  GetTemplateCommand,
  ListChangeSetsCommand,
  ListImportsCommand,
  ListStackRefactorActionsCommand,
  ListStackRefactorsCommand,
  ListStackResourcesCommand,
  ListStacksCommand,
  UpdateTerminationProtectionCommand,
} from '@aws-sdk/client-cloudformation';
import type {
  Capability,
  Change,
  CloudFormationClient,
  DescribeChangeSetCommandOutput,
  ResourceMapping,
} from '@aws-sdk/client-cloudformation';
import { InternalError } from '../errors.js';
import {
  fromSdkChanges,
  fromSdkStack,
  fromSdkStackEvent,
  toSdkParameters,
  toSdkTags,
} from './cloudformation-shapes.js';
import { AwsError, isStackNotFoundError } from './errors.js';
import type {
  ChangeSetDescription,
  ChangeSetSummary,
  CloudFormationPort,
  ResourceChange,
  StackResourceSummary,
  ResourceDrift,
  StackRefactorAction,
  StackRefactorDescription,
  StackRefactorMapping,
  StackDescription,
  StackSummary,
} from './ports.js';
import { callAws } from './to-aws-error.js';

/**
 * A guard against a service that keeps answering the same NextToken: far more pages than any
 * change set has (each page is up to 1 MB).
 */
const MAX_CHANGE_SET_PAGES = 1000;

/** Pages of 100 stacks: far more than the account's stack quota (2,000 by default). */
const MAX_STACK_PAGES = 1000;

function required(value: string | undefined, operation: string, field: string): string {
  if (value === undefined || value === '') throw new InternalError(`${operation} returned no ${field}`);
  return value;
}

/** CloudFormation through the SDK; every call goes through the client's limiter and retries. */
export function createSdkCloudFormation(client: CloudFormationClient): CloudFormationPort {
  return {
    async describeStack(stackName) {
      try {
        const output = await callAws('DescribeStacks', () =>
          client.send(new DescribeStacksCommand({ StackName: stackName })),
        );
        const stack = output.Stacks?.[0];
        return stack === undefined ? undefined : fromSdkStack(stack);
      } catch (error) {
        if (isStackNotFoundError(error)) return undefined;
        throw error;
      }
    },

    async getTemplate(stackName) {
      const output = await callAws('GetTemplate', () =>
        client.send(new GetTemplateCommand({ StackName: stackName, TemplateStage: 'Original' })),
      );
      return output.TemplateBody ?? '';
    },

    async createChangeSet(input) {
      const output = await callAws('CreateChangeSet', () =>
        client.send(
          new CreateChangeSetCommand({
            StackName: input.stackName,
            ChangeSetName: input.changeSetName,
            ChangeSetType: input.changeSetType,
            TemplateBody: input.templateBody,
            TemplateURL: input.templateUrl,
            Parameters: toSdkParameters(input.parameters),
            Tags: toSdkTags(input.tags),
            Capabilities: input.capabilities as Capability[],
            ClientToken: input.clientToken,
            Description: input.description,
            // Only where there is a nested stack: a root change set then holds one per nested
            // stack, described through ResourceChange.ChangeSetId and deleted with the root. A
            // template sent by URL is not at hand to look into; the flag costs nothing without a
            // nested stack, so it is set.
            IncludeNestedStacks:
              input.templateBody === undefined ? input.templateUrl !== undefined : hasNestedStack(input.templateBody),
          }),
        ),
      );
      return {
        changeSetId: required(output.Id, 'CreateChangeSet', 'Id'),
        stackId: required(output.StackId, 'CreateChangeSet', 'StackId'),
      };
    },

    async describeChangeSet(changeSetId) {
      const changes: Change[] = [];
      let first: DescribeChangeSetCommandOutput | undefined;
      let nextToken: string | undefined;
      for (let page = 0; page < MAX_CHANGE_SET_PAGES; page += 1) {
        const output = await callAws('DescribeChangeSet', () =>
          client.send(new DescribeChangeSetCommand({ ChangeSetName: changeSetId, NextToken: nextToken })),
        );
        // Only Changes is paginated; the other fields repeat on every page.
        first ??= output;
        changes.push(...(output.Changes ?? []));
        nextToken = output.NextToken === '' ? undefined : output.NextToken;
        if (nextToken === undefined) return describeChangeSetResult(first, changes);
      }
      throw new InternalError(`DescribeChangeSet ${changeSetId}: more than ${MAX_CHANGE_SET_PAGES} pages of changes`);
    },

    async deleteChangeSet(changeSetId) {
      await callAws('DeleteChangeSet', () => client.send(new DeleteChangeSetCommand({ ChangeSetName: changeSetId })));
    },

    async executeChangeSet(changeSetId, clientRequestToken) {
      await callAws('ExecuteChangeSet', () =>
        client.send(
          new ExecuteChangeSetCommand({ ChangeSetName: changeSetId, ClientRequestToken: clientRequestToken }),
        ),
      );
    },

    async describeStackEvents(stackId, nextToken) {
      const output = await callAws('DescribeStackEvents', () =>
        client.send(new DescribeStackEventsCommand({ StackName: stackId, NextToken: nextToken })),
      );
      return {
        events: (output.StackEvents ?? []).map(fromSdkStackEvent),
        nextToken: output.NextToken === '' ? undefined : output.NextToken,
      };
    },

    async deleteStack(stackId, clientRequestToken, retainResources) {
      await callAws('DeleteStack', () =>
        client.send(
          new DeleteStackCommand({
            StackName: stackId,
            ClientRequestToken: clientRequestToken,
            ...(retainResources && retainResources.length > 0 ? { RetainResources: [...retainResources] } : {}),
          }),
        ),
      );
    },

    async cancelUpdateStack(stackId, clientRequestToken) {
      await callAws('CancelUpdateStack', () =>
        client.send(new CancelUpdateStackCommand({ StackName: stackId, ClientRequestToken: clientRequestToken })),
      );
    },

    async updateTerminationProtection(stackId, enabled) {
      await callAws('UpdateTerminationProtection', () =>
        client.send(
          new UpdateTerminationProtectionCommand({ StackName: stackId, EnableTerminationProtection: enabled }),
        ),
      );
    },

    async listImports(exportName) {
      const importers: string[] = [];
      let nextToken: string | undefined;
      try {
        do {
          const token = nextToken;
          const page = await callAws('ListImports', () =>
            client.send(new ListImportsCommand({ ExportName: exportName, ...(token ? { NextToken: token } : {}) })),
          );
          importers.push(...(page.Imports ?? []));
          nextToken = page.NextToken;
        } while (nextToken !== undefined);
      } catch (error) {
        // An export nobody imports is answered with an error, not an empty list (§4).
        if (error instanceof AwsError && /is not imported by any stack/.test(error.message)) return [];
        throw error;
      }
      return importers;
    },

    async listStackResources(stackName) {
      const resources: StackResourceSummary[] = [];
      let nextToken: string | undefined;
      for (let page = 0; page < MAX_CHANGE_SET_PAGES; page += 1) {
        const token = nextToken;
        const output = await callAws('ListStackResources', () =>
          client.send(new ListStackResourcesCommand({ StackName: stackName, ...(token ? { NextToken: token } : {}) })),
        );
        for (const r of output.StackResourceSummaries ?? []) {
          resources.push({
            logicalId: r.LogicalResourceId ?? '',
            physicalId: r.PhysicalResourceId === '' ? undefined : r.PhysicalResourceId,
            resourceType: r.ResourceType ?? '',
            status: r.ResourceStatus ?? '',
          });
        }
        nextToken = output.NextToken === '' ? undefined : output.NextToken;
        if (nextToken === undefined) return resources;
      }
      throw new InternalError(`ListStackResources ${stackName}: more than ${MAX_CHANGE_SET_PAGES} pages`);
    },

    async listChangeSets(stackName) {
      const summaries: ChangeSetSummary[] = [];
      let nextToken: string | undefined;
      for (let page = 0; page < MAX_CHANGE_SET_PAGES; page += 1) {
        const token = nextToken;
        const output = await callAws('ListChangeSets', () =>
          client.send(new ListChangeSetsCommand({ StackName: stackName, ...(token ? { NextToken: token } : {}) })),
        );
        for (const s of output.Summaries ?? []) {
          // moto answers every change set of the account whatever StackName says: keep the stack's own.
          if (s.StackId !== stackName && s.StackName !== stackName) continue;
          summaries.push({
            changeSetId: s.ChangeSetId ?? '',
            changeSetName: s.ChangeSetName ?? '',
            stackId: s.StackId ?? '',
            stackName: s.StackName ?? '',
            status: s.Status,
            executionStatus: s.ExecutionStatus,
          });
        }
        nextToken = output.NextToken === '' ? undefined : output.NextToken;
        if (nextToken === undefined) return summaries;
      }
      throw new InternalError(`ListChangeSets ${stackName}: more than ${MAX_CHANGE_SET_PAGES} pages`);
    },

    async listStacks() {
      const stacks: StackDescription[] = [];
      let nextToken: string | undefined;
      for (let page = 0; page < MAX_STACK_PAGES; page += 1) {
        const token = nextToken;
        const output = await callAws('DescribeStacks', () =>
          client.send(new DescribeStacksCommand(token ? { NextToken: token } : {})),
        );
        for (const stack of output.Stacks ?? []) {
          const described = fromSdkStack(stack);
          if (described.status !== 'DELETE_COMPLETE') stacks.push(described);
        }
        nextToken = output.NextToken === '' ? undefined : output.NextToken;
        if (nextToken === undefined) return stacks;
      }
      throw new InternalError(`DescribeStacks: more than ${MAX_STACK_PAGES} pages of stacks`);
    },

    async detectStackDrift(stackName) {
      const output = await callAws('DetectStackDrift', () =>
        client.send(new DetectStackDriftCommand({ StackName: stackName })),
      );
      return required(output.StackDriftDetectionId, 'DetectStackDrift', 'StackDriftDetectionId');
    },

    async describeStackDriftDetectionStatus(detectionId) {
      const output = await callAws('DescribeStackDriftDetectionStatus', () =>
        client.send(new DescribeStackDriftDetectionStatusCommand({ StackDriftDetectionId: detectionId })),
      );
      return {
        detectionStatus: output.DetectionStatus ?? '',
        stackDriftStatus: output.StackDriftStatus,
        detectionStatusReason: output.DetectionStatusReason === '' ? undefined : output.DetectionStatusReason,
        driftedResourceCount: output.DriftedStackResourceCount,
      };
    },

    async describeStackResourceDrifts(stackName) {
      const drifts: ResourceDrift[] = [];
      let nextToken: string | undefined;
      for (let page = 0; page < MAX_CHANGE_SET_PAGES; page += 1) {
        const token = nextToken;
        const output = await callAws('DescribeStackResourceDrifts', () =>
          client.send(
            new DescribeStackResourceDriftsCommand({
              StackName: stackName,
              StackResourceDriftStatusFilters: ['MODIFIED', 'DELETED'],
              ...(token ? { NextToken: token } : {}),
            }),
          ),
        );
        for (const d of output.StackResourceDrifts ?? []) {
          drifts.push({
            logicalId: d.LogicalResourceId ?? '',
            physicalId: d.PhysicalResourceId,
            resourceType: d.ResourceType ?? '',
            driftStatus: d.StackResourceDriftStatus ?? '',
            differences: (d.PropertyDifferences ?? []).map((p) => ({
              propertyPath: p.PropertyPath ?? '',
              expectedValue: p.ExpectedValue,
              actualValue: p.ActualValue,
              differenceType: p.DifferenceType ?? '',
            })),
          });
        }
        nextToken = output.NextToken === '' ? undefined : output.NextToken;
        if (nextToken === undefined) return drifts;
      }
      throw new InternalError(`DescribeStackResourceDrifts ${stackName}: more than ${MAX_CHANGE_SET_PAGES} pages`);
    },

    async listStackSummaries() {
      const summaries: StackSummary[] = [];
      let nextToken: string | undefined;
      for (let page = 0; page < MAX_CHANGE_SET_PAGES; page += 1) {
        const token = nextToken;
        const output = await callAws('ListStacks', () =>
          client.send(new ListStacksCommand(token ? { NextToken: token } : {})),
        );
        for (const s of output.StackSummaries ?? []) {
          summaries.push({
            stackId: s.StackId ?? '',
            stackName: s.StackName ?? '',
            status: s.StackStatus ?? '',
            parentId: s.ParentId === undefined || s.ParentId === '' ? undefined : s.ParentId,
          });
        }
        nextToken = output.NextToken === '' ? undefined : output.NextToken;
        if (nextToken === undefined) return summaries;
      }
      throw new InternalError(`ListStacks: more than ${MAX_CHANGE_SET_PAGES} pages`);
    },

    async createStackRefactor(input) {
      const output = await callAws('CreateStackRefactor', () =>
        client.send(
          new CreateStackRefactorCommand({
            ...(input.description === undefined ? {} : { Description: input.description }),
            EnableStackCreation: input.enableStackCreation,
            StackDefinitions: input.stacks.map((s) => ({ StackName: s.stackName, TemplateBody: s.templateBody })),
            ...(input.resourceMappings.length === 0
              ? {}
              : { ResourceMappings: input.resourceMappings.map(toSdkMapping) }),
          }),
        ),
      );
      return required(output.StackRefactorId, 'CreateStackRefactor', 'StackRefactorId');
    },

    async describeStackRefactor(stackRefactorId) {
      const output = await callAws('DescribeStackRefactor', () =>
        client.send(new DescribeStackRefactorCommand({ StackRefactorId: stackRefactorId })),
      );
      return { ...fromSdkRefactorSummary(output), stackIds: output.StackIds ?? [] };
    },

    async listStackRefactorActions(stackRefactorId) {
      const actions: StackRefactorAction[] = [];
      let nextToken: string | undefined;
      for (let page = 0; page < MAX_CHANGE_SET_PAGES; page += 1) {
        const token = nextToken;
        const output = await callAws('ListStackRefactorActions', () =>
          client.send(
            new ListStackRefactorActionsCommand({
              StackRefactorId: stackRefactorId,
              ...(token ? { NextToken: token } : {}),
            }),
          ),
        );
        for (const a of output.StackRefactorActions ?? []) {
          actions.push({
            action: a.Action ?? '',
            entity: a.Entity ?? '',
            physicalId: a.PhysicalResourceId === '' ? undefined : a.PhysicalResourceId,
            description: a.Description,
            detection: a.Detection,
            detectionReason: a.DetectionReason,
            mapping: fromSdkMapping(a.ResourceMapping),
          });
        }
        nextToken = output.NextToken === '' ? undefined : output.NextToken;
        if (nextToken === undefined) return actions;
      }
      throw new InternalError(`ListStackRefactorActions ${stackRefactorId}: more than ${MAX_CHANGE_SET_PAGES} pages`);
    },

    async executeStackRefactor(stackRefactorId) {
      await callAws('ExecuteStackRefactor', () =>
        client.send(new ExecuteStackRefactorCommand({ StackRefactorId: stackRefactorId })),
      );
    },

    async listStackRefactors() {
      const refactors: StackRefactorDescription[] = [];
      let nextToken: string | undefined;
      for (let page = 0; page < MAX_CHANGE_SET_PAGES; page += 1) {
        const token = nextToken;
        const output = await callAws('ListStackRefactors', () =>
          client.send(new ListStackRefactorsCommand(token ? { NextToken: token } : {})),
        );
        for (const r of output.StackRefactorSummaries ?? [])
          refactors.push({ ...fromSdkRefactorSummary(r), stackIds: [] });
        nextToken = output.NextToken === '' ? undefined : output.NextToken;
        if (nextToken === undefined) return refactors;
      }
      throw new InternalError(`ListStackRefactors: more than ${MAX_CHANGE_SET_PAGES} pages`);
    },
  };
}

function toSdkMapping(m: StackRefactorMapping): ResourceMapping {
  return {
    Source: { StackName: m.source.stackName, LogicalResourceId: m.source.logicalId },
    Destination: { StackName: m.destination.stackName, LogicalResourceId: m.destination.logicalId },
  };
}

function fromSdkMapping(m: ResourceMapping | undefined): StackRefactorMapping | undefined {
  if (m?.Source === undefined || m.Destination === undefined) return undefined;
  return {
    source: { stackName: m.Source.StackName ?? '', logicalId: m.Source.LogicalResourceId ?? '' },
    destination: { stackName: m.Destination.StackName ?? '', logicalId: m.Destination.LogicalResourceId ?? '' },
  };
}

/** The fields DescribeStackRefactor and a ListStackRefactors summary share; an empty reason is none. */
function fromSdkRefactorSummary(r: {
  StackRefactorId?: string | undefined;
  Description?: string | undefined;
  Status?: string | undefined;
  StatusReason?: string | undefined;
  ExecutionStatus?: string | undefined;
  ExecutionStatusReason?: string | undefined;
}): Omit<StackRefactorDescription, 'stackIds'> {
  return {
    stackRefactorId: r.StackRefactorId ?? '',
    description: r.Description,
    status: r.Status ?? '',
    statusReason: r.StatusReason === '' ? undefined : r.StatusReason,
    executionStatus: r.ExecutionStatus,
    executionStatusReason: r.ExecutionStatusReason === '' ? undefined : r.ExecutionStatusReason,
  };
}

function describeChangeSetResult(
  output: DescribeChangeSetCommandOutput,
  changes: readonly Change[],
): ChangeSetDescription {
  return {
    changeSetId: output.ChangeSetId ?? '',
    changeSetName: output.ChangeSetName ?? '',
    stackId: output.StackId ?? '',
    status: output.Status ?? '',
    statusReason: output.StatusReason === '' ? undefined : output.StatusReason,
    executionStatus: output.ExecutionStatus,
    changes: withNestedChangeSets(fromSdkChanges(changes), changes),
  };
}

/** A template (YAML or JSON) with a resource of type AWS::CloudFormation::Stack. */
export function hasNestedStack(templateBody: string): boolean {
  return /["']?Type["']?\s*:\s*["']?AWS::CloudFormation::Stack\b/.test(templateBody);
}

/** `fromSdkChanges` keeps the changes that have a ResourceChange, in order: the same ones here. */
function withNestedChangeSets(mapped: ResourceChange[], changes: readonly Change[]): ResourceChange[] {
  const sdk = changes.flatMap((c) => (c.ResourceChange === undefined ? [] : [c.ResourceChange]));
  return mapped.map((change, index) => {
    const id = sdk[index]?.ChangeSetId;
    return id === undefined || id === '' ? change : { ...change, nestedChangeSetId: id };
  });
}
