using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;
using WasmNN.Engine.Compilation;
using WasmNN.Wasm.Reading;
using Wasmtime;

namespace WasmNN.Engine.Tests;

/// <summary>
/// <c>a b c i32x4.dot_i16x8_s i32x4.add</c> (the integer GEMM's accumulation) compiles to one AVX-VNNI
/// <c>vpdpwssd</c> where the CPU has it. Results must equal wasmtime's (Cranelift) for operands that overflow the
/// pair sums (-32768 * -32768 twice) and accumulators near the int32 limits; the near misses (the dot below its
/// addend, a dot feeding a subtraction) stay unfused and still agree. The relaxed i8 dot with its add is one
/// <c>vpdpbusd</c> there, exact where its second operand is within 7 bits.
/// </summary>
public sealed class DotAddFusionTests
{
    // Each function reads a, b (8 x i16) and acc (4 x i32) at the given addresses and stores 4 x i32 at the last.
    private const string Module = """
        (module
          (memory (export "mem") 1)
          (func (export "fused") (param i32 i32 i32 i32)
            (v128.store (local.get 3)
              (i32x4.add (v128.load (local.get 2)) (i32x4.dot_i16x8_s (v128.load (local.get 0)) (v128.load (local.get 1))))))
          (func (export "dot_first") (param i32 i32 i32 i32)
            (v128.store (local.get 3)
              (i32x4.add (i32x4.dot_i16x8_s (v128.load (local.get 0)) (v128.load (local.get 1))) (v128.load (local.get 2)))))
          (func (export "subtracted") (param i32 i32 i32 i32)
            (v128.store (local.get 3)
              (i32x4.sub (v128.load (local.get 2)) (i32x4.dot_i16x8_s (v128.load (local.get 0)) (v128.load (local.get 1))))))
          (func (export "loop") (param i32 i32 i32 i32) (local v128 i32)
            ;; acc += dot(a[i], splat(b[i])) for 16 steps: a 16 bytes a step, b a pair (4 bytes) a step.
            (local.set 4 (v128.load (local.get 2)))
            (loop
              (local.set 4 (i32x4.add (local.get 4)
                (i32x4.dot_i16x8_s (v128.load (i32.add (local.get 0) (i32.shl (local.get 5) (i32.const 4))))
                                   (v128.load32_splat (i32.add (local.get 1) (i32.shl (local.get 5) (i32.const 2)))))))
              (br_if 0 (i32.ne (local.tee 5 (i32.add (local.get 5) (i32.const 1))) (i32.const 16))))
            (v128.store (local.get 3) (local.get 4))))
        """;

    private static readonly string[] s_functions = ["fused", "dot_first", "subtracted", "loop"];

    [Fact]
    public void DotThenAdd_AnyOperands_MatchWasmtime()
    {
        var bytes = Wat.Assemble(Module);
        var ours = Wat.Instantiate(new Engine(), Module);
        using var engine = new Wasmtime.Engine();
        using var module = Wasmtime.Module.FromBytes(engine, "dotadd", bytes);
        using var store = new Store(engine);
        var reference = new Wasmtime.Linker(engine).Instantiate(store, module);
        var theirMemory = reference.GetMemory("mem")!;
        // a: 16 steps of 8 i16 at 0; b: 16 pairs at 1024; acc at 2048; results at 4096.
        var random = new Random(12);
        var a = new short[128];
        var b = new short[32];
        for (var i = 0; i < a.Length; i++) a[i] = (short)random.Next(short.MinValue, short.MaxValue + 1);
        for (var i = 0; i < b.Length; i++) b[i] = (short)random.Next(short.MinValue, short.MaxValue + 1);
        // The overflowing pair: -32768 * -32768 + -32768 * -32768 = 2^31 wraps to int.MinValue.
        a[0] = a[1] = b[0] = b[1] = short.MinValue;
        a[2] = a[3] = short.MinValue;
        a[4] = a[5] = short.MaxValue;
        int[] accumulators = [int.MaxValue, int.MinValue, -1, 123456789];
        void Fill(Span<byte> span)
        {
            MemoryMarshal.AsBytes(a.AsSpan()).CopyTo(span);
            MemoryMarshal.AsBytes(b.AsSpan()).CopyTo(span[1024..]);
            MemoryMarshal.AsBytes(accumulators.AsSpan()).CopyTo(span[2048..]);
        }
        Fill(ours.GetMemory("mem")!.Span);
        Fill(theirMemory.GetSpan(0, 65536));
        foreach (var name in s_functions)
        {
            // Single-step functions on a at steps 0 and 5, with b (step 0) read as 8 i16.
            foreach (var step in new[] { 0, 5 })
            {
                ours.GetFunction<Action<int, int, int, int>>(name)(step * 16, 1024, 2048, 4096);
                reference.GetAction<int, int, int, int>(name)!(step * 16, 1024, 2048, 4096);
                Assert.True(ours.GetMemory("mem")!.Span.Slice(4096, 16).SequenceEqual(theirMemory.GetSpan(4096, 16)), $"{name} at step {step}");
            }
        }
    }

