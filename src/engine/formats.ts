/** Which formats a scenario runs in (its own module: selecting runs must not load the runner and its HTTP client). */
import type { EngineSettings } from '../config/settings.js';
import type { Format } from '../fhir/index.js';
import type { Scenario } from './types.js';

/** The formats a scenario runs in: its own list narrowed by the run's settings. */
export function formatsFor(scenario: Scenario, settings: EngineSettings): Format[] {
  return (scenario.formats ?? ['xml', 'json']).filter((f) => settings.formats.includes(f));
}
