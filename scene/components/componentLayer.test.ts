import { createFloodUniforms } from '../flood/floodUniforms';
import { Vector3, type BufferAttribute } from 'three';
import { describe, expect, it } from 'vitest';
import { COMPONENT_STATES, STATE_CODE } from '../../models/components';
import type { ComponentsLayer } from '../../models/layers';
import { ComponentLayer } from './componentLayer';

/** n components of class 0, all at the origin, in a 100 m city */
function layerOf(n: number): ComponentLayer {
  const layer: ComponentsLayer = {
    count: n, classIndex: new Uint8Array(n), x: new Float32Array(n), y: new Float32Array(n), z: new Float32Array(n),
    heading: new Float32Array(n), unitGrid: new Uint32Array(n),
  };
  return new ComponentLayer(layer, new Float32Array(n), [0, 0, 100, 100], createFloodUniforms());
}

describe('ComponentLayer.countByState', () => {
  it('matches a count of the written states after any sequence of writes', () => {
    const n = 50;
    const layer: ComponentsLayer = {
      count: n,
      classIndex: Uint8Array.from({ length: n }, (_, i) => i % 13),
      x: Float32Array.from({ length: n }, (_, i) => i), y: new Float32Array(n), z: new Float32Array(n),
      heading: new Float32Array(n), unitGrid: new Uint32Array(n),
    };
    const c = new ComponentLayer(layer, new Float32Array(n), [0, 0, 100, 100], createFloodUniforms());
    expect(c.countByState[STATE_CODE.intact]).toBe(n);
    for (let k = 0; k < 200; k++) c.writeColor((k * 7) % n, ((k * 5) % COMPONENT_STATES.length) | (k % 3 === 0 ? 0x80 : 0));
    const scan = new Int32Array(COMPONENT_STATES.length);
    for (const s of c.states) scan[s & 0x7f]!++;
    expect([...c.countByState]).toEqual([...scan]);
  });

  it('uploads only the written range of the far colours', () => {
    const n = 20;
    const c = layerOf(n);
    const attr = c.points.geometry.getAttribute('aState') as BufferAttribute;
    attr.clearUpdateRanges(); // as the first draw does with the initial upload
    c.writeColor(4, STATE_CODE.alarm);
    c.writeColor(7, STATE_CODE.offline | 0x80);
    c.flushColors();
    expect(attr.updateRanges).toEqual([{ start: 4, count: 4 }]);
    expect((attr.array as Uint8Array)[7]).toBe(STATE_CODE.offline | 0x80);
    expect(c.colorOf(4)).toBe(COMPONENT_STATES[STATE_CODE.alarm]!.color);
    expect(c.colorOf(7)).not.toBe(COMPONENT_STATES[STATE_CODE.offline]!.color); // stale: washed out
  });

  it('keeps the far colours written while the points were hidden, and uploads them when they show again', () => {
    const n = 20;
    const c = layerOf(n);
    const attr = c.points.geometry.getAttribute('aState') as BufferAttribute;
    attr.clearUpdateRanges();
    c.points.visible = false;
    c.writeColor(2, STATE_CODE.alarm);
    c.flushColors();
    c.writeColor(15, STATE_CODE.damaged);
    c.flushColors();
    expect(attr.updateRanges).toEqual([]);
    // near the city again: update() shows the points and sends both writes in one range
    c.update(new Vector3(50, 50, 20), 0.001);
    expect(c.points.visible).toBe(true);
    expect(attr.updateRanges).toEqual([{ start: 2, count: 14 }]);
    // two flushes before a draw widen the range instead of replacing it
    attr.clearUpdateRanges();
    c.writeColor(5, STATE_CODE.alarm);
    c.flushColors();
    c.writeColor(9, STATE_CODE.alarm);
    c.flushColors();
    expect(attr.updateRanges).toEqual([{ start: 5, count: 5 }]);
  });
});
