using WasmNN.Wasm.Instructions;
using ValueType = WasmNN.Wasm.ValueType;

namespace WasmNN.CodeGen;

/// <summary>
/// f32 arithmetic at a lane width: 4 lanes as f32x4 in a v128, or 1 lane as a plain f32. Comparisons at width 4
/// give a lane mask (v128), at width 1 an i32: the condition of <c>v128.bitselect</c> or <c>select</c>.
/// </summary>
public sealed partial class FunctionBuilder
{
    /// <summary>The vector width: four f32 lanes in a v128.</summary>
    public const int VectorWidth = 4;

    /// <summary>A fresh local holding floats of <paramref name="width"/> lanes (v128 or f32).</summary>
    public uint VectorLocal(int width) => Local(width == VectorWidth ? ValueType.V128 : ValueType.F32);

    /// <summary>A fresh local holding the result of a comparison at <paramref name="width"/> lanes (v128 mask or i32).</summary>
    public uint MaskLocal(int width) => Local(width == VectorWidth ? ValueType.V128 : ValueType.I32);

    /// <summary>Emits <paramref name="vector"/> at width 4, else <paramref name="scalar"/>.</summary>
    public FunctionBuilder Op(int width, Opcode scalar, Opcode vector) => Op(width == VectorWidth ? vector : scalar);

    /// <summary>Loads <paramref name="width"/> floats from the address on the stack plus <paramref name="offset"/>.</summary>
    /// <remarks>The alignment hint is 4 bytes: generated code never relies on 16-byte aligned tensors.</remarks>
    public FunctionBuilder Load(int width, uint offset = 0)
    {
        Code.EmitMemArg(width == VectorWidth ? Opcode.V128Load : Opcode.F32Load, 2, offset);
        return this;
    }

    /// <summary>Loads one float and broadcasts it to <paramref name="width"/> lanes.</summary>
    public FunctionBuilder LoadSplat(int width, uint offset = 0)
    {
        Code.EmitMemArg(width == VectorWidth ? Opcode.V128Load32Splat : Opcode.F32Load, 2, offset);
        return this;
    }

    /// <summary>Stores <paramref name="width"/> floats (address, value on the stack).</summary>
    public FunctionBuilder Store(int width, uint offset = 0)
    {
        Code.EmitMemArg(width == VectorWidth ? Opcode.V128Store : Opcode.F32Store, 2, offset);
        return this;
    }

    /// <summary>A float constant broadcast to <paramref name="width"/> lanes.</summary>
    public FunctionBuilder Constant(int width, float value) => F32(value).Splat(width);

    /// <summary>Broadcasts the f32 on the stack to <paramref name="width"/> lanes (nothing at width 1).</summary>
    public FunctionBuilder Splat(int width) => width == VectorWidth ? Op(Opcode.F32x4Splat) : this;

    /// <summary><c>a + b</c>.</summary>
    public FunctionBuilder Add(int width) => Op(width, Opcode.F32Add, Opcode.F32x4Add);

    /// <summary><c>a - b</c>.</summary>
    public FunctionBuilder Sub(int width) => Op(width, Opcode.F32Sub, Opcode.F32x4Sub);

    /// <summary><c>a * b</c>.</summary>
    public FunctionBuilder Mul(int width) => Op(width, Opcode.F32Mul, Opcode.F32x4Mul);

    /// <summary><c>a / b</c>.</summary>
    public FunctionBuilder Div(int width) => Op(width, Opcode.F32Div, Opcode.F32x4Div);

    /// <summary>IEEE max with NaN propagation (wasm <c>max</c>).</summary>
    public FunctionBuilder Max(int width) => Op(width, Opcode.F32Max, Opcode.F32x4Max);

    /// <summary>IEEE min with NaN propagation (wasm <c>min</c>).</summary>
    public FunctionBuilder Min(int width) => Op(width, Opcode.F32Min, Opcode.F32x4Min);

    /// <summary><c>|x|</c>.</summary>
    public FunctionBuilder Abs(int width) => Op(width, Opcode.F32Abs, Opcode.F32x4Abs);

    /// <summary><c>-x</c>.</summary>
    public FunctionBuilder Neg(int width) => Op(width, Opcode.F32Neg, Opcode.F32x4Neg);

    /// <summary>
    /// Pushes the combination of the lanes of <paramref name="vector"/> (a v128 at width 4, else the f32 itself):
    /// lane 0, then each further lane folded in by <paramref name="combine"/> at width 1.
    /// </summary>
    public FunctionBuilder Horizontal(int width, uint vector, Func<int, FunctionBuilder> combine)
    {
        Get(vector);
        if (width != VectorWidth)
        {
            return this;
        }
        Code.Emit(Opcode.F32x4ExtractLane, 0);
        for (byte lane = 1; lane < VectorWidth; lane++)
        {
            Get(vector).Code.Emit(Opcode.F32x4ExtractLane, lane);
            combine(1);
        }
        return this;
    }
}
