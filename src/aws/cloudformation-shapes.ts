import type {
  Change,
  Output,
  Parameter as SdkParameter,
  ResourceChangeDetail as SdkResourceChangeDetail,
  Stack,
  StackEvent as SdkStackEvent,
  Tag,
} from '@aws-sdk/client-cloudformation';
import type {
  ChangeAction,
  Parameter,
  ResourceChange,
  ResourceChangeDetail,
  StackDescription,
  StackEvent,
  StackOutput,
} from './ports.js';

/**
 * SDK shapes → the plain types of ports.ts. Dates stay Dates; absent or empty optional strings
 * become `undefined` (the service sends `PhysicalResourceId: ""` on a resource's first event, and
 * an empty reason says nothing); absent lists become `[]`.
 */

function text(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

export function toSdkParameters(parameters: readonly Parameter[]): SdkParameter[] {
  return parameters.map((p) => ({ ParameterKey: p.key, ParameterValue: p.value }));
}

export function toSdkTags(tags: Readonly<Record<string, string>>): Tag[] {
  return Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
}

export function fromSdkParameters(parameters: readonly SdkParameter[] | undefined): Parameter[] {
  return (parameters ?? []).map((p) => ({ key: p.ParameterKey ?? '', value: p.ParameterValue ?? '' }));
}

export function fromSdkTags(tags: readonly Tag[] | undefined): Record<string, string> {
  const record: Record<string, string> = {};
  for (const tag of tags ?? []) {
    if (tag.Key !== undefined) record[tag.Key] = tag.Value ?? '';
  }
  return record;
}

function fromSdkOutput(output: Output): StackOutput {
  return {
    key: output.OutputKey ?? '',
    value: output.OutputValue ?? '',
    exportName: text(output.ExportName),
    description: text(output.Description),
  };
}

export function fromSdkStack(stack: Stack): StackDescription {
  return {
    stackId: stack.StackId ?? '',
    stackName: stack.StackName ?? '',
    status: stack.StackStatus ?? '',
    statusReason: text(stack.StackStatusReason),
    parameters: fromSdkParameters(stack.Parameters),
    outputs: (stack.Outputs ?? []).map(fromSdkOutput),
    tags: fromSdkTags(stack.Tags),
    capabilities: [...(stack.Capabilities ?? [])],
    terminationProtection: stack.EnableTerminationProtection ?? false,
    creationTime: stack.CreationTime,
    lastUpdatedTime: stack.LastUpdatedTime,
    ...(stack.ParentId ? { parentId: stack.ParentId } : {}),
  };
}

export function fromSdkStackEvent(event: SdkStackEvent): StackEvent {
  return {
    eventId: event.EventId ?? '',
    stackId: event.StackId ?? '',
    stackName: event.StackName ?? '',
    logicalId: event.LogicalResourceId ?? '',
    physicalId: text(event.PhysicalResourceId),
    resourceType: event.ResourceType ?? '',
    status: event.ResourceStatus ?? '',
    reason: text(event.ResourceStatusReason),
    timestamp: event.Timestamp ?? new Date(0),
    clientRequestToken: text(event.ClientRequestToken),
  };
}

const KNOWN_ACTIONS: ReadonlySet<string> = new Set<ChangeAction>(['Add', 'Modify', 'Remove', 'Import', 'Dynamic']);

/**
 * `SyncWithActual` only comes with `DeploymentMode: REVERT_DRIFT`, which we never request. Any
 * action we do not know is reported as `Dynamic` ("decided at execution") rather than dropped, so
 * that a guard still sees the resource.
 */
function toAction(action: string | undefined): ChangeAction {
  return action !== undefined && KNOWN_ACTIONS.has(action) ? (action as ChangeAction) : 'Dynamic';
}

function fromSdkDetail(detail: SdkResourceChangeDetail): ResourceChangeDetail {
  return {
    attribute: text(detail.Target?.Attribute),
    name: text(detail.Target?.Name),
    requiresRecreation: text(detail.Target?.RequiresRecreation),
    changeSource: text(detail.ChangeSource),
    causingEntity: text(detail.CausingEntity),
    evaluation: text(detail.Evaluation),
  };
}

/** Resource changes only; `Change.Type` has no other value today. */
export function fromSdkChanges(changes: readonly Change[]): ResourceChange[] {
  const result: ResourceChange[] = [];
  for (const change of changes) {
    const rc = change.ResourceChange;
    if (rc === undefined) continue;
    result.push({
      action: toAction(rc.Action),
      logicalId: rc.LogicalResourceId ?? '',
      physicalId: text(rc.PhysicalResourceId),
      resourceType: rc.ResourceType ?? '',
      replacement: text(rc.Replacement),
      scope: [...(rc.Scope ?? [])],
      details: (rc.Details ?? []).map(fromSdkDetail),
    });
  }
  return result;
}
