using WasmNN.Compiler.IR;
using static WasmNN.Compiler.Tests.Operators.OperatorRun;

namespace WasmNN.Compiler.Tests.Operators;

/// <summary>Not, And, Or and Xor against their truth tables (ONNX spec), with numpy broadcasting.</summary>
public sealed class LogicalOperatorTests
{
    private static readonly Dictionary<string, Func<bool, bool, bool>> s_binary = new()
    {
        ["And"] = (a, b) => a && b,
        ["Or"] = (a, b) => a || b,
        ["Xor"] = (a, b) => a ^ b,
    };

    public static TheoryData<string> Binary => [.. s_binary.Keys];

    [Theory]
    [MemberData(nameof(Binary))]
    public void Evaluate_RowBroadcast_FollowsTheTruthTable(string opType)
    {
        // a[2,2] against b[2] broadcast along the rows: all four input pairs occur.
        bool[] a = [false, false, true, true];
        bool[] b = [false, true];

        var y = Evaluate1(opType, [B([2, 2], a), B([2], b)]);

        AssertBools([2, 2], y, [.. a.Select((x, i) => s_binary[opType](x, b[i % 2]))]);
    }

    [Fact]
    public void Not_Bools_Negates()
    {
        var y = Evaluate1("Not", [B([3], true, false, true)]);

        AssertBools([3], y, false, true, false);
    }

    [Theory]
    [InlineData("Not")]
    [InlineData("And")]
    public void InferTypes_NonBoolInput_Throws(string opType)
    {
        var x = new Value("x", DataType.Float32, [2]);
        var op = WasmNN.Compiler.Operators.OperatorRegistry.Find(opType, Opset)!;

        var error = Assert.Throws<OperatorException>(() => op.InferTypes(op.ParseAttributes(Attributes(), Opset), opType == "Not" ? [x] : [x, x]));

        Assert.Contains("takes bool inputs, 'x' is Float32", error.Message, StringComparison.Ordinal);
    }
}
