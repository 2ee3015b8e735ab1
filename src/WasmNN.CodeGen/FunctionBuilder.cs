using WasmNN.Wasm;
using WasmNN.Wasm.Instructions;
using WasmNN.Wasm.Writing;
using ValueType = WasmNN.Wasm.ValueType;

namespace WasmNN.CodeGen;

/// <summary>
/// Builds one wasm function body: fresh locals after the parameters, fluent local and constant pushes, counted
/// loops (compile-time or runtime bounds) and the few structured forms the generated kernels need. The graph
/// compiler's lowering and the kernel library both write their functions with it.
/// </summary>
/// <remarks>
/// Float arithmetic takes a lane <c>width</c>: 4 emits the f32x4 instruction, 1 the f32 one, so a kernel body is
/// written once and yields both its SIMD main loop and its scalar tail (<c>FunctionBuilder.Floats.cs</c>).
/// </remarks>
public sealed partial class FunctionBuilder
{
    private readonly List<ValueType> _locals = [];

    /// <summary>A body for a function with <paramref name="parameterCount"/> parameters (locals are numbered after them).</summary>
    public FunctionBuilder(int parameterCount = 0) => ParameterCount = parameterCount;

    /// <summary>The number of parameters, which come before the locals in the index space.</summary>
    public int ParameterCount { get; }

    /// <summary>The instructions written so far.</summary>
    public CodeWriter Code { get; } = new();

    /// <summary>The types of the declared locals (not the parameters), in index order.</summary>
    public IReadOnlyList<ValueType> Locals => _locals;

    /// <summary>A fresh local of <paramref name="type"/>.</summary>
    public uint Local(ValueType type = ValueType.I32)
    {
        _locals.Add(type);
        return (uint)(ParameterCount + _locals.Count - 1);
    }

    /// <summary>Pushes local <paramref name="local"/>.</summary>
    public FunctionBuilder Get(uint local) { Code.Emit(Opcode.LocalGet, local); return this; }

    /// <summary>Pops into local <paramref name="local"/>.</summary>
    public FunctionBuilder Set(uint local) { Code.Emit(Opcode.LocalSet, local); return this; }

    /// <summary>Stores the top of the stack in <paramref name="local"/> and keeps it.</summary>
    public FunctionBuilder Tee(uint local) { Code.Emit(Opcode.LocalTee, local); return this; }

    /// <summary>Pushes an i32 constant.</summary>
    public FunctionBuilder I32(int value) { Code.I32Const(value); return this; }

    /// <summary>Pushes an f32 constant.</summary>
    public FunctionBuilder F32(float value) { Code.F32Const(value); return this; }

    /// <summary>Pushes an f64 constant.</summary>
    public FunctionBuilder F64(double value) { Code.F64Const(value); return this; }

    /// <summary>Emits an instruction without immediates.</summary>
    public FunctionBuilder Op(Opcode opcode) { Code.Emit(opcode); return this; }

    /// <summary>A load or store at the address on the stack plus <paramref name="offset"/>, with natural alignment.</summary>
    public FunctionBuilder Memory(Opcode opcode, uint offset = 0) { Code.EmitMemArg(opcode, offset); return this; }

    /// <summary><c>local = value</c> (i32).</summary>
    public FunctionBuilder SetConst(uint local, int value) => I32(value).Set(local);

    /// <summary><c>local += delta</c> (i32); nothing for 0.</summary>
    public FunctionBuilder Increment(uint local, int delta)
    {
        if (delta != 0)
        {
            Get(local).I32(delta).Op(Opcode.I32Add).Set(local);
        }
        return this;
    }

    /// <summary><c>local += other</c> (i32 locals).</summary>
    public FunctionBuilder IncrementBy(uint local, uint other) => Get(local).Get(other).Op(Opcode.I32Add).Set(local);

    /// <summary>Pushes <c>local + constant</c> (i32); no add for 0.</summary>
    public FunctionBuilder GetPlus(uint local, int constant)
    {
        Get(local);
        if (constant != 0)
        {
            I32(constant).Op(Opcode.I32Add);
        }
        return this;
    }

    /// <summary>Pushes <c>a * b</c> (i32 locals).</summary>
    public FunctionBuilder Product(uint a, uint b) => Get(a).Get(b).Op(Opcode.I32Mul);

    /// <summary>Pushes <c>max(a, b)</c> of the two i32 values pushed by the callbacks (signed).</summary>
    public FunctionBuilder MaxI32(Action a, Action b) => SelectI32(a, b, Opcode.I32GtS);

    /// <summary>Pushes <c>min(a, b)</c> of the two i32 values pushed by the callbacks (signed).</summary>
    public FunctionBuilder MinI32(Action a, Action b) => SelectI32(a, b, Opcode.I32LtS);

    private FunctionBuilder SelectI32(Action a, Action b, Opcode keepFirstWhen)
    {
        var x = Local();
        var y = Local();
        a();
        Set(x);
        b();
        Set(y);
        return Get(x).Get(y).Get(x).Get(y).Op(keepFirstWhen).Op(Opcode.Select);
    }

    /// <summary><c>if (condition) then else otherwise</c>, the condition pushed by <paramref name="condition"/>.</summary>
    public FunctionBuilder If(Action condition, Action then, Action? otherwise = null)
    {
        condition();
        Code.If(BlockType.Empty);
        then();
        if (otherwise is not null)
        {
            Code.Else();
            otherwise();
        }
        Code.End();
        return this;
    }

    /// <summary><c>memory.fill(address, 0, bytes)</c> with the address pushed by <paramref name="address"/>; nothing when empty.</summary>
    public FunctionBuilder Zero(Action address, int bytes)
    {
        if (bytes > 0)
        {
            address();
            I32(0).I32(bytes).Code.Emit(Opcode.MemoryFill, 0);
        }
        return this;
    }

    /// <summary><c>memory.copy(destination, source, bytes)</c>; nothing when empty.</summary>
    public FunctionBuilder Copy(Action destination, Action source, int bytes)
    {
        if (bytes > 0)
        {
            destination();
            source();
            I32(bytes).Code.Emit(Opcode.MemoryCopy, 0, 0);
        }
        return this;
    }

    /// <summary><c>i32.load</c> at the address on the stack (alignment hint 4 bytes).</summary>
    public FunctionBuilder Load32() { Code.EmitMemArg(Opcode.I32Load, 2, 0); return this; }

    /// <summary><c>i32.store</c> (address, value on the stack; alignment hint 4 bytes).</summary>
    public FunctionBuilder Store32() { Code.EmitMemArg(Opcode.I32Store, 2, 0); return this; }

    /// <summary>Finishes the body with <c>end</c>.</summary>
    public CodeWriter Finish() => Code.End();
}
