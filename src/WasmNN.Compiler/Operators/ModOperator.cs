using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>Attributes of Mod.</summary>
/// <param name="Fmod">1: C fmod (the result takes the dividend's sign; the spec requires it for floats); 0: the divisor's sign.</param>
public sealed record ModAttributes(bool Fmod) : OperatorAttributes;

/// <summary>ONNX Mod: elementwise remainder with broadcasting.</summary>
/// <remarks>fmod = 1: a - b trunc(a / b); fmod = 0 (integers): a - b floor(a / b)</remarks>
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
            a.DataType.IsFloat() ? null : fmod ? (x, y) => y == 0 ? throw new OperatorException("integer Mod by zero") : x % y : FloorMod)];
    }

    private static long FloorMod(long a, long b)
    {
        if (b == 0)
        {
            throw new OperatorException("integer Mod by zero");
        }
        var r = a % b;
        return r != 0 && (r < 0) != (b < 0) ? r + b : r;
    }
}
