/** The scenario engine: load and lint suites, run scenarios against a target, report verdicts and evidence. */
export { loadSuites, loadScenarioFile, scenarioFilesIn, SCENARIO_SCHEMA } from './loader.js';
export { lintSuites, formatLintProblem, readTags, LINT_RULES, type LintProblem } from './lint.js';
export { loadRequirements, REQUIREMENTS_FILE, type Requirement } from './requirements.js';
export { uncoveredRequirements } from './coverage-check.js';
export { selectRuns, type SelectedRun } from './selection.js';
export { runScenario, runScenarioDetailed, type RunContext, type ScenarioRun } from './runner.js';
export { formatsFor } from './formats.js';
export { PatientSource, patientFor, PDS_PATIENT_BASE, type Patient } from './patients.js';
export { applyPatches, PatchError } from './patches.js';
export { openTarget, type Target } from './target.js';
export { DataFileError } from './yaml-data.js';
export type { AssertionResult, ScenarioResult, StepResult, Verdict } from './results.js';
export type { Scenario, ScenarioFile, Step, Level } from './types.js';
