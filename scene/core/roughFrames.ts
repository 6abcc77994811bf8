import * as THREE from 'three';

/**
 * Half-resolution frames of the Three layer while a control that redraws it is dragged (the
 * timeline's slider), and one sharp frame when the drag rests: without a GPU a frame costs
 * about its pixel count, so each step shows sooner.
 *
 * The canvas keeps its size: a frame is drawn into a half-size target and stretched onto the
 * canvas (blitFramebuffer). Resizing the canvas instead (a lower DPR) reallocates its drawing
 * buffer, which took 0.3-0.9 s per resize in SwiftShader. The target passes for the screen in
 * three's eyes (the XR flag with the output colour space), so no shader is compiled again for it.
 */
/** a rough frame has 1/ROUGH of the canvas's width and height */
const ROUGH = 2;

export class RoughFrames {
  private rt: THREE.WebGLRenderTarget | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private active = false;

  constructor(private readonly onRest: () => void) {}

  get isActive() { return this.active; }

  /** The next frames are rough until no call came for `restMs`; then one sharp frame is asked for. */
  start(restMs: number) {
    this.active = true;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.active = false;
      this.onRest();
    }, restMs);
  }

  /** Runs `draw` (which renders to the renderer's current target) sharp, or rough and stretched. */
  render(gl: THREE.WebGLRenderer, draw: () => void) {
    if (!this.active) return draw();
    const w = gl.domElement.width, h = gl.domElement.height;
    const rw = Math.max(1, Math.round(w / ROUGH)), rh = Math.max(1, Math.round(h / ROUGH));
    let rt = this.rt;
    if (!rt || rt.width !== rw || rt.height !== rh) {
      rt?.dispose();
      rt = this.rt = new THREE.WebGLRenderTarget(rw, rh, { depthBuffer: true, stencilBuffer: false });
      rt.texture.colorSpace = gl.outputColorSpace;
      (rt as unknown as { isXRRenderTarget: boolean }).isXRRenderTarget = true;
    }
    gl.setRenderTarget(rt);
    draw();
    gl.setRenderTarget(null);
    const ctx = gl.getContext() as WebGL2RenderingContext;
    const fb = (gl.properties.get(rt) as { __webglFramebuffer: WebGLFramebuffer }).__webglFramebuffer;
    ctx.bindFramebuffer(ctx.READ_FRAMEBUFFER, fb);
    ctx.bindFramebuffer(ctx.DRAW_FRAMEBUFFER, null);
    ctx.blitFramebuffer(0, 0, rw, rh, 0, 0, w, h, ctx.COLOR_BUFFER_BIT, ctx.LINEAR);
    // the bindings changed behind three's back
    gl.resetState();
  }

  dispose() {
    clearTimeout(this.timer);
    this.rt?.dispose();
  }
}
