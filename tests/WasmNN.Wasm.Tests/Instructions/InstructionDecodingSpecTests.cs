using WasmNN.Wasm.Instructions;
using WasmNN.Wasm.Reading;
using WasmNN.Wasm.Tests.Spec;
using Xunit.Abstractions;

namespace WasmNN.Wasm.Tests.Instructions;

public sealed class InstructionDecodingSpecTests(ITestOutputHelper output)
{
    [Fact]
    public void EveryFunctionBody_InValidSpecModules_DecodesToItsEnd()
    {
        int modules = 0, bodies = 0, instructions = 0;
        var failures = new List<string>();
        foreach (var command in SpecSuite.ModuleCommands("core", "simd", "relaxed-simd", "threads").Where(c => c.Type == "module"))
        {
            try
            {
                var module = ModuleReader.Read(File.ReadAllBytes(command.FilePath));
                foreach (var body in module.Codes)
                {
                    var reader = new InstructionReader(body.Code.Span, body.CodeOffset);
                    while (!reader.AtEnd)
                    {
                        reader.Read();
                        instructions++;
                    }
                    bodies++;
                }
                modules++;
            }
            catch (WasmFormatException e)
            {
                failures.Add($"{command}: {e.Message}");
            }
        }
        output.WriteLine($"{modules} modules, {bodies} bodies, {instructions} instructions decoded");
        Assert.True(failures.Count == 0, string.Join('\n', failures.Take(20)));
        Assert.True(bodies > 5000);
    }

    [Fact]
    public void Mnemonics_OfSpecModules_MatchWasmObjdump()
    {
        // Independent reference: wabt's disassembler. One module per script keeps it quick and covers every opcode group.
        var firstPerScript = SpecSuite.ModuleCommands("core", "simd", "relaxed-simd").Where(c => c.Type == "module")
            .GroupBy(c => c.FilePath[..c.FilePath.LastIndexOf(Path.DirectorySeparatorChar)])
            .SelectMany(g => g.Take(3));
        int compared = 0;
        foreach (var command in firstPerScript)
        {
            var dump = ExternalTool.Run("wasm-objdump", "-d", command.FilePath);
            if (dump is null) continue;
            var expected = dump.Split('\n').Where(l => l.Contains(" | ", StringComparison.Ordinal))
                .Select(l => l[(l.IndexOf(" | ", StringComparison.Ordinal) + 3)..].Trim())
                .Where(t => t.Length > 0 && !t.StartsWith("local[", StringComparison.Ordinal))
                .Select(t => t.Split(' ')[0]).ToList();
            var module = ModuleReader.Read(File.ReadAllBytes(command.FilePath));
            var actual = new List<string>();
            foreach (var body in module.Codes)
            {
                var reader = new InstructionReader(body.Code.Span, body.CodeOffset);
                while (!reader.AtEnd) actual.Add(OpcodeTable.Get(reader.Read().Opcode).Mnemonic);
            }
            Assert.True(expected.SequenceEqual(actual.Select(WabtSpelling)), $"{command}: first difference at {FirstDifference(expected, actual)}");
            compared++;
        }
        output.WriteLine($"{compared} modules compared with wasm-objdump");
        Assert.True(compared > 50, "wasm-objdump (wabt, apt package) is needed as the reference");
    }

    /// <summary>wabt 1.0.32 still prints a few relaxed-SIMD instructions under their pre-standard names.</summary>
    private static string WabtSpelling(string mnemonic) => mnemonic switch
    {
        "i16x8.relaxed_dot_i8x16_i7x16_s" => "i16x8.dot_i8x16_i7x16_s",
        "i32x4.relaxed_dot_i8x16_i7x16_add_s" => "i32x4.dot_i8x16_i7x16_add_s",
        _ => mnemonic,
    };

    private static string FirstDifference(List<string> expected, List<string> actual)
    {
        int i = 0;
        while (i < expected.Count && i < actual.Count && expected[i] == WabtSpelling(actual[i])) i++;
        return $"#{i}: wabt '{(i < expected.Count ? expected[i] : "<none>")}' vs ours '{(i < actual.Count ? actual[i] : "<none>")}'";
    }
}
