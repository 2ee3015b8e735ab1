;; y += alpha * x on f32, 16 floats per iteration: all loads of a step, then the arithmetic, then the stores.
;; axpy(px, py, n, alpha, reps); n is a multiple of 16. FLOPs: 2 * n * reps.
(module
  (memory (export "memory") 16)
  (func (export "axpy") (param $px i32) (param $py i32) (param $n i32) (param $alpha f32) (param $reps i32)
    (local $x i32) (local $y i32) (local $end i32) (local $va v128)
    (local $y0 v128) (local $y1 v128) (local $y2 v128) (local $y3 v128)
    (local.set $va (f32x4.splat (local.get $alpha)))
    (loop $rep
      (local.set $x (local.get $px))
      (local.set $y (local.get $py))
      (local.set $end (i32.add (local.get $py) (i32.shl (local.get $n) (i32.const 2))))
      (loop $i
        (local.set $y0 (f32x4.add (v128.load offset=0 (local.get $y)) (f32x4.mul (local.get $va) (v128.load offset=0 (local.get $x)))))
        (local.set $y1 (f32x4.add (v128.load offset=16 (local.get $y)) (f32x4.mul (local.get $va) (v128.load offset=16 (local.get $x)))))
        (local.set $y2 (f32x4.add (v128.load offset=32 (local.get $y)) (f32x4.mul (local.get $va) (v128.load offset=32 (local.get $x)))))
        (local.set $y3 (f32x4.add (v128.load offset=48 (local.get $y)) (f32x4.mul (local.get $va) (v128.load offset=48 (local.get $x)))))
        (v128.store offset=0 (local.get $y) (local.get $y0))
        (v128.store offset=16 (local.get $y) (local.get $y1))
        (v128.store offset=32 (local.get $y) (local.get $y2))
        (v128.store offset=48 (local.get $y) (local.get $y3))
        (local.set $x (i32.add (local.get $x) (i32.const 64)))
        (local.set $y (i32.add (local.get $y) (i32.const 64)))
        (br_if $i (i32.lt_u (local.get $y) (local.get $end))))
      (local.set $reps (i32.sub (local.get $reps) (i32.const 1)))
      (br_if $rep (i32.gt_s (local.get $reps) (i32.const 0))))))
