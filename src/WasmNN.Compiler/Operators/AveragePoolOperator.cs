using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>ONNX AveragePool: mean over each window, padding excluded unless count_include_pad.</summary>
public sealed class AveragePoolOperator : PoolOperator
{
    /// <inheritdoc/>
    public override string OpType => "AveragePool";

    /// <inheritdoc/>
    public override Tensor[] Evaluate(OperatorAttributes attributes, IReadOnlyList<Tensor?> inputs)
    {
        var a = As<PoolAttributes>(attributes);
        var x = Required(inputs, 0, "X");
        var g = Geometry(a, x.Shape);
        var y = Tensor.Zeros(x.DataType, [x.Shape[0], x.Shape[1], .. g.Output]);
        ForEachWindow(x.Shape, g, (o, window, padded) =>
        {
            var sum = 0.0;
            foreach (var i in window)
            {
                sum += x.GetDouble(i);
            }
            y.SetDouble(o, sum / (a.CountIncludePad ? padded : window.Count));
        });
        return [y];
    }
}
