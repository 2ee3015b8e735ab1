using WasmNN.Wasm.Reading;
using WasmNN.Wasm.Tests.Spec;
using Xunit.Abstractions;

namespace WasmNN.Wasm.Tests.Reading;

public sealed class ModuleReaderSpecTests(ITestOutputHelper output)
{
    [Fact]
    public void EveryModuleCommand_InSpecSuite_Decodes()
    {
        var failures = new List<string>();
        int count = 0;
        foreach (var command in SpecSuite.ModuleCommands("core", "simd", "relaxed-simd", "threads").Where(c => c.Type == "module"))
        {
            count++;
            try
            {
                ModuleReader.Read(File.ReadAllBytes(command.FilePath));
            }
            catch (WasmFormatException e)
            {
                failures.Add($"{command}: {e.Message}");
            }
        }
        output.WriteLine($"{count - failures.Count}/{count} modules decoded");
        Assert.True(failures.Count == 0, string.Join('\n', failures.Take(30)));
    }

    /// <summary>
    /// Core (2.0) assertions a proposal the reader decodes has made well-formed, with the problem they give now.
    /// binary.91 is a memory with limits flag 0x02, cut short: "integer too large" in 2.0, a shared memory in threads.
    /// </summary>
    private static readonly Dictionary<string, string> s_supersededByProposals = new(StringComparer.Ordinal)
    {
        ["binary.91.wasm"] = "unexpected end",
    };

    [Fact]
    public void EveryBinaryAssertMalformed_InSpecSuite_FailsWithTheSpecProblem()
    {
        var failures = new List<string>();
        int count = 0;
        foreach (var command in SpecSuite.ModuleCommands("core", "simd", "relaxed-simd")
                     .Where(c => c.Type == "assert_malformed" && c.ModuleType == "binary"))
        {
            count++;
            try
            {
                ModuleReader.Read(File.ReadAllBytes(command.FilePath));
                failures.Add($"{command}: accepted");
            }
            catch (WasmFormatException e) when (e.Kind == WasmErrorKind.Malformed)
            {
                // The reference interpreter compares messages by prefix; so does this test.
                string expected = s_supersededByProposals.GetValueOrDefault(Path.GetFileName(command.FilePath), command.Text!);
                if (!e.Problem.StartsWith(expected, StringComparison.Ordinal)) failures.Add($"{command}: got '{e.Message}'");
            }
        }
        output.WriteLine($"{count - failures.Count}/{count} binary assert_malformed rejected with the spec's problem");
        Assert.True(failures.Count == 0, string.Join('\n', failures.Take(40)));
    }

    [Fact]
    public void NameSection_OfWabtModule_GivesFunctionAndLocalNames()
    {
        // wat2wasm --debug-names writes the name section; the names come from the independent assembler.
        var dir = Directory.CreateTempSubdirectory("wasmnn-names");
        try
        {
            var wat = Path.Combine(dir.FullName, "m.wat");
            File.WriteAllText(wat, "(module $mod (func $add (param $a i32) (param $b i32) (result i32) (local $t i32) local.get $a local.get $b i32.add))");
            var wasm = Path.Combine(dir.FullName, "m.wasm");
            Assert.NotNull(ExternalTool.Run("wat2wasm", "--debug-names", wat, "-o", wasm));
            var module = ModuleReader.Read(File.ReadAllBytes(wasm));
            Assert.Equal("mod", module.Names.ModuleName);
            Assert.Equal("add", module.Names.Functions[0]);
            Assert.Equal(["a", "b", "t"], module.Names.Locals[0].OrderBy(p => p.Key).Select(p => p.Value));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void MalformedNameSection_DoesNotFailTheModule()
    {
        // Header, then custom section "name" whose function-names subsection claims more bytes than it has.
        byte[] bytes = [0, 0x61, 0x73, 0x6D, 1, 0, 0, 0, 0, 8, 4, (byte)'n', (byte)'a', (byte)'m', (byte)'e', 1, 9, 1];
        var module = ModuleReader.Read(bytes);
        Assert.Null(module.Names.ModuleName);
        Assert.Single(module.CustomSections);
    }

    [Fact]
    public void TruncatedModule_ReportsSectionAndOffset()
    {
        byte[] bytes = [0, 0x61, 0x73, 0x6D, 1, 0, 0, 0, 1, 5, 1, 0x60, 0, 0, 0];
        var e = Assert.Throws<WasmFormatException>(() => ModuleReader.Read(bytes));
        Assert.Equal("section size mismatch", e.Problem);
        Assert.Equal("type", e.Section);
        Assert.Equal(10, e.Offset);
    }
}
