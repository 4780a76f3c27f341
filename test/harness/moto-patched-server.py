"""Run moto's server (moto 5.2.1) with three patches for CloudFormation.

Usage: python3 moto-patched-server.py HOST PORT

Started by test/harness/moto.ts. Everything except the patched
CloudFormationBackend.execute_change_set, the change-set lookups by name
(scoped to the StackName given) and GetTemplateSummary of a template without
AWSTemplateFormatVersion is moto's own code: the server itself is
moto.server.main(), unchanged.

Exit codes: 2 = moto cannot be imported, 3 = wrong moto version (the patch is
written against moto 5.2.1 internals), anything else comes from moto/werkzeug.
"""

import json
import logging
import sys

INSTALL_HINT = "pip install 'moto[server]==5.2.1'"
MOTO_VERSION = "5.2.1"

try:
    import moto
    import moto.server
    from moto.cloudformation.exceptions import ValidationError
    from moto.cloudformation.models import CloudFormationBackend
    import moto.cloudformation.responses as cloudformation_responses
    from moto.cloudformation.responses import CloudFormationResponse
    from moto.core.responses import ActionResult, EmptyResult
except ImportError as error:
    sys.stderr.write(
        f"moto-patched-server: cannot import moto ({error}). "
        f"Install it with: {INSTALL_HINT}\n"
    )
    sys.exit(2)

if moto.__version__ != MOTO_VERSION:
    sys.stderr.write(
        f"moto-patched-server: moto {MOTO_VERSION} is required, found "
        f"{moto.__version__}. Install it with: {INSTALL_HINT}\n"
    )
    sys.exit(3)


# ---------------------------------------------------------------------------
# THE PATCH: wraps CloudFormationBackend.execute_change_set (moto 5.2.1,
# moto/cloudformation/models.py). The original still does the work (it calls
# ChangeSet.apply -> ResourceMap.update, sets events, status and the
# template); the wrapper only fixes up the stack around it.
# ---------------------------------------------------------------------------

_original_execute_change_set = CloudFormationBackend.execute_change_set


def _find_change_set(backend, change_set_name):
    """Same lookup as moto's execute_change_set: by ARN, else by name (last match)."""
    if change_set_name in backend.change_sets:
        return backend.change_sets[change_set_name]
    found = None
    for change_set in backend.change_sets.values():
        if change_set.change_set_name == change_set_name:
            found = change_set
    return found


