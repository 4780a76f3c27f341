#!/usr/bin/env bash
# Proves the npm package works for a user: packs the tarball, installs it into a new project
# outside this repository (no build there: the tarball ships dist/), and runs the CLI and the
# type checker there as a user would. Run by .ci/run after the tests; needs the npm registry for
# the package's dependencies. Usage: scripts/check-package.sh
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
started=$SECONDS

work="$(mktemp -d "${TMPDIR:-/tmp}/stackpilot-package-check.XXXXXX")"
trap 'rm -rf "$work"' EXIT
log="$work/step.log"

step() { printf 'check-package: %s\n' "$*"; }
fail() {
  printf '\ncheck-package: FAILED: %s\n' "$1" >&2
  if [[ -s "$log" ]]; then
    printf -- '--- output of the failed step ---\n' >&2
    tail -n 60 "$log" >&2
  fi
  exit 1
}
# Runs a command quietly; on failure, shows its output under the given message.
run() {
  local message="$1"
  shift
  "$@" >"$log" 2>&1 || fail "$message"
}

step "building and packing (npm pack)"
cd "$repo"
run "npm run build failed" npm run build
# --ignore-scripts: dist/ was just built; `prepare` would build it again and mix its output into --json.
npm pack --ignore-scripts --json --pack-destination "$work" >"$work/pack.json" 2>"$log" || fail "npm pack failed"
tarball="$work/$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"))[0].filename)' "$work/pack.json")"
[[ -f "$tarball" ]] || fail "npm pack did not write $tarball"

step "checking the tarball's contents ($(basename "$tarball"))"
node "$repo/scripts/check-package-contents.mjs" "$work/pack.json" "$repo" >"$log" 2>&1 || fail "the tarball's contents are wrong"
cat "$log"

app="$work/app"
mkdir -p "$app/templates"
cd "$app"
cat >package.json <<'JSON'
{ "name": "stackpilot-package-check", "version": "1.0.0", "private": true, "type": "module" }
JSON
typescript_version="$(node -p 'require(process.argv[1]).version' "$repo/node_modules/typescript/package.json")"
step "installing the tarball and typescript@$typescript_version into $app"
run "npm install of the tarball failed" \
  npm install --no-audit --no-fund --save-dev "$tarball" "typescript@$typescript_version"
# That install ran no build and no script of ours: the package builds in `prepack` (npm pack,
# publish, git installs), not in `prepare`, which npm 11 lists as an install script to approve.
if grep -qE 'stackpilot@[^ ]+ \(?(prepare|preinstall|install|postinstall)' "$log"; then
  fail "installing the tarball ran (or warned about) an install script of stackpilot"
fi
[[ -x node_modules/.bin/stackpilot ]] || fail "the install made no node_modules/.bin/stackpilot"

cat >templates/network.yaml <<'YAML'
AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Topic:
    Type: AWS::SNS::Topic
Outputs:
  TopicName:
    Value: !GetAtt Topic.TopicName
YAML
cat >templates/app.yaml <<'YAML'
AWSTemplateFormatVersion: '2010-09-09'
Parameters:
  TopicName:
    Type: String
Resources:
  Queue:
    Type: AWS::SQS::Queue
    Properties:
      QueueName: !Sub '${TopicName}-queue'
YAML
cat >stacks.config.ts <<'TS'
import { defineConfig, output } from 'stackpilot';

export default defineConfig({
  project: 'check',
  region: 'us-east-1',
  stacks: {
    network: { template: 'templates/network.yaml' },
    app: {
      template: 'templates/app.yaml',
      parameters: { TopicName: output('network', 'TopicName') },
    },
  },
});
TS
cat >tsconfig.json <<'JSON'
{
  "compilerOptions": {
    "strict": true,
    "module": "nodenext",
    "moduleResolution": "nodenext",
    "target": "es2022",
    "noEmit": true,
    "skipLibCheck": false,
    "types": []
  },
  "include": ["stacks.config.ts"]
}
JSON

export CI=true
step "npx stackpilot --version"
run "npx stackpilot --version failed" npx --no-install stackpilot --version
step "npx stackpilot validate"
run "npx stackpilot validate failed in the installed package" npx --no-install stackpilot validate
step "npx stackpilot deploy --simulate"
run "npx stackpilot deploy --simulate failed in the installed package" npx --no-install stackpilot deploy --simulate
grep -q 'app' "$log" || fail "deploy --simulate printed nothing about stack app"
step "npx tsc --noEmit (stacks.config.ts imports defineConfig and output from 'stackpilot')"
run "the shipped type declarations do not type-check a config" npx --no-install tsc --noEmit -p tsconfig.json
# The declarations must also catch a mistake, or the check above proves nothing.
sed -i.bak "s/output('network', 'TopicName')/output('network')/" stacks.config.ts
if npx --no-install tsc --noEmit -p tsconfig.json >"$log" 2>&1; then
  fail "tsc accepted output('network') with no output name: the types are not the package's"
fi

step "passed in $((SECONDS - started)) s"
