import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fitCalibration, parseStepCounts, programWithSteps } from '../../src/core/calibrate/index.js';
import { caught, runCli } from '../helpers/cli.js';

describe('calibrate: step counts, argv and the fit', () => {
  it('fills {steps} inside any word, and leaves the other words byte for byte', () => {
    expect(programWithSteps(['./app', '--steps', '{steps}', '--n={steps}x{steps}', 'a b;$(rm -rf /)'], 20)).toEqual(['./app', '--steps', '20', '--n=20x20', 'a b;$(rm -rf /)']);
  });

  it('refuses a program without the placeholder (HPCRUN_CALIBRATE_NO_PLACEHOLDER, 64)', () => {
    const error = caught(() => programWithSteps(['./app', '--steps', '10'], 10));
    expect([error.code, error.exitCode]).toEqual(['HPCRUN_CALIBRATE_NO_PLACEHOLDER', 64]);
    expect(error.hint).toMatch(/--steps \{steps\}/);
  });

  it('reads a list of two or more different step counts', () => {
    expect(parseStepCounts('10,20')).toEqual([10, 20]);
    expect(parseStepCounts(' 40 , 10,20')).toEqual([40, 10, 20]);
  });

  it.each([['10'], ['10,10'], ['10,x'], ['0,10'], ['10,-5'], ['1.5,3'], ['']])('refuses --steps %j (HPCRUN_CALIBRATE_STEPS, 64)', (text) => {
    const error = caught(() => parseStepCounts(text));
    expect([error.code, error.exitCode]).toEqual(['HPCRUN_CALIBRATE_STEPS', 64]);
  });

  it('two runs give (t2 − t1)/(s2 − s1) per step and t1 − s1·perStep start-up', () => {
    const fit = fitCalibration([{ steps: 10, seconds: 1.5 }, { steps: 20, seconds: 2.5 }]);
    expect(fit.perStepSeconds).toBeCloseTo(0.1, 12);
    expect(fit.startupSeconds).toBeCloseTo(0.5, 12);
    expect(fit.warnings).toEqual([]);
  });

  it('more runs give the least-squares line', () => {
    const fit = fitCalibration([10, 20, 40].map((steps, i) => ({ steps, seconds: 0.3 + steps * 0.02 + [0.01, -0.02, 0.01][i]! })));
    expect(fit.perStepSeconds).toBeCloseTo(0.02, 3);
    expect(fit.startupSeconds).toBeCloseTo(0.3, 1);
  });

  it('refuses a longer run that was not slower (HPCRUN_CALIBRATE_NOISE, 71), and warns of a negative start-up', () => {
    const error = caught(() => fitCalibration([{ steps: 10, seconds: 2 }, { steps: 20, seconds: 1.9 }]));
    expect([error.code, error.exitCode]).toEqual(['HPCRUN_CALIBRATE_NOISE', 71]);
    expect(fitCalibration([{ steps: 10, seconds: 0.5 }, { steps: 20, seconds: 1.5 }]).warnings[0]).toMatch(/start-up came out negative/);
  });
});

describe('calibrate refuses bad input before running anything', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hpcrun-calibrate-unit-'));
  const hosts = join(dir, 'hosts');
  writeFileSync(hosts, 'nodeA slots=2\nnodeB slots=2\n');

  it.each([
    [['--steps', '10,20', '--', './app', '--steps', '10'], 64, /HPCRUN_CALIBRATE_NO_PLACEHOLDER: no \{steps\} in the program's arguments/],
    [['--steps', '10', '--', './app', '{steps}'], 64, /HPCRUN_CALIBRATE_STEPS: --steps "10": one step count/],
    [['--steps', '10,ten', '--', './app', '{steps}'], 64, /HPCRUN_CALIBRATE_STEPS: --steps "10,ten": "ten" is not a whole number/],
    [['--steps', '10,20', '--', './app', '{steps}'], 66, /HPCRUN_PLAN_MISSING/],
  ] as const)('%j → exit %i', async (args, code, message) => {
    const before = readdirSync(dir);
    const r = await runCli(['calibrate', '--plan', join(dir, 'no-plan'), ...args], { cwd: dir });
    expect(r.code).toBe(code);
    expect(r.err).toMatch(message);
    expect(readdirSync(dir)).toEqual(before);
  });

  it('needs --plan', async () => {
    const r = await runCli(['calibrate', '--', './app', '{steps}']);
    expect(r.code).toBe(64);
    expect(r.err).toMatch(/HPCRUN_CALIBRATE_NO_PLAN: .*no --plan was given/);
  });
});