def _patched_execute_change_set(self, change_set_name, stack_name=None):
    change_set = _find_change_set(self, change_set_name)
    if change_set is None or change_set.stack_id not in self.stacks:
        # Unknown change set: keep moto's own behaviour (and its error).
        return _original_execute_change_set(self, change_set_name, stack_name)
    stack = self.stacks[change_set.stack_id]

    # (a) Fn::ImportValue in a CREATE change set.
    # moto: create_change_set builds the new Stack with template={} and without
    # cross_stack_resources, so Stack.__init__ gives its ResourceMap an empty
    # dict of exports; when the change set executes, ResourceMap.update creates
    # the resources and every Fn::ImportValue fails with "No export named X
    # found" although another stack exports X (for UPDATE change sets too,
    # when the stack itself was created by a change set).
    # AWS: imports resolve against the region's exports at execution time.
    # Fix: give the stack and its ResourceMap the backend's live exports dict
    # (the same object create_stack passes) and give a CREATE stack the change
    # set's template before applying. The ResourceMap's own template is left
    # alone so that ResourceMap.update still diffs old vs new and creates
    # every resource.
    stack.cross_stack_resources = self.exports
    stack.resource_map.cross_stack_resources = self.exports
    if change_set.change_set_type == "CREATE":
        stack.template = change_set.template
        stack.template_dict = change_set.template_dict

    _original_execute_change_set(self, change_set_name, stack_name)

    # (b) Outputs and exports after a change set executes (CREATE or UPDATE).
    # moto: execute_change_set only sets stack.template; stack.output_map is
    # the one built when the stack was created (empty for a CREATE change set,
    # stale values for an UPDATE), so DescribeStacks shows no/old Outputs,
    # and backend.exports is never touched, so ListExports does not show the
    # stack's exports (or shows the old values) and no other stack can import
    # them.
    # AWS: after execution, DescribeStacks shows the new template's Outputs
    # and the stack's Export names/values are replaced in ListExports.
    # Fix: rebuild the output map from the executed template (as
    # Stack.update does, via Stack._create_output_map) and replace this
    # stack's entries in backend.exports, checking uniqueness with
    # _validate_export_uniqueness as create_stack does.
    stack.template_dict = change_set.template_dict
    previous_output_map = stack.output_map
    stack.output_map = stack._create_output_map()
    previous_exports = {
        name: export
        for name, export in self.exports.items()
        if export.exporting_stack_id == stack.stack_id
    }
    for name in previous_exports:
        del self.exports[name]
    try:
        self._validate_export_uniqueness(stack)
    except ValidationError:
        # Leave the account's exports as they were (moto has no rollback).
        stack.output_map = previous_output_map
        self.exports.update(previous_exports)
        raise
    for export in stack.exports:
        self.exports[export.name] = export

    # (c) Parameters and tags after a change set executes.
    # moto: the stack keeps the parameters/tags it had before (for a stack
    # made by a CREATE change set: those of that first change set), so
    # UPDATE change sets never change DescribeStacks' Tags, stack.parameters
    # goes stale (it is what moto's "didn't contain changes" check compares
    # against), and parameters removed from the template stay listed in
    # DescribeStacks' Parameters.
    # AWS: the stack's parameters and tags are those of the executed change
    # set. moto's request layer turns "no Tags given" into {}, so an empty tag
    # set is treated as "not given" and keeps the current tags (AWS's rule for
    # an omitted Tags parameter).
    stack.parameters = dict(change_set.parameters)
    if change_set.tags:
        stack.tags = dict(change_set.tags)
    declared = (change_set.template_dict or {}).get("Parameters") or {}
    resolved = stack.resource_map.resolved_parameters
    for key in [key for key in resolved if key not in declared]:
        del resolved[key]


CloudFormationBackend.execute_change_set = _patched_execute_change_set
# --------------------------------------------------------------------------- end of patch


# ---------------------------------------------------------------------------
# THE SECOND PATCH: change-set names are scoped to their stack.
# moto: DescribeChangeSet, ExecuteChangeSet and DeleteChangeSet ignore
# StackName and look a change-set NAME up across every stack of the region
# (describe/execute take the last match, delete the first), and
# ListChangeSets lists every stack's change sets. A tool that gives every
# stack's change set the same name (the CDK CLI: `cdk-deploy-change-set`)
# then describes, executes or deletes another stack's change set when it
# deploys stacks in parallel.
# AWS: a change-set name is unique within its stack only; with StackName the
# name is looked up in that stack; DeleteChangeSet of a name the (existing)
# stack does not have succeeds; ListChangeSets lists that stack's change sets.
# Fix: in the request layer, when StackName names a live stack and
# ChangeSetName is a name (not an ARN), replace the name with the ARN of that
# stack's change set, then let moto's own backend methods do the rest. An
# unknown stack, an ARN, or a request without StackName keeps moto's own
# behaviour (and its errors).
# ---------------------------------------------------------------------------

_NOT_IN_STACK = object()


def _live_stack_id(backend, stack_name):
    for stack in backend.stacks.values():
        if stack.name == stack_name or stack.stack_id == stack_name:
            return stack.stack_id
    return None


def _scoped_change_set_name(response):
    """The ARN to look up, moto's own argument, or _NOT_IN_STACK."""
    backend = response.cloudformation_backend
    name = response._get_param("ChangeSetName")
    stack_id = _live_stack_id(backend, response._get_param("StackName"))
    if stack_id is None or name in backend.change_sets:
        return name
    found = _NOT_IN_STACK
    for change_set_id, change_set in backend.change_sets.items():
        if change_set.change_set_name == name and change_set.stack_id == stack_id:
            found = change_set_id
    return found


