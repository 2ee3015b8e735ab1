using WasmNN.Compiler.IR;
using static WasmNN.Compiler.Tests.Operators.OperatorRun;

namespace WasmNN.Compiler.Tests.Operators;

/// <summary>
/// BitwiseAnd/Or/Xor/Not (opset 18) and BitShift (opset 11) on the ONNX specification's examples (numpy's
/// bitwise_and, invert, left_shift on the same dtypes).
/// </summary>
public sealed class BitwiseOperatorTests
{
    private static Tensor I32(int[] shape, params int[] values) => new(DataType.Int32, shape, values);

    private static Tensor U8(int[] shape, params byte[] values) => new(DataType.UInt8, shape, values);

    [Theory]
    [InlineData("BitwiseAnd", new long[] { 0b1000, 0b0010, -8 })]
    [InlineData("BitwiseOr", new long[] { 0b1110, 0b1011, -1 })]
    [InlineData("BitwiseXor", new long[] { 0b0110, 0b1001, 7 })]
    public void Evaluate_Int32WithBroadcastRow_CombinesTwosComplementBits(string opType, long[] expected)
    {
        var y = Evaluate1(opType, [I32([3], 0b1100, 0b0011, -1), I32([3], 0b1010, 0b1010, -8)]);

        AssertTensor([3], DataType.Int32, [.. expected.Select(v => (double)v)], y);
    }

    [Fact]
    public void BitwiseNot_UInt8_WrapsToTheElementType()
    {
        // numpy.invert(np.array([0, 5, 255], dtype=np.uint8)) == [255, 250, 0].
        var y = Evaluate1("BitwiseNot", [U8([3], 0, 5, 255)]);

        AssertTensor([3], DataType.UInt8, [255, 250, 0], y);
    }

    [Fact]
    public void BitwiseAnd_FloatInputs_Throws()
    {
        Assert.Throws<OperatorException>(() => Evaluate1("BitwiseAnd", [F([1], 1), F([1], 1)]));
    }

    [Fact]
    public void BitShift_SpecExamples_ShiftLeftAndRight()
    {
        // The BitShift specification: [16, 4, 1] >> [1, 2, 3] = [8, 1, 0]; [16, 4, 1] << [1, 2, 3] = [32, 16, 8].
        var right = Evaluate1("BitShift", [U8([3], 16, 4, 1), U8([3], 1, 2, 3)], Attributes(("direction", "RIGHT")));
        var left = Evaluate1("BitShift", [U8([3], 16, 4, 1), U8([3], 1, 2, 3)], Attributes(("direction", "LEFT")));

        AssertTensor([3], DataType.UInt8, [8, 1, 0], right);
        AssertTensor([3], DataType.UInt8, [32, 16, 8], left);
    }

    [Fact]
    public void BitShift_LeftPastTheWidth_DropsTheHighBits()
    {
        // uint8: 0x81 << 1 keeps 0x02 (numpy wraps), and a shift by 8 or more leaves nothing.
        var y = Evaluate1("BitShift", [U8([3], 0x81, 0xFF, 1), U8([3], 1, 8, 40)], Attributes(("direction", "LEFT")));

        AssertTensor([3], DataType.UInt8, [2, 0, 0], y);
    }

    [Fact]
    public void BitShift_MissingDirection_Throws()
    {
        Assert.Throws<OperatorException>(() => Evaluate1("BitShift", [U8([1], 1), U8([1], 1)]));
    }
}
