using WasmNN.Wasm.Reading;
using WasmNN.Wasm.Tests.Spec;
using WasmNN.Wasm.Validation;
using WasmNN.Wasm.Writing;
using Xunit.Abstractions;

namespace WasmNN.Wasm.Tests.Writing;

public sealed class ModuleWriterSpecTests(ITestOutputHelper output)
{
    [Fact]
    public void RoundTrip_OfEverySpecModule_PreservesStructure()
    {
        var failures = new List<string>();
        int count = 0;
        foreach (var command in SpecSuite.ModuleCommands("core", "simd", "relaxed-simd", "threads").Where(c => c.Type == "module"))
        {
            count++;
            var original = ModuleReader.Read(File.ReadAllBytes(command.FilePath));
            var written = ModuleWriter.Write(original);
            var reread = ModuleReader.Read(written);
            var difference = ModuleComparer.FirstDifference(original, reread);
            if (difference is not null) failures.Add($"{command}: {difference}");
            else ModuleValidator.Validate(reread);
        }
        output.WriteLine($"{count - failures.Count}/{count} modules round-trip");
        Assert.True(failures.Count == 0, string.Join('\n', failures.Take(30)));
    }

    [Fact]
    public void WrittenModules_AreAcceptedByWasmValidate()
    {
        // Independent check: wabt's validator reads what we wrote. One module per script keeps it quick.
        var sample = SpecSuite.ModuleCommands("core", "simd").Where(c => c.Type == "module")
            .GroupBy(c => c.Script).Select(g => g.First());
        var dir = Directory.CreateTempSubdirectory("wasmnn-writer");
        int checkedCount = 0;
        try
        {
            foreach (var command in sample)
            {
                var path = Path.Combine(dir.FullName, Path.GetFileName(command.FilePath));
                File.WriteAllBytes(path, ModuleWriter.Write(ModuleReader.Read(File.ReadAllBytes(command.FilePath))));
                Assert.True(ExternalTool.Run("wasm-validate", path) is not null, $"wasm-validate rejects our encoding of {command}");
                checkedCount++;
            }
        }
        finally
        {
            dir.Delete(recursive: true);
        }
        output.WriteLine($"{checkedCount} written modules accepted by wasm-validate");
    }
}
