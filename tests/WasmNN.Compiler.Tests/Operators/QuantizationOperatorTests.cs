using WasmNN.Compiler.IR;
using static WasmNN.Compiler.Tests.Operators.OperatorRun;

namespace WasmNN.Compiler.Tests.Operators;

/// <summary>The linear quantization operators and integer products on the ONNX specification's examples (and hand-computed ones).</summary>
public sealed class QuantizationOperatorTests
{
    private static Tensor U8(int[] shape, params byte[] values) => new(DataType.UInt8, shape, values);

    private static Tensor I8(int[] shape, params sbyte[] values) => new(DataType.Int8, shape, values);

    [Fact]
    public void QuantizeLinear_SpecExample_RoundsHalfToEvenAndSaturates()
    {
        var y = Evaluate1("QuantizeLinear", [F([6], 0, 2, 3, 1000, -254, -1000), F([], 2), U8([], 128)]);

        AssertTensor([6], DataType.UInt8, [128, 129, 130, 255, 1, 0], y);
    }

    [Fact]
    public void QuantizeLinear_NoZeroPoint_GivesUInt8WithZeroPointZero()
    {
        var y = Evaluate1("QuantizeLinear", [F([3], -1, 0.5f, 300), F([], 1)]);

        AssertTensor([3], DataType.UInt8, [0, 0, 255], y);
    }

    [Fact]
    public void QuantizeLinear_PerAxisSpecExample_UsesEachChannelsScale()
    {
        var x = F([1, 3, 3, 2], -162, 10, -100, 232, -20, -50, -76, 0, 0, 252, 32, -44, 245, -485, -960, -270, -375, -470);

        var y = Evaluate1("QuantizeLinear", [x, F([3], 2, 4, 5), U8([3], 84, 24, 196)]);

        AssertTensor([1, 3, 3, 2], DataType.UInt8, [3, 89, 34, 200, 74, 59, 5, 24, 24, 87, 32, 13, 245, 99, 4, 142, 121, 102], y);
    }

    [Fact]
    public void QuantizeLinear_Blocked_UsesOneScalePerBlockAlongTheAxis()
    {
        var x = F([2, 4], 1, 2, 3, 4, 5, 6, 7, 8);

        var y = Evaluate1("QuantizeLinear", [x, F([2, 2], 1, 2, 0.5f, 4), I8([2, 2], 0, 1, -1, 0)], Attributes(("axis", 1L), ("block_size", 2L)), opset: 21);

        AssertTensor([2, 4], DataType.Int8, [1, 2, 3, 3, 9, 11, 2, 2], y);
    }

    [Fact]
    public void DequantizeLinear_SpecExample_SubtractsZeroPointThenScales()
    {
        var y = Evaluate1("DequantizeLinear", [U8([4], 0, 3, 128, 255), F([], 2), U8([], 128)]);

        AssertFloats([4], y, -256, -250, 0, 254);
    }

    [Fact]
    public void DynamicQuantizeLinear_SpecExample_DerivesScaleAndZeroPointFromTheRange()
    {
        var outputs = Evaluate("DynamicQuantizeLinear", [F([6], 0, 2, -3, -2.5f, 1.34f, 0.5f)]);

        AssertTensor([6], DataType.UInt8, [153, 255, 0, 26, 221, 179], outputs[0]);
        AssertTensor([], DataType.Float32, [0.019607843], outputs[1]);
        AssertTensor([], DataType.UInt8, [153], outputs[2]);
    }

    [Fact]
    public void MatMulInteger_SpecExample_SubtractsZeroPointsInInt32()
    {
        var a = U8([4, 3], 11, 7, 3, 10, 6, 2, 9, 5, 1, 8, 4, 0);
        var b = U8([3, 2], 1, 4, 2, 5, 3, 6);

        var y = Evaluate1("MatMulInteger", [a, b, U8([], 12), U8([], 0)]);

        AssertTensor([4, 2], DataType.Int32, [-38, -83, -44, -98, -50, -113, -56, -128], y);
    }

    [Fact]
    public void QLinearMatMul_SpecExample_RequantizesToTheOutputScale()
    {
        var a = U8([2, 4], 208, 236, 0, 238, 3, 214, 255, 29);
        var b = U8([4, 3], 152, 51, 244, 60, 26, 255, 0, 127, 246, 127, 254, 247);

        var y = Evaluate1("QLinearMatMul", [a, F([], 0.0066f), U8([], 113), b, F([], 0.00705f), U8([], 114), F([], 0.0107f), U8([], 118)]);

        AssertTensor([2, 3], DataType.UInt8, [168, 115, 255, 1, 66, 151], y);
    }

    [Fact]
    public void QLinearAdd_ContribSpecFormula_DequantizesAddsAndRequantizesHalfToEven()
    {
        // C = (0.5 * (A - 128) + 0.25 * (B - 10)) / 0.5 + 128, worked by hand from com.microsoft's formula:
        // sums -64, 2.5, 68.5, 0.25 -> -128, 5, 137, 0.5 -> 0, 133, 265 saturated to 255, and the tie 0.5 to even 0 -> 128.
        var a = U8([4], 0, 128, 255, 129);
        var b = U8([4], 10, 20, 30, 9);

        var c = Evaluate1("QLinearAdd", [a, F([], 0.5f), U8([], 128), b, F([], 0.25f), U8([], 10), F([], 0.5f), U8([], 128)]);

        AssertTensor([4], DataType.UInt8, [0, 133, 255, 128], c);
    }

    [Fact]
    public void ConvInteger_SpecExample_SubtractsTheInputZeroPoint()
    {
        var x = U8([1, 1, 3, 3], 2, 3, 4, 5, 6, 7, 8, 9, 10);
        var w = U8([1, 1, 2, 2], 1, 1, 1, 1);

        var y = Evaluate1("ConvInteger", [x, w, U8([], 1)]);

        AssertTensor([1, 1, 2, 2], DataType.Int32, [12, 16, 24, 28], y);
    }

    [Fact]
    public void QLinearConv_BiasAndScales_RequantizeHalfToEven()
    {
        // acc = (x - 10) * 2 + 3 = 3, 23, 43, 63; times 0.5 * 0.25 / 1 = 0.375, 2.875, 5.375, 7.875; rounded 0, 3, 5, 8; plus 5.
        var x = U8([1, 1, 2, 2], 10, 20, 30, 40);

        var y = Evaluate1("QLinearConv", [x, F([], 0.5f), U8([], 10), I8([1, 1, 1, 1], 2), F([], 0.25f), I8([], 0), F([], 1), U8([], 5),
            new Tensor(DataType.Int32, [1], new[] { 3 })]);

        AssertTensor([1, 1, 2, 2], DataType.UInt8, [5, 8, 10, 13], y);
    }
}