def _scoped_describe_change_set(self):
    name = _scoped_change_set_name(self)
    if name is _NOT_IN_STACK:
        raise ValidationError(self._get_param("ChangeSetName"))
    return ActionResult(self.cloudformation_backend.describe_change_set(change_set_name=name))


def _scoped_execute_change_set(self):
    name = _scoped_change_set_name(self)
    if name is _NOT_IN_STACK:
        raise ValidationError(self._get_param("ChangeSetName"))
    self.cloudformation_backend.execute_change_set(
        stack_name=self._get_param("StackName"), change_set_name=name
    )
    return EmptyResult()


def _scoped_delete_change_set(self):
    name = _scoped_change_set_name(self)
    if name is not _NOT_IN_STACK:
        self.cloudformation_backend.delete_change_set(change_set_name=name)
    return EmptyResult()


def _scoped_list_change_sets(self):
    stack_id = _live_stack_id(self.cloudformation_backend, self._get_param("StackName"))
    change_sets = self.cloudformation_backend.list_change_sets()
    if stack_id is not None:
        change_sets = [cs for cs in change_sets if cs.stack_id == stack_id]
    return ActionResult({"Summaries": change_sets})


CloudFormationResponse.describe_change_set = _scoped_describe_change_set
CloudFormationResponse.execute_change_set = _scoped_execute_change_set
CloudFormationResponse.delete_change_set = _scoped_delete_change_set
CloudFormationResponse.list_change_sets = _scoped_list_change_sets
# --------------------------------------------------------------------------- end of second patch


# ---------------------------------------------------------------------------
# THE THIRD PATCH: GetTemplateSummary of a template without
# AWSTemplateFormatVersion.
# moto: get_template_summary_response_from_template reads
# template["AWSTemplateFormatVersion"] and answers HTTP 500 (KeyError) when
# the template has none, as templates synthesized by aws-cdk-lib do not. The
# AWS CLI's `cloudformation deploy` calls GetTemplateSummary on every update.
# AWS: the section is optional.
# Fix: a template without it is summarized as if it declared the only
# version there is, 2010-09-09.
# ---------------------------------------------------------------------------

_original_template_summary = cloudformation_responses.get_template_summary_response_from_template


def _template_summary_any_version(template_body):
    try:
        return _original_template_summary(template_body)
    except KeyError as error:
        if error.args != ("AWSTemplateFormatVersion",):
            raise
    # Parsed as moto parses it (the original registered its tag constructor for !Ref & co.).
    yaml = cloudformation_responses.yaml
    try:
        template = yaml.load(template_body, Loader=yaml.Loader)
    except yaml.YAMLError:
        template = json.loads(template_body)
    template["AWSTemplateFormatVersion"] = "2010-09-09"
    return _original_template_summary(json.dumps(template, default=str))


cloudformation_responses.get_template_summary_response_from_template = _template_summary_any_version
# --------------------------------------------------------------------------- end of third patch


def main(argv):
    if len(argv) != 2:
        sys.stderr.write("usage: moto-patched-server.py HOST PORT\n")
        sys.exit(64)
    host, port = argv
    # Not a moto behaviour change: werkzeug logs one INFO line per request;
    # keep warnings and errors (tracebacks of 500s) only.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    sys.stderr.write(
        f"moto-patched-server: moto {moto.__version__} (execute_change_set patched, "
        f"change-set names scoped to their stack) on http://{host}:{port}\n"
    )
    sys.stderr.flush()
    # moto's own server entry point: builds DomainDispatcherApplication and
    # runs werkzeug's run_simple; handles SIGTERM/SIGINT with sys.exit(0).
    moto.server.main(["--host", host, "--port", port])


if __name__ == "__main__":
    main(sys.argv[1:])
