import { describe, expect, it } from 'vitest';
import { overruns, usage } from '../src/intents/plan.js';

const defaults = { requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '500m', memory: '512Mi' } };

describe('plan: what apps take from a team\'s quota (pure)', () => {
  it('counts replicas, and resources as Kubernetes defaults them', () => {
    expect(usage([
      { replicas: 2, resources: {} }, // LimitRange defaults
      { replicas: 1, resources: { limits: { cpu: '1', memory: '1Gi' } } }, // requests default to the limits
      { replicas: 3, resources: { requests: { cpu: '100m' }, limits: { memory: '256Mi' } } },
    ], defaults)).toEqual({
      pods: 6,
      'requests.cpu': 2 * 0.05 + 1 + 3 * 0.1,
      'limits.cpu': 2 * 0.5 + 1 + 3 * 0.5,
      'requests.memory': (2 * 64 + 1024 + 3 * 256) * 2 ** 20,
      'limits.memory': (2 * 512 + 1024 + 3 * 256) * 2 ** 20,
    });
  });

  it('names every quota line a change overruns, in the plan\'s units', () => {
    const hard = { pods: '4', 'limits.cpu': '2', 'limits.memory': '2Gi' };
    const before = usage([{ replicas: 2, resources: {} }], defaults);
    const after = usage([{ replicas: 5, resources: {} }], defaults);
    expect(overruns(hard, before, after)).toEqual([
      "pods would be 5 of the 4 the team's plan allows",
      "limits.cpu would be 2500m of the 2 the team's plan allows",
      "limits.memory would be 2560Mi of the 2Gi the team's plan allows",
    ]);
    expect(overruns(hard, before, usage([{ replicas: 4, resources: {} }], defaults))).toEqual([]); // exactly at the plan fits
  });

  it('lets a team over its plan (the admin lowered it) shrink, but not grow', () => {
    const hard = { pods: '2' };
    const before = usage([{ replicas: 6, resources: {} }], defaults);
    expect(overruns(hard, before, usage([{ replicas: 4, resources: {} }], defaults))).toEqual([]);
    expect(overruns(hard, before, usage([{ replicas: 7, resources: {} }], defaults))).toHaveLength(1);
  });

  it('does not let rounding refuse what fits', () => {
    const parts = [{ replicas: 1, resources: { limits: { cpu: '100m' } } }, { replicas: 1, resources: { limits: { cpu: '200m' } } }];
    expect(overruns({ 'limits.cpu': '300m' }, usage([], defaults), usage(parts, defaults))).toEqual([]);
  });
});
