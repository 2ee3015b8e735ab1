using WasmNN.Compiler.IR;
using static WasmNN.Compiler.Tests.Operators.OperatorRun;

namespace WasmNN.Compiler.Tests.Operators;

/// <summary>Mod's sign rules from the spec: fmod = 0 follows the divisor (Python %), fmod = 1 the dividend (C fmod).</summary>
public sealed class ModOperatorTests
{
    [Fact]
    public void Evaluate_IntegerDefault_TakesTheDivisorsSign()
    {
        var y = Evaluate1("Mod", [L([4], -7, 7, -7, 6), L([4], 3, -3, -3, 3)]);

        AssertTensor([4], DataType.Int64, [2, -2, -1, 0], y);
    }

    [Fact]
    public void Evaluate_IntegerFmod_TakesTheDividendsSign()
    {
        var y = Evaluate1("Mod", [L([4], -7, 7, -7, 6), L([4], 3, -3, -3, 3)], Attributes(("fmod", 1L)));

        AssertTensor([4], DataType.Int64, [-1, 1, -1, 0], y);
    }

    [Fact]
    public void Evaluate_FloatFmod_IsTheTruncatedRemainder()
    {
        // fmod(5.5, 2) = 1.5, fmod(-5.5, 2) = -1.5, fmod(5.5, -2) = 1.5.
        var y = Evaluate1("Mod", [F([3], 5.5f, -5.5f, 5.5f), F([3], 2, 2, -2)], Attributes(("fmod", 1L)));

        AssertFloats([3], y, 1.5, -1.5, 1.5);
    }
}