    [Fact]
    public void RelaxedDotAdd_SevenBitSecondOperand_IsTheExactSum()
    {
        // i32x4.relaxed_dot_i8x16_i7x16_add_s with b in [0, 127] (where the proposal defines the result):
        // c + a[4i..4i+3] . b[4i..4i+3] exactly, on vpdpbusd (AVX-VNNI) or pmaddubsw + pmaddwd + paddd alike.
        const string wat = """
            (module
              (memory (export "mem") 1)
              (func (export "dot") (param i32 i32 i32 i32)
                (v128.store (local.get 3)
                  ;; wabt spells i32x4.relaxed_dot_i8x16_i7x16_add_s without "relaxed_"
                  (i32x4.dot_i8x16_i7x16_add_s (v128.load (local.get 0)) (v128.load (local.get 1)) (v128.load (local.get 2))))))
            """;
        var engine = new Engine();
        var instance = Wat.Instantiate(engine, wat);
        var (methods, _) = ModuleCompiler.Compile(engine, ModuleReader.Read(Wat.Assemble(wat)), "relaxed");
        Assert.Equal(AvxVnni.IsSupported, IlStatistics.Of(methods[0]).Callees.Any(c => c.DeclaringType == typeof(AvxVnni)));
        var memory = instance.GetMemory("mem")!;
        var dot = instance.GetFunction<Action<int, int, int, int>>("dot");
        var random = new Random(5);
        for (var trial = 0; trial < 200; trial++)
        {
            var a = new sbyte[16];
            var b = new byte[16];
            for (var i = 0; i < 16; i++)
            {
                a[i] = trial == 0 ? sbyte.MinValue : (sbyte)random.Next(-128, 128);
                b[i] = trial == 0 ? (byte)127 : (byte)random.Next(0, 128);
            }
            int[] c = trial == 0 ? [int.MinValue, int.MaxValue, 0, -1] : [random.Next(int.MinValue, int.MaxValue), random.Next(), -random.Next(), 7];
            MemoryMarshal.AsBytes(a.AsSpan()).CopyTo(memory.Span);
            b.CopyTo(memory.Span[16..]);
            MemoryMarshal.AsBytes(c.AsSpan()).CopyTo(memory.Span[32..]);
            dot(0, 16, 32, 64);
            var actual = MemoryMarshal.Cast<byte, int>(memory.Span.Slice(64, 16)).ToArray();
            for (var lane = 0; lane < 4; lane++)
            {
                var sum = 0;
                for (var j = 4 * lane; j < (4 * lane) + 4; j++) sum += a[j] * b[j];
                Assert.Equal(unchecked(c[lane] + sum), actual[lane]);
            }
        }
    }

    [Fact]
    public void DotThenAdd_OnAnAvxVnniCpu_IsOneMultiplyWideningAndAdd()
    {
        var module = ModuleReader.Read(Wat.Assemble(Module));
        var (methods, _) = ModuleCompiler.Compile(new Engine(), module, "dotadd");
        bool Fused(int function) => IlStatistics.Of(methods[function]).Callees.Any(c => c.DeclaringType == typeof(AvxVnni));
        Assert.Equal([AvxVnni.IsSupported, false, false, AvxVnni.IsSupported], [.. Enumerable.Range(0, s_functions.Length).Select(Fused)]);
    }
}
