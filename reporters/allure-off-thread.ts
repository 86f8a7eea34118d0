/**
 * allure-vitest's reporter with its results written in a thread of their own. Its writer (allure-js-commons'
 * FileSystemWriter) opens, fsyncs and renames every file, and no option turns that off: some 330 files a run,
 * ~0.5 s of the main thread, which vitest also needs to take the scenarios' results as they come in. Written
 * at the end, they held up the end of the run; written as tests finished, in this thread, they held up the run.
 *
 * The main thread keeps what allure-vitest does there (onInit sets up the projects: its setup file and its
 * concurrency-aware runner) and hands each test that finishes to allure-writer-thread.mjs, where another
 * allure-vitest reporter writes it with the same public handleTask. At the end the reporter's own onTestRunEnd
 * walks the modules as before: tests not handed over yet go to the thread, suites' hook failures and the run's
 * global messages are written here; then the end waits until the thread has written everything.
 */
import { Worker } from 'node:worker_threads';
import AllureVitestReporter, { type AllureVitestReporterConfig } from 'allure-vitest/reporter';
import { experimental_getRunnerTask, type RunnerTask, type TestCase, type TestModule } from 'vitest/node';

type Config = Omit<AllureVitestReporterConfig, 'listeners'>;

/** How long the end of a run waits for the writer thread: it writes a run's results in well under a second. */
const WRITER_TIMEOUT_MS = 60_000;

/** `promise`, or a clear failure once the writer thread has kept the run waiting too long for `what`. */
async function withinTimeout<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`the Allure writer thread did not ${what} within ${WRITER_TIMEOUT_MS / 1000} s; allure-results may be incomplete`)), WRITER_TIMEOUT_MS);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

type Task = RunnerTask & { file?: { filepath: string }; suite?: { name: string; suite?: unknown } };

interface SuiteChain {
  name: string;
  suite?: SuiteChain;
}

/** The names of the suites a task is in, innermost first: all the reporter reads of them. */
function suiteChain(suite: { name: string; suite?: unknown } | undefined): SuiteChain | undefined {
  return suite ? { name: suite.name, suite: suiteChain(suite.suite as SuiteChain | undefined) } : undefined;
}

/**
 * One test as the thread needs it. The task itself links to its file and every other task of it: copied whole for
 * each test, the run would be copied over and over. Our own meta (ndop, the scenario's evidence) is not Allure's.
 */
function portable(task: Task): object {
  const { ndop: _evidence, ...meta } = task.meta as Record<string, unknown>;
  return {
    id: task.id,
    type: task.type,
    mode: task.mode,
    name: task.name,
    meta,
    result: task.result,
    file: { filepath: task.file?.filepath },
    suite: suiteChain(task.suite),
  };
}

export class AllureOffThread extends AllureVitestReporter {
  private readonly thread: Worker;
  /** Settles when the thread has its reporter, or failed to start. */
  private readonly started: Promise<void>;
  private failure: Error | undefined;
  private exited = false;
  /** Tests of this run written or given to the thread: ids are the same in every run (vitest --watch runs again). */
  private readonly written = new Set<string>();

  /** `listeners` (functions) cannot reach the thread, so this reporter takes none. */
  constructor(config: Config) {
    super(config);
    this.thread = new Worker(new URL('./allure-writer-thread.mjs', import.meta.url), { workerData: { config } });
    this.thread.on('error', (e: Error) => (this.failure ??= e));
    this.thread.on('exit', () => (this.exited = true));
    this.started = new Promise((resolve) => {
      this.thread.once('message', () => resolve());
      this.thread.once('error', () => resolve());
      this.thread.once('exit', () => resolve());
    });
  }

  onTestRunStart(): void {
    this.written.clear();
  }

  onTestCaseResult(testCase: TestCase): void {
    this.handleTask(experimental_getRunnerTask(testCase));
  }

  override handleTask(task: RunnerTask): void {
    if (task.type !== 'test') {
      super.handleTask(task);
      return;
    }
    if (this.written.has(task.id)) return;
    this.written.add(task.id);
    // A test that never ran in a vitest worker (its suite's hook failed first) has no worker in its meta, and its
    // thread label names the thread writing it: it is written here, where that is the main thread, as before.
    if ((task.meta as { vitestWorker?: unknown }).vitestWorker) this.thread.postMessage({ task: portable(task as Task) });
    else super.handleTask(task);
  }

  override async onTestRunEnd(modules: ReadonlyArray<TestModule>): Promise<void> {
    super.onTestRunEnd(modules);
    try {
      await withinTimeout(this.started, 'start');
      if (this.exited) throw this.failure ?? new Error('the Allure writer thread stopped before the end of the run');
      const ended = new Promise<void>((resolve, reject) => {
        this.thread.once('message', (message) => (message === 'ended' ? resolve() : reject(new Error(`Allure writer thread: unexpected ${String(message)}`))));
        this.thread.once('error', reject);
        this.thread.once('exit', (code) => reject(this.failure ?? new Error(`the Allure writer thread stopped (exit code ${code}) before writing every result`)));
      });
      this.thread.postMessage({ end: true });
      await withinTimeout(ended, 'finish');
    } finally {
      await this.thread.terminate();
    }
  }
}
