import * as THREE from 'three';
import type { LayerContext, TwinLayer } from '../core/types';

/** A grown-up's height (m): the figure visitors measure the water against. */
export const PERSON_HEIGHT_M = 1.7;
const HEAD_R = 0.12;
const BODY_R = 0.2;

/**
 * "Flood my street" (the kiosk, issue 14): a person-height figure standing on the ground at a
 * local point, and a ring at its feet so it is found from afar. It is drawn with the depth test,
 * so the flood layer's water hides its legs as it rises. One figure at most; none by default.
 */
export class PersonLayer implements TwinLayer {
  readonly id = 'person';
  private ctx!: LayerContext;
  private readonly group = new THREE.Group();
  private readonly disposables: { dispose(): void }[] = [];
  private at: { x: number; y: number; z: number } | null = null;

  constructor() {
    const body = new THREE.CapsuleGeometry(BODY_R, PERSON_HEIGHT_M - 2 * HEAD_R - 2 * BODY_R - 0.06, 4, 12);
    const head = new THREE.SphereGeometry(HEAD_R, 16, 10);
    const ring = new THREE.RingGeometry(0.45, 0.6, 40);
    const skin = new THREE.MeshBasicMaterial({ color: '#ffb347' });
    const shirt = new THREE.MeshBasicMaterial({ color: '#ff7a45' });
    const halo = new THREE.MeshBasicMaterial({ color: '#ffe08a', transparent: true, opacity: 0.9, side: THREE.DoubleSide, depthWrite: false });
    this.disposables.push(body, head, ring, skin, shirt, halo);
    const b = new THREE.Mesh(body, shirt);
    // capsules stand on Three's y axis; the twin's up is z (East-North-Up)
    b.rotation.x = Math.PI / 2;
    b.position.z = (PERSON_HEIGHT_M - 2 * HEAD_R - 0.06) / 2;
    const h = new THREE.Mesh(head, skin);
    h.position.z = PERSON_HEIGHT_M - HEAD_R;
    const r = new THREE.Mesh(ring, halo);
    r.position.z = 0.05;
    this.group.add(b, h, r);
    this.group.visible = false;
    this.group.name = 'person';
  }

  attach(ctx: LayerContext) {
    this.ctx = ctx;
    ctx.root.add(this.group);
  }

  /** stands the figure on the ground at local (x, y); null takes it away */
  place(p: { x: number; y: number } | null) {
    this.at = p ? { x: p.x, y: p.y, z: this.ctx.groundZ(p.x, p.y) } : null;
    this.group.visible = !!this.at;
    if (this.at) this.group.position.set(this.at.x, this.at.y, this.at.z);
    this.ctx.requestThree();
  }

  /** where the figure stands (its feet), or null */
  position(): { x: number; y: number; z: number } | null {
    return this.at;
  }

  dispose() {
    this.group.removeFromParent();
    for (const d of this.disposables) d.dispose();
  }
}
