// Ends the run with one plain line, `N passed, N failed, N skipped`, that any CI can read,
// and, when server-mode tests were skipped for a missing PostgreSQL or Redis, one more
// line saying how many and why.
import type { Reporter, TestModule } from 'vitest/node';
import { SERVER_SKIP_MARK } from './helpers/servers.ts';

export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const counts = { passed: 0, failed: 0, skipped: 0 };
    const serverSkips = { tests: 0, reasons: new Set<string>() };
    for (const module of testModules) {
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') counts.passed++;
        else if (state === 'failed') counts.failed++;
        else counts.skipped++;
        const mark = test.fullName.indexOf(SERVER_SKIP_MARK);
        if (state === 'skipped' && mark >= 0) {
          serverSkips.tests++;
          for (const reason of test.fullName
            .slice(mark + SERVER_SKIP_MARK.length)
            .split(']')[0]!
            .split('; '))
            serverSkips.reasons.add(reason);
        }
      }
    }
    process.stdout.write(`\n${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped\n`);
    if (serverSkips.tests) {
      process.stdout.write(
        `${serverSkips.tests} server-mode tests skipped: ${[...serverSkips.reasons].join('; ')} — start PostgreSQL and Redis to run them (REQUIRE_SERVICES=1 makes this a failure)\n`,
      );
    }
  }
}
