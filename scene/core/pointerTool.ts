import type { LayerContext, MapHit } from './types';

/** What a map tool (editing, measuring) does with the pointer; every method optional. */
export interface PointerClient {
  /** whether the tool takes the pointer now (off: the camera and the inspector have it) */
  active(): boolean;
  /** a handle under canvas pixel (px, py) that a drag would move, or null */
  handleAt?(px: number, py: number): unknown;
  dragMove?(handle: unknown, hit: MapHit): void;
  dragEnd?(handle: unknown, hit: MapHit | null): void;
  /** a click (press and release within a few pixels) on the map */
  click?(hit: MapHit): void;
  /** the pointer moved over the map with no button down (rubber bands) */
  hover?(hit: MapHit | null): void;
  /** a double click: finishes a line or polygon */
  finish?(): void;
}

const CLICK_PX = 5;

/**
 * A map tool's pointer: listens on the globe's container in the capture phase, so a press on a
 * handle is taken before Cesium's camera controller sees it (the camera stays put while a
 * handle is dragged); any other press goes on to the camera, and a press released where it
 * began is the tool's click. Points come from ctx.hitAt (buildings, then the terrain).
 */
export class PointerTool {
  private el: HTMLElement | null = null;
  private dragging: unknown = null;
  private down: { x: number; y: number } | null = null;
  private lastHover = 0;

  constructor(private readonly ctx: LayerContext, private readonly client: PointerClient) {}

  attach() {
    this.el = this.ctx.pointerTarget();
    this.el.addEventListener('pointerdown', this.onDown, { capture: true });
    window.addEventListener('pointermove', this.onMove, { capture: true });
    window.addEventListener('pointerup', this.onUp, { capture: true });
    this.el.addEventListener('dblclick', this.onDbl, { capture: true });
  }

  dispose() {
    this.el?.removeEventListener('pointerdown', this.onDown, { capture: true });
    window.removeEventListener('pointermove', this.onMove, { capture: true });
    window.removeEventListener('pointerup', this.onUp, { capture: true });
    this.el?.removeEventListener('dblclick', this.onDbl, { capture: true });
    if (this.dragging !== null) this.ctx.cameraInputs(true);
  }

  private px(e: MouseEvent): { x: number; y: number } {
    const r = this.el!.getBoundingClientRect();
    return { x: e.clientX - r.left, y: e.clientY - r.top };
  }

  private onDown = (e: PointerEvent) => {
    if (e.button !== 0 || !this.client.active()) return;
    const p = this.px(e);
    const h = this.client.handleAt?.(p.x, p.y);
    if (h !== null && h !== undefined) {
      this.dragging = h;
      this.ctx.cameraInputs(false);
      e.stopPropagation();
      e.preventDefault();
      return;
    }
    this.down = p;
  };

  private onMove = (e: PointerEvent) => {
    if (!this.el || !this.client.active()) return;
    const p = this.px(e);
    if (this.dragging !== null) {
      const hit = this.ctx.hitAt(p.x, p.y);
      if (hit) this.client.dragMove?.(this.dragging, hit);
      e.stopPropagation();
      return;
    }
    // rubber band: at most ~30 ray casts a second
    if (e.buttons === 0 && this.client.hover && e.timeStamp - this.lastHover > 33) {
      this.lastHover = e.timeStamp;
      const r = this.el.getBoundingClientRect();
      const inside = e.clientX >= r.left && e.clientX <= r.right && e.clientY >= r.top && e.clientY <= r.bottom;
      this.client.hover(inside ? this.ctx.hitAt(p.x, p.y) : null);
    }
  };

  private onUp = (e: PointerEvent) => {
    if (!this.el) return;
    const p = this.px(e);
    if (this.dragging !== null) {
      const h = this.dragging;
      this.dragging = null;
      this.ctx.cameraInputs(true);
      this.client.dragEnd?.(h, this.ctx.hitAt(p.x, p.y));
      e.stopPropagation();
      return;
    }
    const d = this.down;
    this.down = null;
    if (!d || !this.client.active() || Math.hypot(p.x - d.x, p.y - d.y) > CLICK_PX) return;
    const hit = this.ctx.hitAt(p.x, p.y);
    if (hit) this.client.click?.(hit);
  };

  private onDbl = (e: MouseEvent) => {
    if (!this.client.active() || !this.client.finish) return;
    e.stopPropagation();
    this.client.finish();
  };
}
