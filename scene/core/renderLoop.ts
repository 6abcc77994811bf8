import type { Globe } from '../globe/createGlobe';

/**
 * The render-on-demand loop (Cesium's own loop is off): animation frames run only while the
 * globe may change (input, flight, tiles, a requested render) or the Three layer has changes not
 * drawn yet. A Three change alone draws the Three layer without the globe, whose canvas keeps its
 * image; when Cesium draws in the same frame, its postRender draws the Three layer with it.
 */
export class RenderLoop {
  /** the Three layer has changes not drawn yet */
  threeDirty = false;
  private raf = 0;
  private stopped = false;

  /**
   * `holdGlobe`: while it says so, frames draw the Three layer only. Until the city's first frame
   * the globe waits: its first frames (shader compiles, imagery) took ~0.3 s of the same two
   * cores that decode and paint the city, which is what a visitor waits to see.
   */
  constructor(private readonly globe: Globe, private readonly drawThree: () => void, private readonly holdGlobe: () => boolean = () => false) {}

  requestThree() {
    this.threeDirty = true;
    this.wake();
  }

  wake = () => {
    if (this.raf || this.stopped) return;
    this.raf = requestAnimationFrame(this.frame);
  };

  private frame = () => {
    this.raf = 0;
    if (this.stopped) return;
    const globe = this.globe.active();
    if (this.holdGlobe()) {
      if (globe || this.threeDirty) this.drawThree();
      this.wake();
      return;
    }
    // Cesium renders if it decides to; its postRender then draws the Three layer too
    if (globe) this.globe.frame();
    if (this.threeDirty) this.drawThree();
    if (globe) this.wake();
  };

  stop() {
    this.stopped = true;
    cancelAnimationFrame(this.raf);
  }
}
