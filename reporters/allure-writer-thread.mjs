/**
 * The thread AllureOffThread (allure-off-thread.ts) writes Allure results in: an allure-vitest reporter of its own,
 * fed the tests the main thread hands over. Plain JavaScript: a worker thread runs it as it is, under tsx or not.
 *
 * Messages in: { task } (one test, as allure-off-thread.ts copies it), { end: true } (write the run's global
 * messages, then say so). Out: 'ready' once the reporter is made, 'ended' after the end.
 */
import { parentPort, workerData } from 'node:worker_threads';
import AllureVitestReporter from 'allure-vitest/reporter';

const reporter = new AllureVitestReporter(workerData.config);
// Its runtime and writer are made here; the vitest projects were set up by the main thread's reporter.
reporter.onInit({ projects: [] });

parentPort.on('message', (message) => {
  if (message.task) {
    reporter.handleTask(message.task);
  } else if (message.end) {
    // No module to walk (every test came as a task): only the global messages its tests carried are written.
    reporter.onTestRunEnd([]);
    parentPort.postMessage('ended');
  }
});
parentPort.postMessage('ready');
