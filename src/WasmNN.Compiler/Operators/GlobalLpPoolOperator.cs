using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>Attributes of GlobalLpPool.</summary>
/// <param name="P">ONNX 'p' (default 2).</param>
public sealed record GlobalLpPoolAttributes(int P) : OperatorAttributes;

/// <summary>ONNX GlobalLpPool (opset 2): the Lp norm of each channel's plane, (sum |x|^p)^(1/p).</summary>
public sealed class GlobalLpPoolOperator : GlobalPoolOperator
{
    /// <inheritdoc/>
    public override string OpType => "GlobalLpPool";

    /// <inheritdoc/>
    public override int MinOpset => 2;

    /// <inheritdoc/>
    public override OperatorAttributes ParseAttributes(AttributeBag attributes, int opset)
    {
        var p = attributes.GetInt("p", 2);
        return p is > 0 and <= int.MaxValue ? new GlobalLpPoolAttributes((int)p) : throw new OperatorException($"attribute 'p' is {p}; it must be positive");
    }

    /// <inheritdoc/>
    protected override double Reduce(OperatorAttributes attributes, ReadOnlySpan<double> plane)
    {
        var p = As<GlobalLpPoolAttributes>(attributes).P;
        var sum = 0.0;
        foreach (var v in plane)
        {
            sum += Math.Pow(Math.Abs(v), p);
        }
        return Math.Pow(sum, 1.0 / p);
    }
}
