/**
 * The tags stackpilot puts on every stack it deploys: which project and stage the stack belongs
 * to. `status` finds orphans by them (a name prefix cannot tell stage `dev` from `dev-alice`).
 * CloudFormation propagates stack tags to the resources that support tags.
 */
export const PROJECT_TAG = 'stackpilot:project';
export const STAGE_TAG = 'stackpilot:stage';

export function stackpilotTags(project: string, stage: string): Record<string, string> {
  return { [PROJECT_TAG]: project, [STAGE_TAG]: stage };
}

/** Why a tag key written in the config cannot be used; undefined when it can. */
export function tagKeyProblem(key: string): { message: string; hint: string } | undefined {
  if (key === PROJECT_TAG || key === STAGE_TAG) {
    return {
      message: `tag "${key}" is set by stackpilot on every stack`,
      hint: 'remove it: stackpilot sets it to the project and stage, and finds orphaned stacks by it',
    };
  }
  if (key.toLowerCase().startsWith('aws:')) {
    return {
      message: `tag "${key}": keys starting with aws: are reserved by AWS, and CloudFormation refuses them`,
      hint: 'choose a key without the aws: prefix',
    };
  }
  return undefined;
}
