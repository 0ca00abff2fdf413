// `bot test --e2e`: the whole bot on a temporary state folder; every fixture goes through the gateway,
// and intent, entities and reply are checked, so fixtures test actions too.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createSqliteBroker } from '@inputbot/runtime/broker';
import type { Project } from '@inputbot/runtime/project';
import { type CaseOutcome, judgeCase, summariseOutcomes, type TestReport } from '@inputbot/runtime/testing';
import { runFixturesThroughGateway } from '../dev/e2e-run.ts';
import { findFreePort } from '../dev/free-port.ts';
import { startRuntime } from '../dev/start-runtime.ts';
import { CliError, EXIT } from '../errors.ts';
import type { Progress } from '../output/progress.ts';

export interface E2eOptions {
  thresholds: { accuracy?: number; entityF1?: number };
  progress: Progress;
  onCase?: (outcome: CaseOutcome) => void;
}

export async function runE2eTest(project: Project, options: E2eOptions): Promise<TestReport> {
  const stateDir = await mkdtemp(path.join(tmpdir(), 'inputbot-e2e-'));
  const log: string[] = [];
  const started = performance.now();
  try {
    const runtime = await startRuntime({
      root: project.root,
      port: await findFreePort(),
      stateDir,
      events: { onLine: (service, line) => log.push(`${service}: ${line}`) },
    }).catch((error: Error) => {
      throw new CliError('E2E_START_FAILED', `${error.message}\n${log.slice(-20).join('\n')}`, EXIT.usage);
    });
    const readyMs = performance.now() - started;
    const broker = createSqliteBroker({ path: path.join(stateDir, 'broker.db') });
    try {
      const answers = await runFixturesThroughGateway(runtime.gatewayUrl, broker, project.fixtures, {
        onDone: (done) => options.progress.update('e2e', done, project.fixtures.length),
      });
      const outcomes = answers.map(({ fixture, answer, latencyMs }) => judgeCase(fixture, answer, latencyMs));
      for (const outcome of outcomes) options.onCase?.(outcome);
      return summariseOutcomes(outcomes, {
        thresholds: options.thresholds,
        training: { ms: readyMs, fromCache: false, examples: project.examples.length, intents: project.intents.length },
      });
    } finally {
      options.progress.done();
      await broker.close();
      await runtime.stop();
    }
  } finally {
    await rm(stateDir, { recursive: true, force: true });
  }
}
