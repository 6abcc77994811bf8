'use client';
import { Canvas, type RootState } from '@react-three/fiber';
import { useEffect, useRef, type CSSProperties } from 'react';
import { TwinEngine, type TwinCityInfo } from './TwinEngine';

/**
 * The stage: Cesium's canvas (globe, camera controller, pointer input) with the R3F canvas laid
 * over it (transparent, pointer-events: none, frameloop "never": the engine's render loop draws
 * it with Cesium's camera, after the globe when the globe draws, alone for live changes). Load
 * with next/dynamic, ssr: false.
 */
export default function TwinView({ info, onEngine, second = false, className, style }: {
  info: TwinCityInfo; onEngine: (e: TwinEngine | null) => void;
  /** the compare view's second engine (TwinEngine's `second`) */
  second?: boolean; className?: string; style?: CSSProperties;
}) {
  const globeRef = useRef<HTMLDivElement>(null);
  const engineRef = useRef<TwinEngine | null>(null);
  const threeRef = useRef<RootState | null>(null);
  const onEngineRef = useRef(onEngine);
  onEngineRef.current = onEngine;

  useEffect(() => {
    const e = new TwinEngine(globeRef.current!, info, second);
    engineRef.current = e;
    if (threeRef.current) e.attachThree(threeRef.current);
    onEngineRef.current(e);
    void e.load();
    const ro = new ResizeObserver(() => e.requestRender());
    ro.observe(globeRef.current!);
    return () => {
      ro.disconnect();
      onEngineRef.current(null);
      engineRef.current = null;
      e.destroy();
    };
    // the engine is per city
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [info.slug]);

  return (
    <div className={`twin-stage${className ? ` ${className}` : ''}`} style={style}>
      <div ref={globeRef} className="twin-globe" />
      <Canvas
        className="twin-three"
        style={{ position: 'absolute', inset: 0, pointerEvents: 'none' }}
        frameloop="never"
        flat
        dpr={1}
        gl={{ antialias: false, alpha: true, stencil: false, powerPreference: 'high-performance' }}
        camera={{ manual: true, fov: 60, near: 1, far: 10000 }}
        onCreated={(state) => {
          threeRef.current = state;
          engineRef.current?.attachThree(state);
        }}
      />
    </div>
  );
}
