using WasmNN.Wasm;
using WasmNN.Wasm.Instructions;

namespace WasmNN.CodeGen;

/// <summary>Counted loops. Each keeps the exact shape the engine's loop analysis recognises (a bottom-tested <c>loop ... br_if 0</c>).</summary>
public sealed partial class FunctionBuilder
{
    /// <summary>
    /// <c>for (i = start; i &lt; end; i += step) body</c> with compile-time bounds; emits nothing when the range is
    /// empty and no loop structure when it has one iteration.
    /// </summary>
    public FunctionBuilder For(uint i, int start, int end, int step, Action body)
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

    /// <summary><c>for (counter = 0; counter &lt; limit; counter++) body</c> with <paramref name="limit"/> an i32 local.</summary>
    public FunctionBuilder For(uint counter, uint limit, Action body)
    {
        I32(0).Set(counter);
        return While(counter, () => Get(limit), 1, body);
    }

    /// <summary>
    /// <c>for (i = start; i &lt; end; i += step) body</c> where <paramref name="start"/> and <paramref name="end"/>
    /// push runtime bounds (possibly an empty range); <paramref name="end"/> is emitted at the guard and at the back edge.
    /// </summary>
    public FunctionBuilder ForDynamic(uint i, Action start, Action end, int step, Action body)
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

    /// <summary>
    /// <c>while (counter &lt; limit) { body; counter += step; }</c> with a signed compare, so a negative limit (such
    /// as <c>n - 3</c> for small n) runs nothing. The counter keeps its current value: set it before. The limit is
    /// evaluated once, before the loop, into a fresh local.
    /// </summary>
    /// <remarks>
    /// Emitted as a guard and a bottom-tested loop with the bound in a local: the shape the engine recognises to
    /// prove a loop's accesses in bounds once at entry and to unroll it.
    /// </remarks>
    public FunctionBuilder While(uint counter, Action pushLimit, int step, Action body)
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
}
