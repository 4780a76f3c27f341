// Checks the file list of `npm pack --json`: everything a user needs is there and nothing else.
// Usage: node scripts/check-package-contents.mjs <pack.json> <repo>
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const [packJson, repo] = process.argv.slice(2);
const [pack] = JSON.parse(readFileSync(packJson, 'utf8'));
const files = new Set(pack.files.map((file) => file.path));
const problems = [];

const required = [
  'package.json',
  'README.md',
  'LICENSE',
  'CHANGELOG.md',
  'bin/stackpilot.js',
  'dist/index.js',
  'dist/index.d.ts',
  'dist/cli/main.js',
  'dist/config/define-config.d.ts',
];
for (const file of required) if (!files.has(file)) problems.push(`missing: ${file}`);

// Compiled code, its declarations and source maps; the four documents; the launcher.
const allowed = /^(package\.json|README\.md|LICENSE|CHANGELOG\.md|bin\/stackpilot\.js|dist\/.+\.(js|d\.ts|js\.map))$/;
for (const file of files) {
  if (!allowed.test(file)) problems.push(`not for users: ${file}`);
  // A dist file whose source is gone is left over from an old build.
  const compiled = /^dist\/(.+?)\.(js|d\.ts|js\.map)$/.exec(file);
  if (compiled) {
    const source = compiled[1];
    if (!existsSync(join(repo, 'src', `${source}.ts`)) && !existsSync(join(repo, 'src', `${source}.tsx`)))
      problems.push(`left over from an old build (no src/${source}.ts): ${file}`);
  }
  if (file.endsWith('.js.map')) {
    // A map is worth shipping only with its sources inside, since src/ is not in the package.
    const map = JSON.parse(readFileSync(join(repo, file), 'utf8'));
    if (!Array.isArray(map.sourcesContent) || map.sourcesContent.length !== map.sources.length)
      problems.push(`source map without its sources (src/ is not shipped): ${file}`);
  }
}
for (const file of files) {
  if (file.startsWith('dist/') && file.endsWith('.js') && !files.has(`${file}.map`)) {
    problems.push(`no source map for ${file}`);
  }
}

// npm runs these when the package is installed (npm 11 also asks to approve `prepare`); the
// tarball ships dist/ and needs none of them.
const manifest = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8'));
for (const script of ['preinstall', 'install', 'postinstall', 'prepare']) {
  if (Object.hasOwn(manifest.scripts ?? {}, script)) problems.push(`install-time script in package.json: ${script}`);
}

if (problems.length > 0) {
  console.error(problems.map((problem) => `  ${problem}`).join('\n'));
  process.exit(1);
}
const kb = (bytes) => `${(bytes / 1024).toFixed(0)} kB`;
console.log(`  ${files.size} files, ${kb(pack.size)} packed, ${kb(pack.unpackedSize)} unpacked`);
