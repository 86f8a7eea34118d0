import { describe, expect, it } from 'vitest';
import { scenarioVerdict } from '../../src/engine/results.js';

const step = (status: 'passed' | 'failed' | 'warning' | 'error', assertions: Array<'passed' | 'failed' | 'warning' | 'error'> = [status]) => ({
  status,
  assertions: assertions.map((a) => ({ name: 'x', level: 'MUST' as const, status: a })),
});

describe('scenario verdict', () => {
  it('a proven MUST failure outranks a step that could not be tested', () => {
    expect(scenarioVerdict([step('failed'), step('error')])).toBe('failed');
    expect(scenarioVerdict([step('error', ['failed', 'error'])])).toBe('failed');
  });

  it('is error when nothing failed but a step could not be tested', () => {
    expect(scenarioVerdict([step('passed'), step('warning'), step('error')])).toBe('error');
  });

  it('is warning or passed otherwise', () => {
    expect(scenarioVerdict([step('passed'), step('warning')])).toBe('warning');
    expect(scenarioVerdict([step('passed')])).toBe('passed');
  });
});
