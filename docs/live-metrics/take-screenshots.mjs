// Reproduces the screenshots of docs/live-metrics.md: a real soak of the built-in lab with
// --prometheus, scraped by Debian's /usr/bin/prometheus on loopback, charted in Prometheus'
// own graph page and captured with Debian's /usr/bin/chromium (playwright-core, no download).
// Run after `npm run build`: node docs/live-metrics/take-screenshots.mjs
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = fileURLToPath(new URL('.', import.meta.url));
const main = fileURLToPath(new URL('../../dist/src/cli/main.js', import.meta.url));
const METRICS_PORT = 19464;
const PROM_PORT = 19090;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const dir = mkdtempSync(join(tmpdir(), 'soakstorm-shots-'));
writeFileSync(join(dir, 'prometheus.yml'), `global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: soakstorm\n    static_configs:\n      - targets: ['127.0.0.1:${METRICS_PORT}']\n`);
const prom = spawn('/usr/bin/prometheus', [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${PROM_PORT}`, '--log.level=warn'], { stdio: 'inherit' });
const run = spawn(process.execPath, [main, 'run', '-c', '300', '-d', '60s', '--ramp-up', '10s', '--mix', 'fast=70,slow=20,storm=10', '--storm-at', '30s', '--rate', '5',
  '--baseline', '2s', '--cooldown', '5s', '--prometheus', `127.0.0.1:${METRICS_PORT}`, '--prometheus-linger', '20s', '--no-progress', '--out', join(dir, 'results')], { stdio: ['ignore', 'ignore', 'inherit'] });
const runEnded = new Promise((r) => run.on('exit', r));

await sleep(50_000);
const metrics = await (await fetch(`http://127.0.0.1:${METRICS_PORT}/metrics`)).text();
writeFileSync(join(here, 'metrics-sample.txt'), metrics.split('\n').filter((l) => !l.includes('_bucket') || /le="0\.0(0[1-9]|1)\d*"/.test(l)).slice(0, 120).join('\n') + '\n');
await sleep(25_000);

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
const graph = (exprs) =>
  `http://127.0.0.1:${PROM_PORT}/graph?` + exprs.map((e, i) => `g${i}.expr=${encodeURIComponent(e)}&g${i}.tab=0&g${i}.range_input=2m&g${i}.stacked=0&g${i}.show_exemplars=0`).join('&');
for (const [file, exprs] of [
  ['prometheus-rtt-quantiles.png', ['histogram_quantile(0.99, sum by (le, profile) (rate(soakstorm_rtt_seconds_bucket[5s])))']],
  ['prometheus-connections.png', ['sum by (profile) (soakstorm_connections_open)', 'sum by (profile) (rate(soakstorm_connection_attempts_total[5s]))']],
]) {
  await page.goto(graph(exprs), { waitUntil: 'networkidle' });
  await sleep(1500);
  await page.screenshot({ path: join(here, file), fullPage: true });
  console.log(`wrote ${file}`);
}
await browser.close();
await runEnded;
prom.kill('SIGTERM');
