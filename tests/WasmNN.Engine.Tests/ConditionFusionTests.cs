namespace WasmNN.Engine.Tests;

/// <summary>
/// A comparison or eqz right before br_if or if compiles to one IL compare-and-branch. Each must branch exactly when
/// the wasm comparison gives 1, NaN operands included (the negated float forms are where an IL branch could differ);
/// expected values are .NET's IEEE comparison operators, which the spec's comparisons match.
/// </summary>
public sealed class ConditionFusionTests
{
    private static readonly string[] s_floatOps = ["eq", "ne", "lt", "gt", "le", "ge"];
    private static readonly string[] s_intOps = ["eq", "ne", "lt_s", "lt_u", "gt_s", "gt_u", "le_s", "le_u", "ge_s", "ge_u"];

    private static string Module(string type, IEnumerable<string> ops, string extra = "")
    {
        var functions = ops.Select(op => $"""
            (func (export "br_if_{op}") (param {type} {type}) (result i32)
              (block (br_if 0 ({type}.{op} (local.get 0) (local.get 1))) (return (i32.const 0))) (i32.const 1))
            (func (export "if_{op}") (param {type} {type}) (result i32)
              (if (result i32) ({type}.{op} (local.get 0) (local.get 1)) (then (i32.const 1)) (else (i32.const 0))))
            (func (export "br_if_value_{op}") (param {type} {type}) (result i32)
              (block (result i32) (drop (br_if 0 (i32.const 1) ({type}.{op} (local.get 0) (local.get 1)))) (i32.const 0)))
            """);
        return $"(module {extra}{string.Join("\n", functions)})";
    }

    public static TheoryData<double, double> FloatPairs => new()
    {
        { 1, 2 }, { 2, 1 }, { 1, 1 }, { double.NaN, 1 }, { 1, double.NaN }, { double.NaN, double.NaN }, { -0.0, 0.0 },
    };

    public static TheoryData<long, long> IntPairs => new() { { 1, 2 }, { 2, 1 }, { 0, 0 }, { -1, 1 }, { int.MinValue, int.MaxValue } };

    [Theory]
    [MemberData(nameof(FloatPairs))]
    public void F64CompareThenBranch_AnyOperands_BranchesAsTheComparisonSays(double a, double b) =>
        AssertBranches(Module("f64", s_floatOps), a, b, FloatExpectations(a, b));

    [Theory]
    [MemberData(nameof(FloatPairs))]
    public void F32CompareThenBranch_AnyOperands_BranchesAsTheComparisonSays(double a, double b) =>
        AssertBranches(Module("f32", s_floatOps), (float)a, (float)b, FloatExpectations((float)a, (float)b));

    [Theory]
    [MemberData(nameof(IntPairs))]
    public void I64CompareThenBranch_SignedAndUnsigned_BranchesAsTheComparisonSays(long a, long b) =>
        AssertBranches(Module("i64", s_intOps, EqzFunctions("i64")), a, b, IntExpectations(a, b, (ulong)a < (ulong)b, (ulong)a > (ulong)b));

    [Theory]
    [MemberData(nameof(IntPairs))]
    public void I32CompareThenBranch_SignedAndUnsigned_BranchesAsTheComparisonSays(long a64, long b64)
    {
        int a = (int)a64, b = (int)b64;
        AssertBranches(Module("i32", s_intOps, EqzFunctions("i32")), a, b, IntExpectations(a, b, (uint)a < (uint)b, (uint)a > (uint)b));
    }

    private static Dictionary<string, bool> FloatExpectations<T>(T a, T b) where T : System.Numerics.IFloatingPointIeee754<T> =>
        new() { ["eq"] = a == b, ["ne"] = a != b, ["lt"] = a < b, ["gt"] = a > b, ["le"] = a <= b, ["ge"] = a >= b };

    private static Dictionary<string, bool> IntExpectations<T>(T a, T b, bool unsignedLess, bool unsignedGreater) where T : System.Numerics.IBinaryInteger<T> =>
        new()
        {
            ["eq"] = a == b, ["ne"] = a != b, ["lt_s"] = a < b, ["lt_u"] = unsignedLess, ["gt_s"] = a > b, ["gt_u"] = unsignedGreater,
            ["le_s"] = a <= b, ["le_u"] = !unsignedGreater, ["ge_s"] = a >= b, ["ge_u"] = !unsignedLess,
        };

    /// <summary>Every branch shape of every comparison, and eqz (of the first operand) when the module has it.</summary>
    private static void AssertBranches<T>(string wat, T a, T b, Dictionary<string, bool> expected) where T : System.Numerics.INumber<T>
    {
        var instance = Wat.Instantiate(new Engine(), wat);
        foreach (var (op, result) in expected)
        {
            foreach (var shape in new[] { "br_if_", "if_", "br_if_value_" })
                Assert.True((result ? 1 : 0) == instance.GetFunction<Func<T, T, int>>(shape + op)(a, b), $"{shape}{op}({a}, {b})");
        }
        if (instance.GetFunction("br_if_eqz") is null) return;
        foreach (var shape in new[] { "br_if_eqz", "if_eqz" })
            Assert.True((T.IsZero(a) ? 1 : 0) == instance.GetFunction<Func<T, int>>(shape)(a), $"{shape}({a})");
    }

    private static string EqzFunctions(string type) => $"""
        (func (export "br_if_eqz") (param {type}) (result i32)
          (block (br_if 0 ({type}.eqz (local.get 0))) (return (i32.const 0))) (i32.const 1))
        (func (export "if_eqz") (param {type}) (result i32)
          (if (result i32) ({type}.eqz (local.get 0)) (then (i32.const 1)) (else (i32.const 0))))
        """;
}
