/**
 * Latency of the edge Worker per request, measured in Miniflare (workerd) against a stand-in
 * origin on 127.0.0.1, and the size of the bundle.
 *
 *   npm run bench:worker                      # 10,000 requests, one at a time
 *   npx tsx bench/worker-latency.ts --requests 2000
 *
 * Each request is an authenticated API GET from a client in Germany: input checks, a session
 * found in KV (each of 100 users misses once, then hits), a rate-limit check in the Durable
 * Object, routing to eu-west-1 and the origin round trip. Requests run one at a time after a
 * warm-up, so the figures are per request, not throughput. "end to end" is what the caller of
 * dispatchFetch sees; "in the Worker" is the `durationMs` the Worker logs.
 */
import { StandInOrigin, startEdgeWorker, tokenFor, CLIENTS } from '../stacks/edge-worker-runtime';
import { edgeWorkerBundle } from '../workers/bundle';

function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  const value = index >= 0 ? Number(process.argv[index + 1]) : fallback;
  if (!Number.isInteger(value) || value < 1) {
    process.stderr.write(`--${name}: expected a whole number ≥ 1; received ${process.argv[index + 1]}\n`);
    process.exit(2);
  }
  return value;
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function main(): Promise<void> {
  const requests = option('requests', 10_000);
  const warmup = option('warmup', 200);
  const users = 100;
  const bundle = edgeWorkerBundle();
  const origins = await Promise.all(['us-east-1', 'eu-west-1', 'ap-northeast-1'].map((r) => new StandInOrigin(r).start()));
  const edge = await startEdgeWorker({ origins });
  try {
    const send = async (i: number) => {
      const response = await edge.fetch('/api/feed', {
        cf: CLIENTS.germany,
        headers: { authorization: `Bearer ${tokenFor(`user-${i % users}`)}`, 'cf-connecting-ip': `203.0.113.${i % 200}` },
      });
      await response.arrayBuffer();
      if (response.status !== 200) throw new Error(`request ${i}: status ${response.status}`);
    };
    for (let i = 0; i < warmup; i++) await send(i);
    const logged = edge.logs.length;
    const endToEnd: number[] = [];
    const started = process.hrtime.bigint();
    for (let i = 0; i < requests; i++) {
      const t0 = process.hrtime.bigint();
      await send(warmup + i);
      endToEnd.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    await new Promise((r) => setTimeout(r, 500)); // let the last log lines arrive
    const inWorker = edge.logs
      .slice(logged)
      .filter((l) => l.event === 'request')
      .map((l) => Number(l.durationMs));
    endToEnd.sort((a, b) => a - b);
    inWorker.sort((a, b) => a - b);
    const round = (n: number) => Math.round(n * 100) / 100;
    const report = {
      bundleBytes: bundle.bytes,
      bundleSha256: bundle.sha256,
      requests,
      seconds: round(seconds),
      endToEndMs: { p50: round(percentile(endToEnd, 50)), p99: round(percentile(endToEnd, 99)), max: round(endToEnd[endToEnd.length - 1]) },
      inWorkerMs: { samples: inWorker.length, p50: percentile(inWorker, 50), p99: percentile(inWorker, 99) },
      originRequests: origins.reduce((n, o) => n + o.requests.length, 0),
    };
    process.stdout.write(
      `edge Worker bundle: ${report.bundleBytes} bytes\n` +
        `${requests} requests in ${report.seconds} s, one at a time\n` +
        `end to end (dispatchFetch → workerd → origin): p50 ${report.endToEndMs.p50} ms, p99 ${report.endToEndMs.p99} ms\n` +
        `in the Worker (logged durationMs, ms resolution): p50 ${report.inWorkerMs.p50} ms, p99 ${report.inWorkerMs.p99} ms\n` +
        `${JSON.stringify(report)}\n`,
    );
  } finally {
    await edge.dispose();
    await Promise.all(origins.map((o) => o.stop()));
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
