using WasmNN.Compiler.IR;
using static WasmNN.Compiler.Tests.Operators.OperatorRun;

namespace WasmNN.Compiler.Tests.Operators;

/// <summary>
/// Cast between strings and numbers in the reference evaluation, against numpy (<c>astype(str)</c> and
/// <c>astype(np.float32)</c>), with the ONNX specification's literals for the special values.
/// </summary>
public sealed class CastStringOperatorTests
{
    [Fact]
    public void Evaluate_Float32ToString_IsNumpysShortestForm()
    {
        // [str(x) for x in np.array([1e-7, 100, 0.1, -2.5e20, 3.4028235e38, 1e-4, 1e16, 123456.79, -0.0], dtype=np.float32)]
        var x = F([9], 1e-7f, 100, 0.1f, -2.5e20f, 3.4028235e38f, 1e-4f, 1e16f, 123456.79f, -0.0f);

        var y = Evaluate1("Cast", [x], Attributes(("to", 8L)), opset: 13);

        Assert.Equal(DataType.String, y.DataType);
        Assert.Equal(["1e-07", "100.0", "0.1", "-2.5e+20", "3.4028235e+38", "1e-04", "1e+16", "123456.79", "-0.0"], y.AsStrings());
    }

    [Fact]
    public void Evaluate_SpecialValuesToString_AreTheSpecificationsLiterals()
    {
        var y = Evaluate1("Cast", [F([3], float.NaN, float.PositiveInfinity, float.NegativeInfinity)], Attributes(("to", 8L)), opset: 13);

        Assert.Equal(["NaN", "INF", "-INF"], y.AsStrings());
    }

    [Fact]
    public void Evaluate_StringToFloat32_RoundsOnceAsNumpy()
    {
        // np.array(['1e-5', '1E8', '3.14', '-INF', '+inf', 'nan', '0.47892547']).astype(np.float32)
        var x = Tensor.FromStrings([7], ["1e-5", "1E8", "3.14", "-INF", "+inf", "nan", "0.47892547"]);

        var y = Evaluate1("Cast", [x], Attributes(("to", 1L)), opset: 13);

        Assert.Equal([9.999999747378752e-06f, 100000000f, 3.140000104904175f, float.NegativeInfinity, float.PositiveInfinity, float.NaN, 0.4789254665374756f], y.AsFloat32());
    }

    [Fact]
    public void Evaluate_NotANumber_NamesTheString()
    {
        var e = Assert.Throws<OperatorException>(() => Evaluate1("Cast", [Tensor.FromStrings([1], ["Hello World!"])], Attributes(("to", 1L)), opset: 13));

        Assert.Contains("'Hello World!'", e.Message);
    }
}
