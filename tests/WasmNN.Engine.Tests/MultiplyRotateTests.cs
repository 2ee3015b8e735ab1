using WasmNN.Engine.Compilation;
using WasmNN.Wasm.Reading;
using Wasmtime;

namespace WasmNN.Engine.Tests;

/// <summary>
/// clang writes rotl(x * C, k) as (x * C) >>u (32 - k) | x * (C &lt;&lt; k); the engine compiles that shape as one
/// multiply and a rotate. Each function's results must equal wasmtime's (Cranelift, which compiles the shape as
/// written), the near misses (a multiplier off by a bit, another local, a shift that does not complement, a
/// consumer reading only zeroness) must stay unfused and still agree.
/// </summary>
public sealed class MultiplyRotateTests
{
    // Functions 0-2 have the shape (both or-operand orders, and clang's FNV-1a step in a loop); 3-6 are near misses.
    private const string Module = """
        (module
          (func (export "rotate") (param i32) (result i32) (local i32)
            (i32.or (i32.shr_u (i32.mul (local.tee 1 (local.get 0)) (i32.const 16777619)) (i32.const 19))
                    (i32.mul (local.get 1) (i32.const 3301376))))
          (func (export "rotate_swapped") (param i32) (result i32)
            (i32.or (i32.mul (local.get 0) (i32.const 0x80000000))
                    (i32.shr_u (i32.mul (local.get 0) (i32.const 0x9e3779b1)) (i32.const 1))))
          (func (export "fnv") (param i32) (result i32) (local i32 i32)
            (local.set 2 (i32.const -2128831035))
            (loop
              (local.set 2 (i32.add (local.get 1)
                (i32.or (i32.shr_u (i32.mul (local.tee 2 (i32.xor (local.get 2) (i32.add (local.get 0) (local.get 1))))
                                            (i32.const 16777619)) (i32.const 19))
                        (i32.mul (local.get 2) (i32.const 3301376)))))
              (br_if 0 (i32.ne (local.tee 1 (i32.add (local.get 1) (i32.const 1))) (i32.const 1000))))
            (local.get 2))
          (func (export "multiplier_off_by_a_bit") (param i32) (result i32)
            (i32.or (i32.shr_u (i32.mul (local.get 0) (i32.const 16777619)) (i32.const 19))
                    (i32.mul (local.get 0) (i32.const 3301377))))
          (func (export "other_local") (param i32 i32) (result i32)
            (i32.or (i32.shr_u (i32.mul (local.get 0) (i32.const 16777619)) (i32.const 19))
                    (i32.mul (local.get 1) (i32.const 3301376))))
          (func (export "shift_not_complement") (param i32) (result i32)
            (i32.or (i32.shr_u (i32.mul (local.get 0) (i32.const 16777619)) (i32.const 18))
                    (i32.mul (local.get 0) (i32.const 3301376))))
          (func (export "zeroness_read") (param i32) (result i32)
            (i32.eqz (i32.or (i32.shr_u (i32.mul (local.get 0) (i32.const 16777619)) (i32.const 19))
                             (i32.mul (local.get 0) (i32.const 3301376))))))
        """;

    private static readonly int[] s_inputs = [0, 1, -1, int.MinValue, int.MaxValue, 0x12345678, unchecked((int)0xdeadbeef), 255, 0x00080000];

    [Fact]
    public void Find_ClangRotateShapes_FindsBothOrdersAndNoNearMiss()
    {
        var module = ModuleReader.Read(Wat.Assemble(Module));
        int[] found = [.. module.Codes.Select(body => MultiplyRotate.Find(body).Count)];
        Assert.Equal([1, 1, 1, 0, 0, 0, 0], found);
    }

    [Fact]
    public void FusedAndUnfusedRotates_AnyOperand_MatchWasmtime()
    {
        var bytes = Wat.Assemble(Module);
        var ours = Wat.Instantiate(new Engine(), Module);
        using var engine = new Wasmtime.Engine();
        using var module = Wasmtime.Module.FromBytes(engine, "rotate", bytes);
        using var store = new Store(engine);
        var reference = new Wasmtime.Linker(engine).Instantiate(store, module);
        foreach (var name in new[] { "rotate", "rotate_swapped", "fnv", "multiplier_off_by_a_bit", "shift_not_complement", "zeroness_read" })
        {
            var function = ours.GetFunction<Func<int, int>>(name);
            foreach (int x in s_inputs)
                Assert.True((int)reference.GetFunction(name)!.Invoke(x)! == function(x), $"{name}({x})");
        }
        var twoLocals = ours.GetFunction<Func<int, int, int>>("other_local");
        foreach (int x in s_inputs)
            Assert.Equal((int)reference.GetFunction("other_local")!.Invoke(x, x ^ 0x5a5a)!, twoLocals(x, x ^ 0x5a5a));
    }
}
