/** Runs one scenario in one format against a target: steps in order, captures threaded through, verdicts per step. */
import type { EngineSettings } from '../config/settings.js';
import type { Format } from '../fhir/index.js';
import { DEFAULT_MIME } from '../fhir/mime.js';
import { send, type OutgoingRequest, type TransportOptions } from '../transport/index.js';
import type { Validator } from '../validation/index.js';
import { checkResponse } from './assertions.js';
import { capture, type Captured } from './captures.js';
import { checkParallelExchanges, readExchange } from './exchange-check.js';
import { targetConsentProbe, unusedPatient } from './fresh-patients.js';
import type { Patient, PatientSource } from './patients.js';
import { buildRequest } from './request-builder.js';
import { configuredSecrets, scrubSecrets } from './secrets.js';
import { spineRequest } from './spine-request.js';
import { scenarioVerdict, worst, type ScenarioResult, type StepResult } from './results.js';
import { referencedRoots, renderValue, type Variables } from './templating.js';
import { transportOptions } from './transport-options.js';
import type { Scenario, Step } from './types.js';

export interface RunContext {
  baseUrl: string;
  settings: EngineSettings;
  patients: PatientSource;
  /**
   * The target keeps data between runs (anything but the embedded server): each synthetic patient is searched
   * for before use and replaced when the target already holds Consents for it (fresh-patients.ts).
   */
  persistentTarget?: boolean;
  validator: () => Validator;
  /** Called after each step. */
  onStep?: (step: Step, result: StepResult) => void | Promise<void>;
  /** Runs each step inside the caller's own step notion (the vitest spec opens an Allure step); must call `body` once. */
  stepWrapper?: (name: string, body: () => Promise<StepResult>) => Promise<void>;
}

async function freshPatient(ctx: RunContext): Promise<Patient> {
  if (!ctx.persistentTarget || ctx.patients.usesFixedPatients) return ctx.patients.fresh();
  return unusedPatient(ctx.patients, targetConsentProbe(ctx.baseUrl, ctx.settings));
}

async function initialVariables(format: Format, ctx: RunContext): Promise<Variables> {
  // Both are searched for at once, and both searches end before the scenario goes on or stops.
  const chosen = await Promise.allSettled([freshPatient(ctx), freshPatient(ctx)]);
  const failed = chosen.find((c) => c.status === 'rejected');
  if (failed) throw failed.reason;
  const [patient, patient2] = chosen.map((c) => (c as PromiseFulfilledResult<Patient>).value);
  return {
    base: ctx.baseUrl,
    format,
    mime: DEFAULT_MIME[format],
    otherFormat: format === 'xml' ? 'json' : 'xml',
    otherMime: DEFAULT_MIME[format === 'xml' ? 'json' : 'xml'],
    patient,
    patient2,
    invalidNhsNumber: ctx.patients.invalidNumber(),
    settings: { snomedSystem: ctx.settings.snomedSystem, maxConsentsPerPatient: ctx.settings.maxConsentsPerPatient },
  };
}

type StepRun = { result: StepResult; captured: Record<string, Captured> };

/** Every secret the step sent (its tokens) or the run holds is scrubbed from the result before anyone sees it. */
async function runStep(step: Step, format: Format, vars: Variables, ctx: RunContext): Promise<StepRun> {
  const sent: string[] = [];
  const run = await runStepUnscrubbed(step, format, vars, ctx, sent);
  return { result: scrubSecrets(run.result, [...sent, ...configuredSecrets(ctx.settings)]), captured: run.captured };
}

/** Each request gets its Spine headers and audit JWT as it is sent (a fresh trace id and token per request). */
async function sendAll(outgoing: OutgoingRequest, step: Step, vars: Variables, ctx: RunContext, options: TransportOptions, sent: string[]) {
  return Promise.all(
    Array.from({ length: step.parallel ?? 1 }, async () => {
      const spine = await spineRequest(outgoing, step.request, vars, ctx.settings, ctx.baseUrl);
      sent.push(...spine.secrets);
      return send(spine.request, options);
    }),
  );
}

