using WasmNN.Compiler.IR;
using WasmNN.Compiler.Operators;
using static WasmNN.Compiler.Tests.Operators.OperatorRun;

namespace WasmNN.Compiler.Tests.Operators;

public sealed class IfOperatorTests
{
    /// <summary>then: Add(a, a), else: Identity(a), each taking the captured value a as its one input.</summary>
    private static AttributeBag Branches()
    {
        Graph Branch(string name, string opType)
        {
            var g = new Graph(name, OperatorRun.Opset);
            var a = new Value("a", DataType.Float32, [2]);
            g.Inputs.Add(a);
            g.Outputs.Add(g.AddNode(opType, opType == "Add" ? [a, a] : [a], [$"{name}_out"]).Outputs[0]!);
            return g;
        }
        return Attributes(("then_branch", Branch("then", "Add")), ("else_branch", Branch("else", "Identity")));
    }

    [Fact]
    public void Evaluate_TrueCondition_RunsThenBranchOnTheCapturedValue()
    {
        var y = Evaluate1("If", [B([], true), F([2], 1.5f, -2)], Branches());

        AssertFloats([2], y, 3, -4);
    }

    [Fact]
    public void Evaluate_FalseConditionOfShapeOne_RunsElseBranch()
    {
        var y = Evaluate1("If", [B([1], false), F([2], 1.5f, -2)], Branches());

        AssertFloats([2], y, 1.5, -2);
    }

    [Fact]
    public void Evaluate_ConditionWithTwoElements_Rejected()
    {
        var error = Assert.Throws<OperatorException>(() => Evaluate1("If", [B([2], true, false), F([2], 1, 2)], Branches()));

        Assert.Contains("the condition must hold one element", error.Message, StringComparison.Ordinal);
    }
}
