using WasmNN.Wasm.Printing;
using WasmNN.Wasm.Reading;
using WasmNN.Wasm.Tests.Spec;
using Xunit.Abstractions;

namespace WasmNN.Wasm.Tests.Printing;

public sealed class WatPrinterTests(ITestOutputHelper output)
{
    [Fact]
    public void InstructionSequence_OfSpecModules_MatchesWasm2wat()
    {
        var sample = SpecSuite.ModuleCommands("core", "simd").Where(c => c.Type == "module")
            .GroupBy(c => c.Script).SelectMany(g => g.Take(2));
        int compared = 0;
        foreach (var command in sample)
        {
            var reference = ExternalTool.Run("wasm2wat", "--no-check", command.FilePath);
            if (reference is null) continue;
            var ours = WatPrinter.Print(ModuleReader.Read(File.ReadAllBytes(command.FilePath)));
            var expected = FunctionMnemonics(reference);
            var actual = FunctionMnemonics(ours);
            Assert.True(expected.SequenceEqual(actual),
                $"{command}: first difference at #{expected.Zip(actual).TakeWhile(p => p.First == p.Second).Count()} ({expected.Count} vs {actual.Count})");
            compared++;
        }
        output.WriteLine($"{compared} modules print the same instruction sequence as wasm2wat");
        Assert.True(compared > 50, "wasm2wat (wabt, apt package) is needed as the reference");
    }

    [Fact]
    public void Print_OfNamedModule_ShowsNamesSignaturesAndIndentation()
    {
        byte[] wasm = WabtTools.Assemble("(module $m (func $f (param i32) (result i32) (block (result i32) local.get 0)))");
        var text = WatPrinter.Print(ModuleReader.Read(wasm));
        Assert.Contains("(module $m", text, StringComparison.Ordinal);
        Assert.Contains("(func $f (type 0) (param i32) (result i32)", text, StringComparison.Ordinal);
        Assert.Contains("\n    block (result i32)\n      local.get 0\n    end\n", text, StringComparison.Ordinal);
    }

    /// <summary>The first word of every instruction line inside function definitions, in order.</summary>
    private static List<string> FunctionMnemonics(string wat)
    {
        var result = new List<string>();
        bool inFunction = false;
        foreach (var line in wat.Split('\n'))
        {
            if (line.StartsWith("  (", StringComparison.Ordinal)) inFunction = line.StartsWith("  (func", StringComparison.Ordinal);
            else if (inFunction && line.StartsWith("    ", StringComparison.Ordinal))
            {
                var t = line.Trim();
                if (t.StartsWith('(') || t.StartsWith(";;", StringComparison.Ordinal)) continue;
                result.Add(t.Split(' ')[0].TrimEnd(')'));
            }
        }
        return result;
    }
}