async function runStepUnscrubbed(step: Step, format: Format, vars: Variables, ctx: RunContext, sent: string[]): Promise<StepRun> {
  const captured: Record<string, Captured> = {};
  const result: StepResult = { name: step.name, status: 'passed', assertions: [], evidence: [] };
  let outgoing;
  let expect;
  let options;
  try {
    outgoing = buildRequest(step.request, format, ctx.baseUrl, vars);
    expect = renderValue(step.expect ?? {}, vars);
    options = transportOptions(ctx.settings);
  } catch (err) {
    result.assertions.push({ name: 'request', level: 'MUST', status: 'error', message: `Scenario step cannot be built: ${(err as Error).message}` });
    result.status = 'error';
    return { result, captured };
  }
  let exchanges;
  try {
    exchanges = await sendAll(outgoing, step, vars, ctx, options, sent);
  } catch (err) {
    result.assertions.push({ name: 'request', level: 'MUST', status: 'error', message: `The request cannot be prepared: ${(err as Error).message}` });
    result.status = 'error';
    return { result, captured };
  }
  result.evidence = exchanges.map((x) => x.evidence);
  if (step.parallel) {
    result.assertions.push(...checkParallelExchanges(expect, exchanges));
  } else {
    const read = readExchange(exchanges[0]!, expect);
    // An exchange that could not be checked is the step's only result.
    if (read.problem) {
      result.assertions.push(read.problem);
      result.status = read.problem.status;
      return { result, captured };
    }
    const res = read.res;
    result.assertions.push(...checkResponse(expect, res, ctx, step.capture));
    for (const spec of step.capture ?? []) {
      const c = capture(spec, res);
      if (c.value) captured[spec.name] = c.value;
      if (c.failure) result.assertions.push(c.failure);
    }
  }
  result.status = worst(result.assertions.map((a) => a.status));
  return { result, captured };
}

/** Capture names later steps refer to. */
function neededLater(steps: readonly Step[], from: number, names: readonly string[]): string[] {
  const used = new Set<string>();
  for (const s of steps.slice(from)) referencedRoots({ request: s.request, expect: s.expect }, used);
  return names.filter((n) => used.has(n));
}

/** A scenario's result plus what it left on the target: the patients it used and the Consent ids it created. */
export interface ScenarioRun {
  result: ScenarioResult;
  patients: string[];
  createdIds: string[];
}

export async function runScenario(scenario: Scenario, format: Format, ctx: RunContext): Promise<ScenarioResult> {
  return (await runScenarioDetailed(scenario, format, ctx)).result;
}

/** A scenario that could not start: no step ran. */
function notStarted(scenario: Scenario, format: Format, reason: string): ScenarioRun {
  const step: StepResult = {
    name: 'choose fresh patients',
    status: 'error',
    assertions: [{ name: 'patients', level: 'MUST', status: 'error', message: reason }],
    evidence: [],
    stopReason: 'stopped: the scenario has no patient to start from, so no step ran',
  };
  const result: ScenarioResult = {
    id: scenario.id, title: scenario.title, format, requirements: scenario.requirements,
    status: 'error', steps: [step], skippedSteps: scenario.steps.map((s) => s.name),
  };
  return { result, patients: [], createdIds: [] };
}

export async function runScenarioDetailed(scenario: Scenario, format: Format, ctx: RunContext): Promise<ScenarioRun> {
  let vars: Variables;
  try {
    vars = await initialVariables(format, ctx);
  } catch (err) {
    return notStarted(scenario, format, (err as Error).message);
  }
  const createdIds = new Set<string>();
  const steps: StepResult[] = [];
  const skippedSteps: string[] = [];
  for (let i = 0; i < scenario.steps.length; i++) {
    const step = scenario.steps[i]!;
    let ran: Awaited<ReturnType<typeof runStep>> | undefined;
    const body = async (): Promise<StepResult> => (ran = await runStep(step, format, vars, ctx)).result;
    if (ctx.stepWrapper) await ctx.stepWrapper(step.name, body);
    else await body();
    if (!ran) throw new Error(`the step wrapper did not run step "${step.name}"`);
    const { result, captured } = ran;
    Object.assign(vars, captured);
    for (const c of step.capture ?? []) if (c.from === 'location' && captured[c.name]?.id) createdIds.add(captured[c.name]!.id!);
    steps.push(result);
    if (result.status === 'error') {
      result.stopReason = `stopped: step "${step.name}" could not be tested, so the remaining steps did not run`;
    } else if (result.status === 'failed') {
      const needed = neededLater(scenario.steps, i + 1, (step.capture ?? []).map((c) => c.name));
      if (needed.length > 0) result.stopReason = `stopped: step "${step.name}" failed and later steps need its capture(s) ${needed.join(', ')}`;
    } else {
      // A SHOULD/MAY capture the target did not provide: a warning, and nothing later can be built without it.
      const missing = neededLater(scenario.steps, i + 1, (step.capture ?? []).map((c) => c.name).filter((name) => !(name in captured)));
      if (missing.length > 0) result.stopReason = `stopped: step "${step.name}" did not provide capture(s) ${missing.join(', ')} that later steps need`;
    }
    await ctx.onStep?.(step, result);
    if (result.stopReason) {
      skippedSteps.push(...scenario.steps.slice(i + 1).map((s) => s.name));
      break;
    }
  }
  const result: ScenarioResult = {
    id: scenario.id,
    title: scenario.title,
    format,
    requirements: scenario.requirements,
    status: scenarioVerdict(steps),
    steps,
    skippedSteps,
  };
  const patients = [vars.patient, vars.patient2].map((p) => (p as { nhsNumber: string }).nhsNumber);
  return { result, patients, createdIds: [...createdIds] };
}

