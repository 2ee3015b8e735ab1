using WasmNN.Wasm;
using WasmNN.Wasm.Instructions;
using WasmNN.Wasm.Writing;
using ValueType = WasmNN.Wasm.ValueType;

namespace WasmNN.Compiler.Lowering;

/// <summary>
/// Builds one wasm function body for a kernel: locals, counted loops with constant or local bounds, and float
/// vector operations at a chosen width (4 lanes as f32x4, or 1 lane as plain f32) so every kernel is written once
/// and yields both its SIMD main loop and its scalar tail.
/// </summary>
internal sealed class KernelWriter
{
    private readonly List<ValueType> _locals = [];
    private readonly int _parameterCount;

    public KernelWriter(int parameterCount = 0) => _parameterCount = parameterCount;

    public CodeWriter Code { get; } = new();

    public IReadOnlyList<ValueType> Locals => _locals;

    /// <summary>A fresh local of <paramref name="type"/>.</summary>
    public uint Local(ValueType type)
    {
        _locals.Add(type);
        return (uint)(_parameterCount + _locals.Count - 1);
    }

    /// <summary>A fresh local holding float vectors of <paramref name="width"/> lanes (v128 or f32).</summary>
    public uint VectorLocal(int width) => Local(width == 4 ? ValueType.V128 : ValueType.F32);

    public KernelWriter Get(uint local) { Code.Emit(Opcode.LocalGet, local); return this; }

    public KernelWriter Set(uint local) { Code.Emit(Opcode.LocalSet, local); return this; }

    public KernelWriter Tee(uint local) { Code.Emit(Opcode.LocalTee, local); return this; }

    public KernelWriter I32(int value) { Code.I32Const(value); return this; }

    public KernelWriter Op(Opcode opcode) { Code.Emit(opcode); return this; }

    /// <summary><c>local = value</c>.</summary>
    public KernelWriter SetConst(uint local, int value) => I32(value).Set(local);

    /// <summary><c>local += delta</c> (i32).</summary>
    public KernelWriter Increment(uint local, int delta)
    {
        if (delta != 0)
        {
            Get(local).I32(delta).Op(Opcode.I32Add).Set(local);
        }
        return this;
    }

    /// <summary>Pushes <c>local + constant</c> (i32).</summary>
    public KernelWriter GetPlus(uint local, int constant)
    {
        Get(local);
        if (constant != 0)
        {
            I32(constant).Op(Opcode.I32Add);
        }
        return this;
    }

    /// <summary>
    /// <c>for (i = start; i &lt; end; i += step) body</c> with compile-time bounds; emits nothing when the range is
    /// empty and no loop structure when it has one iteration.
    /// </summary>
    public KernelWriter For(uint i, int start, int end, int step, Action body)
    {
        if (start >= end)
        {
            return this;
        }
        SetConst(i, start);
        if (start + step >= end)
        {
            body();
            return this;
        }
        Code.Loop(BlockType.Empty);
        body();
        Increment(i, step);
        Get(i).I32(end).Op(Opcode.I32LtS).Code.Emit(Opcode.BrIf, 0);
        Code.End();
        return this;
    }

    /// <summary>
    /// <c>for (i = start; i &lt; end; i += step) body</c> where <paramref name="start"/> and <paramref name="end"/>
    /// are pushed by the callers' emitters (runtime bounds, possibly empty).
    /// </summary>
    public KernelWriter ForDynamic(uint i, Action start, Action end, int step, Action body)
    {
        start();
        Set(i);
        Code.Block(BlockType.Empty);
        Get(i); end(); Op(Opcode.I32GeS).Code.Emit(Opcode.BrIf, 0);
        Code.Loop(BlockType.Empty);
        body();
        Increment(i, step);
        Get(i); end(); Op(Opcode.I32LtS).Code.Emit(Opcode.BrIf, 0);
        Code.End();
        Code.End();
        return this;
    }

