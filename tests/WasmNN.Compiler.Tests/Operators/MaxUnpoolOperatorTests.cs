using static WasmNN.Compiler.Tests.Operators.OperatorRun;

namespace WasmNN.Compiler.Tests.Operators;

/// <summary>MaxUnpool on the ONNX specification's examples.</summary>
public sealed class MaxUnpoolOperatorTests
{
    [Fact]
    public void Evaluate_WithoutOutputShape_PutsEachValueAtItsIndexInTheDefaultSize()
    {
        // (2 - 1) * 2 + 2 = 4 per spatial dimension.
        var y = Evaluate1("MaxUnpool", [F([1, 1, 2, 2], 5, 6, 7, 8), L([1, 1, 2, 2], 5, 7, 13, 15)],
            Attributes(("kernel_shape", new long[] { 2, 2 }), ("strides", new long[] { 2, 2 })));

        AssertFloats([1, 1, 4, 4], y, 0, 0, 0, 0, 0, 5, 0, 6, 0, 0, 0, 0, 0, 7, 0, 8);
    }

    [Fact]
    public void Evaluate_OutputShapeInput_PadsTheDefaultResultAtTheEnds()
    {
        var y = Evaluate1("MaxUnpool", [F([1, 1, 2, 2], 5, 6, 7, 8), L([1, 1, 2, 2], 5, 7, 13, 15), L([4], 1, 1, 5, 5)],
            Attributes(("kernel_shape", new long[] { 2, 2 }), ("strides", new long[] { 2, 2 })));

        // The ONNX node test maxunpool_export_with_output_shape: indices address the 4 x 4 default, then zero rows/columns follow.
        AssertFloats([1, 1, 5, 5], y, 0, 0, 0, 0, 0, 0, 5, 0, 6, 0, 0, 0, 0, 0, 0, 0, 7, 0, 8, 0, 0, 0, 0, 0, 0);
    }

    [Fact]
    public void InferTypes_MissingKernelShape_Throws()
    {
        Assert.Throws<WasmNN.Compiler.IR.OperatorException>(() => Evaluate1("MaxUnpool", [F([1, 1, 1, 1], 1), L([1, 1, 1, 1], 0)]));
    }
}
