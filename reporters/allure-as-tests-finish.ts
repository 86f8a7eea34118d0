/**
 * allure-vitest's reporter, writing each test's Allure result as vitest reports the test finished instead of
 * every result when the run ends. Its writer (allure-js-commons' FileSystemWriter) fsyncs each file it writes
 * and no option turns that off, so the end of a run waited on the disk for some 300 files (0.15-0.7 s here);
 * during the run the main thread mostly waits for the worker.
 *
 * Only the reporter's public methods are used: handleTask writes one test's result (or a suite's, test by test).
 * The reporter's own onTestRunEnd still walks every module and calls handleTask on each task, so it writes what
 * was not written yet (tests vitest never reported finished) and the run's global errors, as before. What a test
 * carries (result, meta with its Allure messages) reaches this process with the update that reports it finished
 * and no later, so the result written then is the one the end of the run would have written.
 */
import AllureVitestReporter from 'allure-vitest/reporter';
import { experimental_getRunnerTask, type RunnerTask, type TestCase } from 'vitest/node';

export class AllureAsTestsFinish extends AllureVitestReporter {
  /** Tests of this run written already: test ids are the same in every run (vitest --watch runs again). */
  private readonly written = new Set<string>();

  onTestRunStart(): void {
    this.written.clear();
  }

  onTestCaseResult(testCase: TestCase): void {
    this.handleTask(experimental_getRunnerTask(testCase));
  }

  override handleTask(task: RunnerTask): void {
    if (task.type === 'test') {
      if (this.written.has(task.id)) return;
      this.written.add(task.id);
    }
    super.handleTask(task);
  }
}
