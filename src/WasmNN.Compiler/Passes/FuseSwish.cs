using WasmNN.Compiler.IR;
using WasmNN.Compiler.Operators;
using static WasmNN.Compiler.Passes.GraphPatterns;

namespace WasmNN.Compiler.Passes;

/// <summary>
/// Replaces the SiLU exporters spell out, <c>Mul(x, Sigmoid(x))</c> (torch.nn.SiLU below opset 24, EfficientNet's
/// activation), by one Swish node (alpha 1). Swish is elementwise with one input, so FuseElementwise then folds it
/// into the producing convolution's tile; spelled out, x has two readers, so the pair stayed a kernel of its own that
/// read and wrote the whole activation (a third of EfficientNet-B0's time) and, in a threads build, a phase of its own.
/// </summary>
public sealed class FuseSwish : IGraphPass
{
    /// <summary>The opset of the Swish nodes this pass creates (the operator's first).</summary>
    private const int SwishOpset = 24;

    /// <inheritdoc/>
    public bool Run(Graph graph) => ReplaceEach(graph, (uses, sigmoid) =>
    {
        if (sigmoid.OpType != "Sigmoid" || sigmoid.Inputs[0] is not { ElementType: DataType.Float32 } x
            || sigmoid.Outputs[0] is not { } gate || SoleConsumer(graph, uses, gate) is not { OpType: "Mul" } mul
            || OtherOperand(mul, gate) != x || mul.Outputs[0] is not { } y || !Shapes.AreEqual(y.Shape, x.Shape))
        {
            return null;
        }
        var swish = OperatorRegistry.Resolve("Swish", SwishOpset, mul.Name);
        return ([sigmoid, mul], new Node(mul.Name, swish, SwishOpset, new SwishAttributes(Alpha: 1), [x], [y]));
    });
}
