/**
 * How `stackpilot init` marks a value it could not know (a NoEcho parameter, a required
 * parameter). A literal that starts with it is refused by validate, plan and deploy, so a
 * placeholder is never deployed as a value.
 */
export const PLACEHOLDER_MARK = '<FILL IN';