    /// <summary>Loads <paramref name="width"/> floats from the address on the stack plus <paramref name="offset"/>.</summary>
    public KernelWriter Load(int width, uint offset = 0)
    {
        Code.EmitMemArg(width == 4 ? Opcode.V128Load : Opcode.F32Load, 2, offset);
        return this;
    }

    /// <summary>Loads one float and broadcasts it to <paramref name="width"/> lanes.</summary>
    public KernelWriter LoadSplat(int width, uint offset = 0)
    {
        Code.EmitMemArg(width == 4 ? Opcode.V128Load32Splat : Opcode.F32Load, 2, offset);
        return this;
    }

    /// <summary>Stores <paramref name="width"/> floats (address, value on the stack).</summary>
    public KernelWriter Store(int width, uint offset = 0)
    {
        Code.EmitMemArg(width == 4 ? Opcode.V128Store : Opcode.F32Store, 2, offset);
        return this;
    }

    /// <summary>A float constant broadcast to <paramref name="width"/> lanes.</summary>
    public KernelWriter Constant(int width, float value)
    {
        Code.F32Const(value);
        if (width == 4)
        {
            Code.Emit(Opcode.F32x4Splat);
        }
        return this;
    }

    /// <summary>Broadcasts the f32 on the stack to <paramref name="width"/> lanes.</summary>
    public KernelWriter Splat(int width)
    {
        if (width == 4)
        {
            Code.Emit(Opcode.F32x4Splat);
        }
        return this;
    }

    public KernelWriter Add(int width) => Op(width == 4 ? Opcode.F32x4Add : Opcode.F32Add);

    public KernelWriter Sub(int width) => Op(width == 4 ? Opcode.F32x4Sub : Opcode.F32Sub);

    public KernelWriter Mul(int width) => Op(width == 4 ? Opcode.F32x4Mul : Opcode.F32Mul);

    public KernelWriter Div(int width) => Op(width == 4 ? Opcode.F32x4Div : Opcode.F32Div);

    /// <summary>IEEE max with NaN propagation (wasm <c>max</c>).</summary>
    public KernelWriter Max(int width) => Op(width == 4 ? Opcode.F32x4Max : Opcode.F32Max);

    /// <summary>IEEE min with NaN propagation (wasm <c>min</c>).</summary>
    public KernelWriter Min(int width) => Op(width == 4 ? Opcode.F32x4Min : Opcode.F32Min);

    /// <summary>Finishes the body with <c>end</c>.</summary>
    public CodeWriter Finish() => Code.End();
}

/// <summary>Bulk-memory helpers.</summary>
internal static class KernelWriterBulk
{
    /// <summary><c>memory.fill(address, 0, bytes)</c> with the address pushed by <paramref name="address"/>; nothing when empty.</summary>
    public static KernelWriter Zero(this KernelWriter w, Action address, int bytes)
    {
        if (bytes > 0)
        {
            address();
            w.I32(0).I32(bytes).Code.Emit(Opcode.MemoryFill, 0);
        }
        return w;
    }

    /// <summary><c>memory.copy(destination, source, bytes)</c>; nothing when empty.</summary>
    public static KernelWriter Copy(this KernelWriter w, Action destination, Action source, int bytes)
    {
        if (bytes > 0)
        {
            destination();
            source();
            w.I32(bytes).Code.Emit(Opcode.MemoryCopy, 0, 0);
        }
        return w;
    }
}

/// <summary>Integer memory helpers for the WASI entry point.</summary>
internal static class KernelWriterIntegers
{
    /// <summary><c>i32.load</c> at the address on the stack.</summary>
    public static KernelWriter Load32(this KernelWriter w)
    {
        w.Code.EmitMemArg(Opcode.I32Load, 2, 0);
        return w;
    }

    /// <summary><c>i32.store</c> (address, value on the stack).</summary>
    public static KernelWriter Store32(this KernelWriter w)
    {
        w.Code.EmitMemArg(Opcode.I32Store, 2, 0);
        return w;
    }
}
