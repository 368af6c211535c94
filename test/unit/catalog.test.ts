import { describe, expect, it } from 'vitest';
import { figureValue, isFigure, toNodeShape, validateCatalog, type Catalog } from '../../src/core/catalog/catalog.js';
import catalogJson from '../../placement/gce-catalog.json' with { type: 'json' };
import onpremJson from '../../placement/onprem-example.json' with { type: 'json' };
import schemaJson from '../../placement/catalog.schema.json' with { type: 'json' };

const REQUIRED_TYPES = ['c2-standard-60', 'c2d-standard-112', 'c3-standard-176', 'h3-standard-88', 'n2-standard-64', 'n2d-standard-64', 'n1-standard-64'];

describe('the shipped GCE catalog', () => {
  const result = validateCatalog(catalogJson);
  const catalog = catalogJson as Catalog;

  it('passes validation and names one region', () => {
    expect(result).toMatchObject({ ok: true });
    expect(catalog.region).toBe('us-central1');
  });

  it.each(REQUIRED_TYPES.map((t) => [t]))('lists %s with every figure sourced and dated', (name) => {
    const shape = catalog.shapes.find((s) => s.name === name);
    expect(shape).toBeDefined();
    for (const field of ['vcpus', 'physicalCores', 'memoryGiB', 'networkGbps', 'tier1Gbps', 'compactPlacement', 'onDemandPerHour', 'spotPerHour'] as const) {
      const figure = shape?.[field];
      expect(isFigure(figure), `${name}.${field}`).toBe(true);
      if (isFigure(figure)) {
        expect(figure.source).toMatch(/^https:\/\/cloud\.google\.com\//);
        expect(figure.date).toMatch(/^\d{4}-\d{2}/);
      }
    }
  });

  it('has physical cores = vCPUs / 2 except on H3, and no compact placement on N1', () => {
    for (const entry of catalog.shapes) {
      const s = toNodeShape(entry);
      expect(s.physicalCores).toBe(s.family === 'h3' ? s.vcpus : s.vcpus / 2);
      expect(s.compactPlacement).toBe(s.family !== 'n1');
    }
  });

  it('the JSON schema lists exactly the figure fields the validator reads', () => {
    const props = Object.keys((schemaJson as { $defs: { shape: { properties: object } } }).$defs.shape.properties);
    expect(props.sort()).toEqual(['compactPlacement', 'family', 'interconnect', 'memoryGiB', 'name', 'networkGbps', 'onDemandPerHour', 'physicalCores', 'provider', 'spotPerHour', 'tier1Gbps', 'vcpus']);
  });
});

describe('catalog validation', () => {
  it('accepts the on-prem example with bare values', () => {
    expect(validateCatalog(onpremJson)).toMatchObject({ ok: true });
    expect(figureValue((onpremJson as Catalog).shapes[0]?.physicalCores)).toBe(128);
  });

  it.each([
    [{ schemaVersion: 2, shapes: [{ name: 'a', provider: 'onprem', vcpus: 2, physicalCores: 1 }] }, /schemaVersion: found 2, need 1/],
    [{ schemaVersion: 1, shapes: [] }, /shapes: must be a non-empty array/],
    [{ schemaVersion: 1, shapes: [{ name: 'a', provider: 'aws', vcpus: 2, physicalCores: 1 }] }, /shapes\[0\]\.provider/],
    [{ schemaVersion: 1, shapes: [{ name: 'a', provider: 'onprem', vcpus: 2 }] }, /shapes\[0\]\.physicalCores: is required/],
    [{ schemaVersion: 1, shapes: [{ name: 'a', provider: 'onprem', vcpus: 2, physicalCores: 1, memoryGiB: { value: -4, source: 'x', date: '2024-01' } }] }, /shapes\[0\]\.memoryGiB\.value: must be a positive number/],
    [{ schemaVersion: 1, shapes: [{ name: 'a', provider: 'onprem', vcpus: 2, physicalCores: { value: 1, source: 'x' } }] }, /shapes\[0\]\.physicalCores\.date: missing; a figure needs "source" and "date"/],
    [{ schemaVersion: 1, shapes: [{ name: 'a', provider: 'onprem', vcpus: 2, physicalCores: 4 }] }, /physicalCores: exceeds vcpus/],
    [{ schemaVersion: 1, shapes: [{ name: 'a', provider: 'onprem', vcpus: 2, physicalCores: 1 }, { name: 'a', provider: 'onprem', vcpus: 2, physicalCores: 1 }] }, /listed twice/],
  ])('rejects %j', (data, message) => {
    const result = validateCatalog(data);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.join('\n')).toMatch(message);
  });
});
