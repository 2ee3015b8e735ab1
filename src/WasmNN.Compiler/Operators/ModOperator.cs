using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>Attributes of Mod.</summary>
/// <param name="Fmod">1: C fmod (the result takes the dividend's sign; the spec requires it for floats); 0: the divisor's sign.</param>
public sealed record ModAttributes(bool Fmod) : OperatorAttributes;

/// <summary>ONNX Mod: elementwise remainder with broadcasting.</summary>
/// <remarks>fmod = 1: a - b trunc(a / b); fmod = 0 (integers): a - b floor(a / b). An integer Mod by zero is 0 (numpy's
/// result, and the wasm kernel's).</remarks>
public sealed class ModOperator : BinaryBroadcastOperator
{
    /// <inheritdoc/>
    public override string OpType => "Mod";

    /// <inheritdoc/>
    public override int MinOpset => 10;

    /// <inheritdoc/>
    public override OperatorAttributes ParseAttributes(AttributeBag attributes, int opset) =>
        new ModAttributes(attributes.GetInt("fmod", 0) != 0);

    /// <inheritdoc/>
    public override double Apply(double a, double b) => a % b;

    /// <inheritdoc/>
    public override long ApplyInteger(long a, long b) => FloorMod(a, b);

    /// <inheritdoc/>
    public override Tensor[] Evaluate(OperatorAttributes attributes, IReadOnlyList<Tensor?> inputs)
    {
        var a = Required(inputs, 0, "A");
        var b = Required(inputs, 1, "B");
        var fmod = As<ModAttributes>(attributes).Fmod;
        // Floats with fmod = 0 (which the spec disallows) follow the integer rule: the divisor's sign.
        return [ReferenceMath.Zip(a, b, a.DataType, fmod ? (x, y) => x % y : (x, y) => x - y * Math.Floor(x / y),
            a.DataType.IsFloat() ? null : fmod ? TruncatedMod : FloorMod)];
    }

    /// <summary>C's remainder (the dividend's sign); 0 for a zero divisor, and for -1 (where C# would overflow).</summary>
    private static long TruncatedMod(long a, long b) => b is 0 or -1 ? 0 : a % b;

    private static long FloorMod(long a, long b)
    {
        var r = TruncatedMod(a, b);
        return r != 0 && (r < 0) != (b < 0) ? r + b : r;
    }
}
