using WasmNN.Wasm;
using WasmNN.Wasm.Instructions;
using WasmNN.Wasm.Writing;
using ValueType = WasmNN.Wasm.ValueType;

namespace WasmNN.Kernels.Generation;

/// <summary>
/// Builds one kernel's function body: parameters and fresh locals, counted loops with runtime bounds, and the
/// handful of structured forms the kernels need. Every parameter of every kernel is an i32 (an address or a size).
/// </summary>
internal sealed class FunctionEmitter
{
    private readonly List<ValueType> _locals = [];

    public FunctionEmitter(int parameterCount) => ParameterCount = parameterCount;

    public int ParameterCount { get; }

    public CodeWriter Code { get; } = new();

    public IReadOnlyList<ValueType> Locals => _locals;

    /// <summary>A fresh local of <paramref name="type"/>.</summary>
    public uint Local(ValueType type = ValueType.I32)
    {
        _locals.Add(type);
        return (uint)(ParameterCount + _locals.Count - 1);
    }

    public FunctionEmitter Get(uint local) { Code.Emit(Opcode.LocalGet, local); return this; }

    public FunctionEmitter Set(uint local) { Code.Emit(Opcode.LocalSet, local); return this; }

    public FunctionEmitter Tee(uint local) { Code.Emit(Opcode.LocalTee, local); return this; }

    public FunctionEmitter I32(int value) { Code.I32Const(value); return this; }

    public FunctionEmitter F32(float value) { Code.F32Const(value); return this; }

    public FunctionEmitter Op(Opcode opcode) { Code.Emit(opcode); return this; }

    /// <summary>A load or store at the address on the stack plus <paramref name="offset"/>, with natural alignment.</summary>
    public FunctionEmitter Memory(Opcode opcode, uint offset = 0) { Code.EmitMemArg(opcode, offset); return this; }

    /// <summary><c>local += delta</c> (i32); nothing for 0.</summary>
    public FunctionEmitter Increment(uint local, int delta)
    {
        if (delta != 0) Get(local).I32(delta).Op(Opcode.I32Add).Set(local);
        return this;
    }

    /// <summary><c>local += other</c> (i32).</summary>
    public FunctionEmitter IncrementBy(uint local, uint other) => Get(local).Get(other).Op(Opcode.I32Add).Set(local);

    /// <summary>Pushes <c>a * b</c> (i32 locals).</summary>
    public FunctionEmitter Product(uint a, uint b) => Get(a).Get(b).Op(Opcode.I32Mul);

    /// <summary>
    /// <c>while (counter &lt; limit) { body; counter += step; }</c> with a signed compare, so a negative limit (such
    /// as <c>n - 3</c> for small n) runs nothing. The counter keeps its current value: set it before. The limit is
    /// evaluated once, before the loop.
    /// </summary>
    /// <remarks>
    /// Emitted as a guard and a bottom-tested loop (<c>loop ... br_if 0</c>) with the bound in a local: the shape the
    /// engine recognises to prove a loop's accesses in bounds once at entry and to unroll it.
    /// </remarks>
    public FunctionEmitter While(uint counter, Action pushLimit, int step, Action body)
    {
        var limit = Local();
        pushLimit();
        Set(limit);
        Get(counter).Get(limit).Op(Opcode.I32LtS);
        Code.If(BlockType.Empty);
        Code.Loop(BlockType.Empty);
        body();
        Increment(counter, step);
        Get(counter).Get(limit).Op(Opcode.I32LtS);
        Code.Emit(Opcode.BrIf, 0);
        Code.End();
        Code.End();
        return this;
    }

    /// <summary><c>for (counter = 0; counter &lt; limit; counter++) body</c> with <paramref name="limit"/> a local.</summary>
    public FunctionEmitter For(uint counter, uint limit, Action body)
    {
        I32(0).Set(counter);
        return While(counter, () => Get(limit), 1, body);
    }

    /// <summary><c>if (condition) then else otherwise</c>, the condition pushed by <paramref name="condition"/>.</summary>
    public FunctionEmitter If(Action condition, Action then, Action? otherwise = null)
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

    /// <summary>Pushes <c>max(a, b)</c> of the two i32 values pushed by the callbacks (signed).</summary>
    public FunctionEmitter MaxI32(Action a, Action b) => SelectI32(a, b, Opcode.I32GtS);

    /// <summary>Pushes <c>min(a, b)</c> of the two i32 values pushed by the callbacks (signed).</summary>
    public FunctionEmitter MinI32(Action a, Action b) => SelectI32(a, b, Opcode.I32LtS);

    private FunctionEmitter SelectI32(Action a, Action b, Opcode keepFirstWhen)
    {
        var x = Local();
        var y = Local();
        a();
        Set(x);
        b();
        Set(y);
        return Get(x).Get(y).Get(x).Get(y).Op(keepFirstWhen).Op(Opcode.Select);
    }

    /// <summary>Finishes the body with <c>end</c>.</summary>
    public CodeWriter Finish() => Code.End();
}
