;; The local inertial flood kernel (kernel.ts) as WebAssembly SIMD: four cells (or faces) per
;; f32x4 vector, in float32 arithmetic, working in place on the shared memory the runner's
;; threads step the grid in. Compiled at run time from this text by wasm.ts (wabt).
;;
;; Same equations and the same two phases as kernel.ts; the differences are only rounding
;; (float32 throughout where kernel.ts computes in float64 and rounds on store) and h^(7/3),
;; which is taken as hf^(-1/3) from a bit-level first guess and three Newton steps (relative
;; error ~2e-7, float32 round-off) instead of Math.cbrt.
;;
;; Every row is swept in chunks of four columns starting at column 0; the last chunk is moved
;; back to end at the row's last column and overlaps the one before it. Phase 1 (faces and
;; outflow factors) only writes values that depend on the old state, so recomputing a lane
;; writes the same bits. Phase 2 updates depths in place, so in the moved-back chunk the lanes
;; done already are masked out. A cell's arithmetic therefore never depends on how rows are
;; split between threads: results are bit-identical whatever the number of threads.
;;
;; The faces on the domain's edges (open boundaries) and the per-row outflow sums are done in
;; JavaScript (kernel.ts edgeFaces / edgeDepths) around these calls: O(rows + cols) a step.
;; Needs cols >= 5.
(module
  (import "env" "memory" (memory 1 65536 shared))

  (global $C (mut i32) (i32.const 0))
  (global $R (mut i32) (i32.const 0))
  (global $z (mut i32) (i32.const 0))
  (global $h (mut i32) (i32.const 0))
  (global $gn2 (mut i32) (i32.const 0))
  (global $qx0 (mut i32) (i32.const 0))
  (global $qx1 (mut i32) (i32.const 0))
  (global $qy0 (mut i32) (i32.const 0))
  (global $qy1 (mut i32) (i32.const 0))
  (global $f (mut i32) (i32.const 0))
  (global $hmax (mut i32) (i32.const 0))
  (global $tmax (mut i32) (i32.const 0))
  (global $t15 (mut i32) (i32.const 0))
  (global $t20 (mut i32) (i32.const 0))
  (global $t27 (mut i32) (i32.const 0))
  (global $rowSink (mut i32) (i32.const 0))

  ;; byte offsets of the grid's arrays (typed array byteOffset) and its size
  (func (export "init")
    (param $C i32) (param $R i32) (param $z i32) (param $h i32) (param $gn2 i32)
    (param $qx0 i32) (param $qx1 i32) (param $qy0 i32) (param $qy1 i32) (param $f i32)
    (param $hmax i32) (param $tmax i32) (param $t15 i32) (param $t20 i32) (param $t27 i32) (param $rowSink i32)
    (global.set $C (local.get $C)) (global.set $R (local.get $R))
    (global.set $z (local.get $z)) (global.set $h (local.get $h)) (global.set $gn2 (local.get $gn2))
    (global.set $qx0 (local.get $qx0)) (global.set $qx1 (local.get $qx1))
    (global.set $qy0 (local.get $qy0)) (global.set $qy1 (local.get $qy1))
    (global.set $f (local.get $f)) (global.set $hmax (local.get $hmax)) (global.set $tmax (local.get $tmax))
    (global.set $t15 (local.get $t15)) (global.set $t20 (local.get $t20)) (global.set $t27 (local.get $t27))
    (global.set $rowSink (local.get $rowSink)))

  ;; n >= 4 faces between cells A (west / north) and B = A + dAB bytes; old discharge at qo,
  ;; its neighbours along the flow at qo -/+ dq bytes; raw new discharge to out.
  ;;   hf = max(eta_A, eta_B) - max(z_A, z_B)    (NaN bed: NaN, the face stays shut)
;;   slope (eta_B - eta_A)/dx taken as ((h_B - h_A) + (z_B - z_A))/dx
  ;;   q' = [theta q + (1-theta)/2 (q- + q+) - g dt hf (eta_B - eta_A)/dx] / [1 + g n^2 dt |q| hf^(-7/3)]
  (func $faces
    (param $n i32) (param $zA i32) (param $hA i32) (param $gA i32) (param $dAB i32)
    (param $qo i32) (param $dq i32) (param $out i32)
    (param $dt f32) (param $invdx f32) (param $theta f32) (param $hMin f32)
    (local $k i32) (local $kmax i32) (local $o i32) (local $a i32)
    (local $vdt v128) (local $vgdt v128) (local $vinv v128) (local $vth v128) (local $vw v128) (local $vhmin v128)
    (local $zi v128) (local $d v128) (local $hi v128) (local $hj v128) (local $hf v128)
    (local $q v128) (local $num v128) (local $x3 v128) (local $y v128) (local $y2 v128) (local $fr v128)
    (local.set $vdt (f32x4.splat (local.get $dt)))
    (local.set $vgdt (f32x4.splat (f32.mul (f32.const 9.81) (local.get $dt))))
    (local.set $vinv (f32x4.splat (local.get $invdx)))
    (local.set $vth (f32x4.splat (local.get $theta)))
    (local.set $vw (f32x4.splat (f32.mul (f32.sub (f32.const 1) (local.get $theta)) (f32.const 0.5))))
    (local.set $vhmin (f32x4.splat (local.get $hMin)))
    (local.set $kmax (i32.sub (local.get $n) (i32.const 4)))
    (loop $chunk
      (if (i32.gt_s (local.get $k) (local.get $kmax)) (then (local.set $k (local.get $kmax))))
      (local.set $o (i32.shl (local.get $k) (i32.const 2)))
      (local.set $a (i32.add (local.get $zA) (local.get $o)))
      (local.set $zi (v128.load align=4 (local.get $a)))
      (local.set $d (f32x4.sub (v128.load align=4 (i32.add (local.get $a) (local.get $dAB))) (local.get $zi)))
      (local.set $a (i32.add (local.get $hA) (local.get $o)))
      (local.set $hi (v128.load align=4 (local.get $a)))
      (local.set $hj (v128.load align=4 (i32.add (local.get $a) (local.get $dAB))))
      ;; hf = max(h_A + z_A, h_B + z_B) - max(z_A, z_B) written with d = z_B - z_A, so that a
      ;; shallow depth on high ground keeps its float32 precision (h + z would round it to
      ;; the ulp of z): hf = max(h_A - max(d, 0), h_B - max(-d, 0)); a NaN d makes the first
      ;; operand NaN, which pmax (a < b ? b : a) passes on
      (local.set $hf (f32x4.pmax
        (f32x4.sub (local.get $hi) (f32x4.pmax (local.get $d) (v128.const f32x4 0 0 0 0)))
        (f32x4.sub (local.get $hj) (f32x4.pmax (f32x4.neg (local.get $d)) (v128.const f32x4 0 0 0 0)))))
      (local.set $a (i32.add (local.get $qo) (local.get $o)))
      (local.set $q (v128.load align=4 (local.get $a)))
      ;; theta q + w (q- + q+) - g dt hf slope
      (local.set $num
        (f32x4.sub
          (f32x4.add
            (f32x4.mul (local.get $vth) (local.get $q))
            (f32x4.mul (local.get $vw)
              (f32x4.add (v128.load align=4 (i32.sub (local.get $a) (local.get $dq)))
                         (v128.load align=4 (i32.add (local.get $a) (local.get $dq))))))
          (f32x4.mul (f32x4.mul (local.get $vgdt) (local.get $hf))
                     (f32x4.mul (f32x4.add (f32x4.sub (local.get $hj) (local.get $hi)) (local.get $d)) (local.get $vinv)))))
      ;; y = hf^(-1/3): first guess from the float's bits, magic - bits/3 (bits/3 rounded
      ;; via float32: bits/384 + 1.5 2^23 has round(bits/384) in its low bits, shifted back
      ;; by 7; 0xf4a21d2a = 0x54a21d2a + (0x4b400000 << 7) mod 2^32), then Newton steps
      ;; y <- y (4/3 - hf/3 y^3)
      (local.set $y
        (i32x4.sub (v128.const i32x4 0xf4a21d2a 0xf4a21d2a 0xf4a21d2a 0xf4a21d2a)
          (i32x4.shl
            (f32x4.add
              (f32x4.mul (f32x4.convert_i32x4_s (local.get $hf)) (v128.const f32x4 0x1.555556p-9 0x1.555556p-9 0x1.555556p-9 0x1.555556p-9))
              (v128.const f32x4 12582912 12582912 12582912 12582912))
            (i32.const 7))))
      (local.set $x3 (f32x4.mul (local.get $hf) (v128.const f32x4 0.33333334 0.33333334 0.33333334 0.33333334)))
      (local.set $y (f32x4.mul (local.get $y) (f32x4.sub (v128.const f32x4 1.3333334 1.3333334 1.3333334 1.3333334)
        (f32x4.mul (f32x4.mul (f32x4.mul (local.get $x3) (local.get $y)) (local.get $y)) (local.get $y)))))
      (local.set $y (f32x4.mul (local.get $y) (f32x4.sub (v128.const f32x4 1.3333334 1.3333334 1.3333334 1.3333334)
        (f32x4.mul (f32x4.mul (f32x4.mul (local.get $x3) (local.get $y)) (local.get $y)) (local.get $y)))))
      (local.set $y (f32x4.mul (local.get $y) (f32x4.sub (v128.const f32x4 1.3333334 1.3333334 1.3333334 1.3333334)
        (f32x4.mul (f32x4.mul (f32x4.mul (local.get $x3) (local.get $y)) (local.get $y)) (local.get $y)))))
      ;; friction g n^2 dt |q| hf^(-7/3), g n^2 the mean of the two cells'
      (local.set $y2 (f32x4.mul (local.get $y) (local.get $y)))
      (local.set $a (i32.add (local.get $gA) (local.get $o)))
      (local.set $fr
        (f32x4.mul
          (f32x4.mul
            (f32x4.mul (local.get $vdt)
              (f32x4.mul (f32x4.add (v128.load align=4 (local.get $a)) (v128.load align=4 (i32.add (local.get $a) (local.get $dAB))))
                         (v128.const f32x4 0.5 0.5 0.5 0.5)))
            (f32x4.abs (local.get $q)))
          (f32x4.mul (f32x4.mul (f32x4.mul (local.get $y2) (local.get $y2)) (local.get $y2)) (local.get $y))))
      ;; shut (0) where hf <= hMin or NaN
      (v128.store align=4 (i32.add (local.get $out) (local.get $o))
        (v128.and
          (f32x4.div (local.get $num) (f32x4.add (v128.const f32x4 1 1 1 1) (local.get $fr)))
          (f32x4.gt (local.get $hf) (local.get $vhmin))))
      (local.set $k (i32.add (local.get $k) (i32.const 4)))
      (br_if $chunk (i32.lt_s (local.get $k) (local.get $n)))))

  ;; outflow factors of row r: f = h / outflow where the four raw faces would take out more
  ;; than the cell holds over the step, else 1. above: the row's north faces (qy1 or scratch).
  (func $factors (param $r i32) (param $above i32) (param $kdx f32)
    (local $k i32) (local $kmax i32) (local $o i32) (local $n i32)
    (local $qx i32) (local $below i32) (local $hp i32) (local $fp i32)
    (local $vk v128) (local $out v128) (local $hi v128) (local $qw v128)
    (local.set $n (global.get $C))
    (local.set $qx (i32.add (global.get $qx1) (i32.shl (i32.mul (local.get $r) (i32.add (local.get $n) (i32.const 1))) (i32.const 2))))
    (local.set $below (i32.add (global.get $qy1) (i32.shl (i32.mul (i32.add (local.get $r) (i32.const 1)) (local.get $n)) (i32.const 2))))
    (local.set $hp (i32.add (global.get $h) (i32.shl (i32.mul (local.get $r) (local.get $n)) (i32.const 2))))
    (local.set $fp (i32.add (global.get $f) (i32.shl (i32.mul (local.get $r) (local.get $n)) (i32.const 2))))
    (local.set $vk (f32x4.splat (local.get $kdx)))
    (local.set $kmax (i32.sub (local.get $n) (i32.const 4)))
    (loop $chunk
      (if (i32.gt_s (local.get $k) (local.get $kmax)) (then (local.set $k (local.get $kmax))))
      (local.set $o (i32.shl (local.get $k) (i32.const 2)))
      (local.set $out
        (f32x4.mul (local.get $vk)
          (f32x4.add
            (f32x4.add
              (f32x4.add
                (f32x4.pmax (v128.const f32x4 0 0 0 0) (f32x4.neg (v128.load align=4 (i32.add (local.get $qx) (local.get $o)))))
                (f32x4.pmax (v128.const f32x4 0 0 0 0) (v128.load offset=4 align=4 (i32.add (local.get $qx) (local.get $o)))))
              (f32x4.pmax (v128.const f32x4 0 0 0 0) (f32x4.neg (v128.load align=4 (i32.add (local.get $above) (local.get $o))))))
            (f32x4.pmax (v128.const f32x4 0 0 0 0) (v128.load align=4 (i32.add (local.get $below) (local.get $o)))))))
      (local.set $hi (v128.load align=4 (i32.add (local.get $hp) (local.get $o))))
      (v128.store align=4 (i32.add (local.get $fp) (local.get $o))
        (v128.bitselect
          (f32x4.div (local.get $hi) (local.get $out))
          (v128.const f32x4 1 1 1 1)
          (f32x4.gt (local.get $out) (local.get $hi))))
      (local.set $k (i32.add (local.get $k) (i32.const 4)))
      (br_if $chunk (i32.lt_s (local.get $k) (local.get $n)))))

  ;; interior y faces of face row fr (between rows fr-1 and fr) into out
  (func $yrow (param $fr i32) (param $out i32) (param $dt f32) (param $invdx f32) (param $theta f32) (param $hMin f32)
    (local $a i32) (local $cb i32)
    (local.set $cb (i32.shl (global.get $C) (i32.const 2)))
    (local.set $a (i32.mul (i32.mul (i32.sub (local.get $fr) (i32.const 1)) (global.get $C)) (i32.const 4)))
    (call $faces (global.get $C)
      (i32.add (global.get $z) (local.get $a)) (i32.add (global.get $h) (local.get $a)) (i32.add (global.get $gn2) (local.get $a))
      (local.get $cb)
      (i32.add (global.get $qy0) (i32.add (local.get $a) (local.get $cb))) (local.get $cb)
      (local.get $out) (local.get $dt) (local.get $invdx) (local.get $theta) (local.get $hMin)))

  ;; Phase 1 for rows [r0, r1): interior x faces, the y faces below each row (up to the
  ;; south edge row, which with the x edge faces and the north edge row is already done by
  ;; edgeFaces), outflow factors. A band not starting at row 0 recomputes the y faces above
  ;; it into its own scratch row (the band above writes them).
  (func (export "fluxes")
    (param $r0 i32) (param $r1 i32) (param $dt f32) (param $dx f32) (param $theta f32) (param $hMin f32) (param $scratch i32)
    (local $r i32) (local $above i32) (local $invdx f32) (local $C i32) (local $a i32) (local $fb i32)
    (local.set $C (global.get $C))
    (local.set $invdx (f32.div (f32.const 1) (local.get $dx)))
    (if (i32.eqz (local.get $r0))
      (then (local.set $above (global.get $qy1)))
      (else
        (call $yrow (local.get $r0) (local.get $scratch) (local.get $dt) (local.get $invdx) (local.get $theta) (local.get $hMin))
        (local.set $above (local.get $scratch))))
    (local.set $r (local.get $r0))
    (block $done
      (loop $row
        (br_if $done (i32.ge_s (local.get $r) (local.get $r1)))
        ;; x faces c = 1 .. C-1 of the row: cells A = c-1, B = c
        (local.set $a (i32.shl (i32.mul (local.get $r) (local.get $C)) (i32.const 2)))
        (local.set $fb (i32.shl (i32.add (i32.mul (local.get $r) (i32.add (local.get $C) (i32.const 1))) (i32.const 1)) (i32.const 2)))
        (call $faces (i32.sub (local.get $C) (i32.const 1))
          (i32.add (global.get $z) (local.get $a)) (i32.add (global.get $h) (local.get $a)) (i32.add (global.get $gn2) (local.get $a))
          (i32.const 4)
          (i32.add (global.get $qx0) (local.get $fb)) (i32.const 4)
          (i32.add (global.get $qx1) (local.get $fb))
          (local.get $dt) (local.get $invdx) (local.get $theta) (local.get $hMin))
        (if (i32.lt_s (i32.add (local.get $r) (i32.const 1)) (global.get $R))
          (then
            (call $yrow (i32.add (local.get $r) (i32.const 1))
              (i32.add (global.get $qy1) (i32.shl (i32.mul (i32.add (local.get $r) (i32.const 1)) (local.get $C)) (i32.const 2)))
              (local.get $dt) (local.get $invdx) (local.get $theta) (local.get $hMin))))
        (call $factors (local.get $r) (local.get $above) (f32.mul (local.get $dt) (local.get $invdx)))
        (local.set $above (i32.add (global.get $qy1) (i32.shl (i32.mul (i32.add (local.get $r) (i32.const 1)) (local.get $C)) (i32.const 2))))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $row))))

  ;; Phase 2 for rows [r0, r1): donor-scaled fluxes (written to qx0 / qy0 as the next step's
  ;; state), continuity with rain and sinks, maxima and threshold times. Stores each row's
  ;; sunk volume (m3, float64) to rowSink; returns the largest depth.
  (func (export "depths")
    (param $r0 i32) (param $r1 i32) (param $dt f32) (param $dx f32) (param $t f32) (param $rain f32) (param $sink f32) (param $vol f64)
    (result f32)
    (local $r i32) (local $C i32) (local $k i32) (local $k0 i32) (local $kmax i32) (local $o i32) (local $last i32)
    (local $i4 i32) (local $fb4 i32) (local $cb i32) (local $p i32)
    (local $vk v128) (local $vt v128) (local $vrain v128) (local $vsink v128) (local $hm v128)
    (local $fi v128) (local $qw v128) (local $qe v128) (local $qn v128) (local $qs v128)
    (local $dom v128) (local $hold v128) (local $hn v128) (local $s v128) (local $hmx v128) (local $up v128)
    (local $acc v128)
    (local.set $C (global.get $C))
    (local.set $cb (i32.shl (local.get $C) (i32.const 2)))
    (local.set $vk (f32x4.splat (f32.div (local.get $dt) (local.get $dx))))
    (local.set $vt (f32x4.splat (local.get $t)))
    (local.set $vrain (f32x4.splat (local.get $rain)))
    (local.set $vsink (f32x4.splat (local.get $sink)))
    (local.set $kmax (i32.sub (local.get $C) (i32.const 4)))
    (local.set $r (local.get $r0))
    (block $done
      (loop $row
        (br_if $done (i32.ge_s (local.get $r) (local.get $r1)))
        (local.set $last (i32.eq (local.get $r) (i32.sub (global.get $R) (i32.const 1))))
        (local.set $i4 (i32.shl (i32.mul (local.get $r) (local.get $C)) (i32.const 2)))
        (local.set $fb4 (i32.shl (i32.mul (local.get $r) (i32.add (local.get $C) (i32.const 1))) (i32.const 2)))
        (local.set $acc (v128.const f64x2 0 0))
        (local.set $k (i32.const 0))
        (loop $chunk
          (local.set $k0 (local.get $k))
          (if (i32.gt_s (local.get $k) (local.get $kmax)) (then (local.set $k (local.get $kmax))))
          (local.set $o (i32.add (local.get $i4) (i32.shl (local.get $k) (i32.const 2))))
          ;; factors: the cell's and its four neighbours'
          (local.set $p (i32.add (global.get $f) (local.get $o)))
          (local.set $fi (v128.load align=4 (local.get $p)))
          ;; west face: donor the west cell when q > 0; east: the east cell when q < 0; ...
          (local.set $qw (v128.load align=4 (i32.add (global.get $qx1) (i32.add (local.get $fb4) (i32.shl (local.get $k) (i32.const 2))))))
          (local.set $qe (v128.load offset=4 align=4 (i32.add (global.get $qx1) (i32.add (local.get $fb4) (i32.shl (local.get $k) (i32.const 2))))))
          (local.set $qn (v128.load align=4 (i32.add (global.get $qy1) (local.get $o))))
          (local.set $qs (v128.load align=4 (i32.add (i32.add (global.get $qy1) (local.get $o)) (local.get $cb))))
          (local.set $qw (f32x4.mul (local.get $qw)
            (v128.bitselect (v128.load align=4 (i32.sub (local.get $p) (i32.const 4))) (local.get $fi) (f32x4.gt (local.get $qw) (v128.const f32x4 0 0 0 0)))))
          (local.set $qe (f32x4.mul (local.get $qe)
            (v128.bitselect (v128.load offset=4 align=4 (local.get $p)) (local.get $fi) (f32x4.lt (local.get $qe) (v128.const f32x4 0 0 0 0)))))
          (local.set $qn (f32x4.mul (local.get $qn)
            (v128.bitselect (v128.load align=4 (i32.sub (local.get $p) (local.get $cb))) (local.get $fi) (f32x4.gt (local.get $qn) (v128.const f32x4 0 0 0 0)))))
          (local.set $qs (f32x4.mul (local.get $qs)
            (v128.bitselect (v128.load align=4 (i32.add (local.get $p) (local.get $cb))) (local.get $fi) (f32x4.lt (local.get $qs) (v128.const f32x4 0 0 0 0)))))
          ;; scaled fluxes: the same whichever chunk writes them, so no mask
          (v128.store align=4 (i32.add (global.get $qx0) (i32.add (local.get $fb4) (i32.shl (local.get $k) (i32.const 2)))) (local.get $qw))
          (v128.store align=4 (i32.add (global.get $qy0) (local.get $o)) (local.get $qn))
          (if (local.get $last)
            (then (v128.store align=4 (i32.add (i32.add (global.get $qy0) (local.get $o)) (local.get $cb)) (local.get $qs))))
          ;; cells in the domain (bed not NaN) and not done already by the chunk before
          (local.set $p (i32.add (global.get $z) (local.get $o)))
          (local.set $dom (v128.load align=4 (local.get $p)))
          (local.set $dom
            (v128.and (f32x4.eq (local.get $dom) (local.get $dom))
              (i32x4.ge_s (v128.const i32x4 0 1 2 3) (i32x4.splat (i32.sub (local.get $k0) (local.get $k))))))
          (local.set $p (i32.add (global.get $h) (local.get $o)))
          (local.set $hold (v128.load align=4 (local.get $p)))
          (local.set $hn
            (f32x4.add
              (f32x4.add (local.get $hold)
                (f32x4.mul (local.get $vk)
                  (f32x4.sub (f32x4.add (f32x4.sub (local.get $qw) (local.get $qe)) (local.get $qn)) (local.get $qs))))
              (local.get $vrain)))
          ;; sinks take min(h, capacity) where h > 0
          (local.set $s (v128.and (local.get $dom)
            (f32x4.pmax (v128.const f32x4 0 0 0 0) (f32x4.pmin (local.get $hn) (local.get $vsink)))))
          (local.set $hn (f32x4.pmax (v128.const f32x4 0 0 0 0) (f32x4.sub (local.get $hn) (local.get $s))))
          (local.set $hn (v128.bitselect (local.get $hn) (local.get $hold) (local.get $dom)))
          (v128.store align=4 (local.get $p) (local.get $hn))
          (local.set $hm (f32x4.pmax (local.get $hm) (local.get $hn)))
          (local.set $acc (f64x2.add (local.get $acc)
            (f64x2.add (f64x2.promote_low_f32x4 (local.get $s))
              (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $s) (local.get $s))))))
          ;; maxima and first times over 0.15 / 0.20 / 0.27 m (crossed exactly when the maximum is)
          (local.set $p (i32.add (global.get $hmax) (local.get $o)))
          (local.set $hmx (v128.load align=4 (local.get $p)))
          (local.set $up (f32x4.gt (local.get $hn) (local.get $hmx)))
          (if (v128.any_true (local.get $up))
            (then
              (v128.store align=4 (local.get $p) (v128.bitselect (local.get $hn) (local.get $hmx) (local.get $up)))
              (local.set $p (i32.add (global.get $tmax) (local.get $o)))
              (v128.store align=4 (local.get $p) (v128.bitselect (local.get $vt) (v128.load align=4 (local.get $p)) (local.get $up)))
              (local.set $p (i32.add (global.get $t15) (local.get $o)))
              (v128.store align=4 (local.get $p) (v128.bitselect (local.get $vt) (v128.load align=4 (local.get $p))
                (v128.and (local.get $up) (v128.and (f32x4.ge (local.get $hn) (v128.const f32x4 0.15 0.15 0.15 0.15)) (f32x4.lt (local.get $hmx) (v128.const f32x4 0.15 0.15 0.15 0.15))))))
              (local.set $p (i32.add (global.get $t20) (local.get $o)))
              (v128.store align=4 (local.get $p) (v128.bitselect (local.get $vt) (v128.load align=4 (local.get $p))
                (v128.and (local.get $up) (v128.and (f32x4.ge (local.get $hn) (v128.const f32x4 0.2 0.2 0.2 0.2)) (f32x4.lt (local.get $hmx) (v128.const f32x4 0.2 0.2 0.2 0.2))))))
              (local.set $p (i32.add (global.get $t27) (local.get $o)))
              (v128.store align=4 (local.get $p) (v128.bitselect (local.get $vt) (v128.load align=4 (local.get $p))
                (v128.and (local.get $up) (v128.and (f32x4.ge (local.get $hn) (v128.const f32x4 0.27 0.27 0.27 0.27)) (f32x4.lt (local.get $hmx) (v128.const f32x4 0.27 0.27 0.27 0.27))))))))
          (local.set $k (i32.add (local.get $k) (i32.const 4)))
          (br_if $chunk (i32.lt_s (local.get $k) (local.get $C))))
        (f64.store (i32.add (global.get $rowSink) (i32.shl (local.get $r) (i32.const 3)))
          (f64.mul (local.get $vol) (f64.add (f64x2.extract_lane 0 (local.get $acc)) (f64x2.extract_lane 1 (local.get $acc)))))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $row)))
    (f32.max
      (f32.max (f32x4.extract_lane 0 (local.get $hm)) (f32x4.extract_lane 1 (local.get $hm)))
      (f32.max (f32x4.extract_lane 2 (local.get $hm)) (f32x4.extract_lane 3 (local.get $hm)))))
)
