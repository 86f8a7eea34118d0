/**
 * npm run report:allure [-- REPORT_DIR]: renders REPORT_DIR/allure-results (written by every
 * assurance run) as an Allure HTML report in REPORT_DIR/allure-report. Needs Java; without it,
 * says so and exits 2.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';

const reportDir = resolve(process.argv[2] ?? 'reports');
const results = join(reportDir, 'allure-results');
const output = join(reportDir, 'allure-report');

if (!existsSync(results)) {
  console.error(`report:allure: ${results} does not exist; run \`npm run assure\` first.`);
  process.exit(2);
}
if (spawnSync('java', ['-version'], { stdio: 'ignore' }).status !== 0) {
  console.error('report:allure: Allure needs Java (a JRE 8 or newer on the PATH); none was found. The other reports need no Java.');
  process.exit(2);
}
const allure = join(dirname(createRequire(import.meta.url).resolve('allure-commandline/package.json')), 'dist', 'bin', 'allure');
const run = spawnSync(allure, ['generate', results, '-o', output, '--clean', '--single-file'], { stdio: 'inherit' });
if (run.status === 0) console.log(`Allure report: ${join(output, 'index.html')}`);
process.exit(run.status ?? 1);
